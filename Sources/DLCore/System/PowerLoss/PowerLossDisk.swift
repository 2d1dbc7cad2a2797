import Foundation

/// A file layer that remembers what a power loss would keep.
///
/// Every file operation under `root` runs on the real file system (so the code under test
/// reads what it wrote, as from a page cache) and is recorded. Per file it keeps the durable
/// image (its bytes as of its last `syncData`/`sync`) and the changes since; per path it keeps
/// the durable directory entry (as of the last `syncDirectory` of its directory) beside the
/// live one. When its `PowerCircuit` goes down, every later mutating operation fails with EIO;
/// `recover` then rewrites `root` as the disk would come back: only synced bytes, only synced
/// names (a file created or renamed without a directory sync is gone, a removed one may be
/// back), optionally with some unsynced writes that reached the disk before the loss, the last
/// one torn. Real syncs are skipped unless `performsRealSyncs`: durability is what this recorder
/// says, which keeps the tests fast.
///
/// The embedded metadata store's files reach it through `PowerLossVFS` (in the tests). A bookie
/// started with `--power-loss-recorder` runs on one too, so the jepsen nemesis can cut its power.
public final class PowerLossDisk: FileLayer, @unchecked Sendable {
    public let root: String
    public let circuit: PowerCircuit
    private let real = PosixFiles()
    private let lock = NSLock()

    fileprivate enum Change {
        case write(offset: Int, bytes: [UInt8])
        case resize(Int)
    }

    fileprivate struct Inode {
        var durable: [UInt8]
        var pending: [Change] = []

        /// Applies the pending changes to the durable image, in place.
        mutating func sync() {
            for change in pending { PowerLossDisk.apply(change, to: &durable) }
            pending = []
        }
    }

    private enum Entry: Equatable {
        case file(Int)
        case directory
    }

    private var inodes: [Int: Inode] = [:]
    private var nextInode = 1
    /// What the file system shows now, and what would survive a power loss, by path.
    private var live: [String: Entry] = [:]
    private var durable: [String: Entry] = [:]
    /// Names changed in `live` since their directory was last synced, by directory.
    private var unsyncedNames: [String: Set<String>] = [:]
    /// Open handles (descriptors, or `PowerLossVFS` tokens) and their inodes.
    private var handles: [Int: Int] = [:]
    /// The paths descriptors were opened at, to name the file an operation on one touches.
    private var handlePaths: [Int: String] = [:]
    /// Handles that were open when the power went off (`recover`): every operation on one fails
    /// until it is closed. Without this, a thread of the process still running between the
    /// recovery and its exit would write and sync a file the recovered disk no longer has, and
    /// acknowledge what no disk kept.
    private var severed = Set<Int>()

    /// The inode behind a handle (a descriptor, or a `PowerLossVFS` token); nil when the handle
    /// is not recorded (outside the root); EIO for a handle severed by a power loss.
    private func recordedInode(_ handle: Int) throws -> Int? {
        try lock.withLock {
            if severed.contains(handle) {
                counters.refused += 1
                throw FileError("use (power is off)", handlePaths[handle] ?? "handle \(handle)", code: EIO)
            }
            return handles[handle]
        }
    }

    /// A mutating operation on descriptor `fd`, named by the path it was opened at.
    private func operation(_ kind: FileOperation.Kind, _ fd: Int32) -> FileOperation {
        FileOperation(kind, lock.withLock { handlePaths[Int(fd)] } ?? "descriptor \(fd)")
    }

    /// What the disk did, for tests that check the recorder itself and for reports.
    public struct Counters: Sendable, Equatable {
        public var writes = 0
        public var fileSyncs = 0
        public var directorySyncs = 0
        public var refused = 0
    }

    private var counters = Counters()
    public var stats: Counters { lock.withLock { counters } }

    /// Tracks `root` (created if needed); what it holds now counts as durable.
    /// Whether syncs also reach the real disk (a bookie process keeps its real latency); tests
    /// skip them.
    public let performsRealSyncs: Bool

    public init(root: String, circuit: PowerCircuit = PowerCircuit(), performsRealSyncs: Bool = false) throws {
        self.performsRealSyncs = performsRealSyncs
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        self.root = URL(fileURLWithPath: root).resolvingSymlinksInPath().path
        self.circuit = circuit
        try importTree()
    }

    /// Whether `path` is recorded by this disk.
    public func tracks(_ path: String) -> Bool { path.hasPrefix(root + "/") }

    // MARK: FileLayer

    public func open(_ path: String, flags: Int32, mode: UInt32) throws -> Int32 {
        guard tracks(path) else { return try real.open(path, flags: flags, mode: mode) }
        let mutating = flags & (O_CREAT | O_TRUNC) != 0
        return try locked(mutating ? FileOperation(.create, path) : nil, path) {
            let fd = try real.open(path, flags: flags, mode: mode)
            handles[Int(fd)] = opened(path, truncate: flags & O_TRUNC != 0)
            handlePaths[Int(fd)] = path
            severed.remove(Int(fd))
            return fd
        }
    }

    public func close(_ fd: Int32) {
        lock.withLock {
            _ = handles.removeValue(forKey: Int(fd))
            _ = handlePaths.removeValue(forKey: Int(fd))
            severed.remove(Int(fd))
        }
        real.close(fd)
    }

    public func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int64) throws {
        guard let inode = try recordedInode(Int(fd)) else { return try real.write(fd, bytes, at: offset) }
        try locked(operation(.write, fd), "descriptor \(fd)") {
            try real.write(fd, bytes, at: offset)
            record(inode, .write(offset: Int(offset), bytes: Array(bytes)))
        }
    }

    public func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int {
        try real.read(fd, into: buffer, at: offset)
    }

    public func syncData(_ fd: Int32) throws {
        guard try recordedInode(Int(fd)) != nil else { return try real.syncData(fd) }
        if performsRealSyncs && !circuit.isDown { try real.syncData(fd) }
        try recordSync(fd)
    }

    public func sync(_ fd: Int32) throws {
        guard try recordedInode(Int(fd)) != nil else { return try real.sync(fd) }
        if performsRealSyncs && !circuit.isDown { try real.sync(fd) }
        try recordSync(fd)
    }

    /// The recorder's side of a sync (after the real one, if any): what was written is durable.
    private func recordSync(_ fd: Int32) throws {
        guard let inode = try recordedInode(Int(fd)) else { return }
        try locked(operation(.sync, fd), "descriptor \(fd)") { makeDurable(inode) }
    }

    /// Makes nothing durable here either: what a power loss keeps is still decided by the syncs.
    public func writeBack(_ fd: Int32, offset: Int64, length: Int64) throws {
        _ = try recordedInode(Int(fd))
        try real.writeBack(fd, offset: offset, length: length)
    }

    public func preallocate(_ fd: Int32, length: Int64) throws {
        guard let inode = try recordedInode(Int(fd)) else { return try real.preallocate(fd, length: length) }
        try locked(operation(.resize, fd), "descriptor \(fd)") {
            try real.preallocate(fd, length: length)
            var info = stat()
            fstat(fd, &info)
            record(inode, .resize(Int(info.st_size)))
        }
    }

    public func rename(_ source: String, to destination: String) throws {
        guard tracks(source) || tracks(destination) else { return try real.rename(source, to: destination) }
        try locked(FileOperation(.rename, destination), source) {
            try real.rename(source, to: destination)
            setLive(destination, live[source])
            setLive(source, nil)
        }
    }

    public func remove(_ path: String) {
        guard tracks(path) else { return real.remove(path) }
        try? locked(FileOperation(.remove, path), path) {
            real.remove(path)
            removed(path)
        }
    }

    public func syncDirectory(_ path: String) throws {
        let path = path == "." ? FileManager.default.currentDirectoryPath : path
        guard tracks(path) || path == root else { return try real.syncDirectory(path) }
        if performsRealSyncs && !circuit.isDown { try real.syncDirectory(path) }
        try locked(FileOperation(.syncDirectory, path), path) { directorySynced(path) }
    }

    public func makeDirectory(_ path: String) throws {
        guard tracks(path) else { return try real.makeDirectory(path) }
        try locked(FileOperation(.makeDirectory, path), path) {
            try real.makeDirectory(path)
            if live[path] == nil { setLive(path, .directory) }
        }
    }

    public func contents(_ path: String) throws -> [UInt8]? { try real.contents(path) }
    public func list(_ directory: String) -> [String] { real.list(directory) }
    public func size(_ path: String) -> Int64? { real.size(path) }

    // MARK: Recording (public for the SQLite VFS of the tests, which performs the real operation itself)

    /// Runs `body` under the disk's lock; a mutating `operation` (nil: a read) first asks the
    /// circuit, and fails with EIO (doing nothing) when the power is off or goes off at it.
    public func locked<T>(_ operation: FileOperation?, _ what: String, _ body: () throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        if let operation, !circuit.admit(operation) {
            counters.refused += 1
            throw FileError("use (power is off)", what, code: EIO)
        }
        return try body()
    }

    /// A file opened at `path`: its inode, created when the path is new.
    public func opened(_ path: String, truncate: Bool) -> Int {
        let inode: Int
        if case let .file(existing)? = live[path] {
            inode = existing
        } else {
            inode = nextInode
            nextInode += 1
            inodes[inode] = Inode(durable: [])
            setLive(path, .file(inode))
        }
        if truncate { record(inode, .resize(0)) }
        return inode
    }

    public func attach(handle: Int, inode: Int) {
        handles[handle] = inode
        severed.remove(handle)
    }
    public func detach(handle: Int) {
        lock.withLock {
            _ = handles.removeValue(forKey: handle)
            severed.remove(handle)
        }
    }

    /// The inode of a `PowerLossVFS` handle (nil: not recorded); EIO once a power loss severed it.
    public func inode(ofHandle handle: Int) throws -> Int? { try recordedInode(handle) }

    public func recordWrite(_ inode: Int, offset: Int, bytes: [UInt8]) { record(inode, .write(offset: offset, bytes: bytes)) }
    public func recordResize(_ inode: Int, size: Int) { record(inode, .resize(size)) }

    private func record(_ inode: Int, _ change: Change) {
        if case .write = change { counters.writes += 1 }
        inodes[inode]?.pending.append(change)
    }

    public func makeDurable(_ inode: Int) {
        counters.fileSyncs += 1
        inodes[inode]?.sync()
    }

    public func removed(_ path: String) { setLive(path, nil) }

    private func setLive(_ path: String, _ entry: Entry?) {
        live[path] = entry
        unsyncedNames[PosixFiles.parent(of: path), default: []].insert(path)
    }

    public func directorySynced(_ directory: String) {
        counters.directorySyncs += 1
        for name in unsyncedNames.removeValue(forKey: directory) ?? [] { durable[name] = live[name] }
    }

    fileprivate static func apply(_ change: Change, to bytes: inout [UInt8]) {
        switch change {
        case let .resize(size):
            if size < bytes.count { bytes.removeSubrange(size...) } else { bytes += [UInt8](repeating: 0, count: size - bytes.count) }
        case let .write(offset, data):
            if bytes.count < offset + data.count { bytes += [UInt8](repeating: 0, count: offset + data.count - bytes.count) }
            bytes.replaceSubrange(offset..<(offset + data.count), with: data)
        }
    }

    // MARK: Power loss

    /// What reached the disk of what was never synced.
    public enum Unsynced: Sendable {
        /// Nothing: each file is exactly its last synced image.
        case lost
        /// Per file, the first few unsynced changes (a random number of them), the last of
        /// those writes possibly torn at a 512-byte boundary, as a page cache flushing in order.
        case someInOrder
    }

    /// Rewrites `root` as it comes back after the power loss: surviving names with their
    /// durable bytes (and, per `unsynced`, some of what was not synced). Call once the power is
    /// off and nothing uses the files any more; then `circuit.restore()`.
    public func recover(unsynced: Unsynced, using random: inout some RandomNumberGenerator) throws {
        try lock.withLock {
            let surviving = durable.filter { survives($0.key) }
            for name in real.list(root) { try FileManager.default.removeItem(atPath: root + "/" + name) }
            for (path, entry) in surviving.sorted(by: { $0.key.count < $1.key.count }) {
                switch entry {
                case .directory:
                    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
                case let .file(inode):
                    guard let node = inodes[inode] else { continue }
                    var bytes = node.durable
                    if case .someInOrder = unsynced, !node.pending.isEmpty {
                        let kept = Int.random(in: 0...node.pending.count, using: &random)
                        for change in node.pending.prefix(kept) { Self.apply(change, to: &bytes) }
                        if kept < node.pending.count, case let .write(offset, data) = node.pending[kept], Bool.random(using: &random) {
                            let torn = Int.random(in: 0...(data.count / 512), using: &random) * 512
                            if torn > 0 { Self.apply(.write(offset: offset, bytes: Array(data.prefix(torn))), to: &bytes) }
                        }
                    }
                    guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
                        throw FileError("recreate", path, code: EIO)
                    }
                }
            }
            inodes = [:]
            live = [:]
            durable = [:]
            unsyncedNames = [:]
            severed.formUnion(handles.keys)
            handles = [:]
            try importTreeLocked()
        }
    }

    /// A name survives when it and every directory above it (up to the root) are durable.
    private func survives(_ path: String) -> Bool {
        let parent = PosixFiles.parent(of: path)
        if parent == root { return durable[path] != nil }
        guard durable[path] != nil, durable[parent] == .directory else { return false }
        return survives(parent)
    }

    private func importTree() throws { try lock.withLock { try importTreeLocked() } }

    /// Everything under the root now is durable (a fresh disk, or one just recovered).
    private func importTreeLocked() throws {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return }
        for case let relative as String in walker {
            let path = root + "/" + relative
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                live[path] = .directory
            } else {
                let inode = nextInode
                nextInode += 1
                inodes[inode] = Inode(durable: try real.contents(path) ?? [])
                live[path] = .file(inode)
            }
        }
        durable = live
    }
}
