import DLCore
import Foundation
import GRDBSQLite
import Synchronization

/// An SQLite VFS that wraps the default ("unix") one and reports to `PowerLossDisk`s.
///
/// Installed as the process's default VFS, so every connection (GRDB's included) goes through
/// it. Files under an attached disk's root are recorded there: writes, truncations and syncs of
/// the database, its WAL and journals, and deletes. The unix VFS syncs a WAL's or journal's
/// directory at the first sync after opening it with SQLITE_OPEN_CREATE (and after a delete
/// asked to), never after creating the database file itself; the recorder is told exactly
/// that. When a disk's power is off its files refuse writes, truncations, syncs and deletes
/// with an I/O error. The shared-memory index (`-shm`) is not durable state and is not
/// recorded (SQLite rebuilds it after a crash).
public enum PowerLossVFS {
    /// Installs the VFS as the default once per process; later calls do nothing.
    public static func install() { _ = installed }

    /// Files under `disk.root` are recorded by `disk` from now on.
    public static func attach(_ disk: PowerLossDisk) {
        install()
        registry.withLock { $0.disks[disk.root] = disk }
    }

    public static func detach(_ disk: PowerLossDisk) {
        registry.withLock { _ = $0.disks.removeValue(forKey: disk.root) }
    }

    struct Registry {
        var disks: [String: PowerLossDisk] = [:]
        var open: [Int: OpenFile] = [:]
        var nextToken = 1 << 40
    }

    struct OpenFile {
        var disk: PowerLossDisk
        var path: String
        var syncsDirectory: Bool
    }

    static let registry = Mutex(Registry())

    static func disk(for path: String) -> PowerLossDisk? {
        registry.withLock { registry in registry.disks.values.first { $0.tracks(path) } }
    }

    nonisolated(unsafe) static var unix: UnsafeMutablePointer<sqlite3_vfs>!
    nonisolated(unsafe) static var methods: UnsafePointer<sqlite3_io_methods>!

    /// The wrapper's part of an open file, followed in memory by the unix VFS's own.
    struct Header {
        var base: sqlite3_file
        var token: Int
    }

    static let headerSize = (MemoryLayout<Header>.size + 15) & ~15

    private static let installed: Bool = {
        guard let unix = sqlite3_vfs_find("unix") else { fatalError("no unix SQLite VFS") }
        Self.unix = unix
        var methods = sqlite3_io_methods()
        methods.iVersion = 2
        methods.xClose = vfsClose
        methods.xRead = vfsRead
        methods.xWrite = vfsWrite
        methods.xTruncate = vfsTruncate
        methods.xSync = vfsSync
        methods.xFileSize = vfsFileSize
        methods.xLock = vfsLock
        methods.xUnlock = vfsUnlock
        methods.xCheckReservedLock = vfsCheckReservedLock
        methods.xFileControl = vfsFileControl
        methods.xSectorSize = vfsSectorSize
        methods.xDeviceCharacteristics = vfsDeviceCharacteristics
        methods.xShmMap = vfsShmMap
        methods.xShmLock = vfsShmLock
        methods.xShmBarrier = vfsShmBarrier
        methods.xShmUnmap = vfsShmUnmap
        let stored = UnsafeMutablePointer<sqlite3_io_methods>.allocate(capacity: 1)
        stored.initialize(to: methods)
        Self.methods = UnsafePointer(stored)
        let vfs = UnsafeMutablePointer<sqlite3_vfs>.allocate(capacity: 1)
        vfs.initialize(to: unix.pointee)
        vfs.pointee.pNext = nil
        vfs.pointee.zName = UnsafePointer(strdup("dlctl-power-loss"))
        vfs.pointee.szOsFile = Int32(headerSize) + unix.pointee.szOsFile
        vfs.pointee.xOpen = vfsOpen
        vfs.pointee.xDelete = vfsDelete
        vfs.pointee.xAccess = vfsAccess
        vfs.pointee.xFullPathname = vfsFullPathname
        return sqlite3_vfs_register(vfs, 1) == SQLITE_OK
    }()

    static func inner(_ file: UnsafeMutablePointer<sqlite3_file>) -> UnsafeMutablePointer<sqlite3_file> {
        (UnsafeMutableRawPointer(file) + headerSize).assumingMemoryBound(to: sqlite3_file.self)
    }

    static func token(_ file: UnsafeMutablePointer<sqlite3_file>) -> Int {
        UnsafeMutableRawPointer(file).assumingMemoryBound(to: Header.self).pointee.token
    }

    static func tracked(_ file: UnsafeMutablePointer<sqlite3_file>) -> OpenFile? {
        let token = token(file)
        guard token != 0 else { return nil }
        return registry.withLock { $0.open[token] }
    }

    /// The recorder's file and inode behind `file`; nil when it is not recorded (the real call
    /// alone does); EIO once a power loss severed it.
    static func recorded(_ file: UnsafeMutablePointer<sqlite3_file>) throws -> (open: OpenFile, inode: Int)? {
        guard let open = tracked(file), let inode = try open.disk.inode(ofHandle: token(file)) else { return nil }
        return (open, inode)
    }
}

// The io methods: plain functions, as C calls them from any thread.

// Extended result codes (macros Swift does not import): SQLITE_IOERR | (n << 8).
private let ioErrorWrite = SQLITE_IOERR | (3 << 8)
private let ioErrorFsync = SQLITE_IOERR | (4 << 8)
private let ioErrorTruncate = SQLITE_IOERR | (6 << 8)
private let ioErrorDelete = SQLITE_IOERR | (10 << 8)

private func vfsOpen(_ vfs: UnsafeMutablePointer<sqlite3_vfs>?, _ name: UnsafePointer<CChar>?,
                     _ file: UnsafeMutablePointer<sqlite3_file>?, _ flags: Int32, _ outFlags: UnsafeMutablePointer<Int32>?) -> Int32 {
    guard let file else { return SQLITE_MISUSE }
    let header = UnsafeMutableRawPointer(file).assumingMemoryBound(to: PowerLossVFS.Header.self)
    header.pointee = PowerLossVFS.Header(base: sqlite3_file(pMethods: nil), token: 0)
    let inner = PowerLossVFS.inner(file)
    let path = name.map { String(cString: $0) }
    let kinds = SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL | SQLITE_OPEN_MAIN_JOURNAL | SQLITE_OPEN_SUPER_JOURNAL
    let disk = path.flatMap { flags & kinds != 0 ? PowerLossVFS.disk(for: $0) : nil }
    let creates = flags & SQLITE_OPEN_CREATE != 0
    if let disk, creates, !FileManager.default.fileExists(atPath: path!), disk.circuit.isDown { return SQLITE_CANTOPEN }
    let rc = PowerLossVFS.unix.pointee.xOpen(PowerLossVFS.unix, name, inner, flags, outFlags)
    guard inner.pointee.pMethods != nil else { return rc }
    header.pointee.base.pMethods = PowerLossVFS.methods
    guard rc == SQLITE_OK, let disk, let path else { return rc }
    let token = PowerLossVFS.registry.withLock { registry -> Int in
        defer { registry.nextToken += 1 }
        // The unix VFS syncs the directory at the first sync of a WAL or journal opened to create.
        let syncsDirectory = creates && flags & (SQLITE_OPEN_WAL | SQLITE_OPEN_MAIN_JOURNAL | SQLITE_OPEN_SUPER_JOURNAL) != 0
        registry.open[registry.nextToken] = PowerLossVFS.OpenFile(disk: disk, path: path, syncsDirectory: syncsDirectory)
        return registry.nextToken
    }
    _ = try? disk.locked(nil, path) { disk.attach(handle: token, inode: disk.opened(path, truncate: false)) }
    header.pointee.token = token
    return rc
}

private func vfsDelete(_ vfs: UnsafeMutablePointer<sqlite3_vfs>?, _ name: UnsafePointer<CChar>?, _ syncDirectory: Int32) -> Int32 {
    guard let name, let disk = PowerLossVFS.disk(for: String(cString: name)) else {
        return PowerLossVFS.unix.pointee.xDelete(PowerLossVFS.unix, name, syncDirectory)
    }
    let path = String(cString: name)
    do {
        return try disk.locked(FileOperation(.remove, path), path) {
            let rc = PowerLossVFS.unix.pointee.xDelete(PowerLossVFS.unix, name, 0)
            disk.removed(path)
            if syncDirectory != 0 { disk.directorySynced(PosixFiles.parent(of: path)) }
            return rc
        }
    } catch {
        return ioErrorDelete
    }
}

private func vfsAccess(_ vfs: UnsafeMutablePointer<sqlite3_vfs>?, _ name: UnsafePointer<CChar>?, _ flags: Int32,
                       _ out: UnsafeMutablePointer<Int32>?) -> Int32 {
    PowerLossVFS.unix.pointee.xAccess(PowerLossVFS.unix, name, flags, out)
}

private func vfsFullPathname(_ vfs: UnsafeMutablePointer<sqlite3_vfs>?, _ name: UnsafePointer<CChar>?, _ count: Int32,
                             _ out: UnsafeMutablePointer<CChar>?) -> Int32 {
    PowerLossVFS.unix.pointee.xFullPathname(PowerLossVFS.unix, name, count, out)
}

private func vfsClose(_ file: UnsafeMutablePointer<sqlite3_file>?) -> Int32 {
    guard let file else { return SQLITE_MISUSE }
    let token = PowerLossVFS.token(file)
    if token != 0, let open = PowerLossVFS.registry.withLock({ $0.open.removeValue(forKey: token) }) {
        open.disk.detach(handle: token)
    }
    let inner = PowerLossVFS.inner(file)
    return inner.pointee.pMethods.pointee.xClose(inner)
}

private func vfsRead(_ file: UnsafeMutablePointer<sqlite3_file>?, _ buffer: UnsafeMutableRawPointer?, _ amount: Int32,
                     _ offset: sqlite3_int64) -> Int32 {
    let inner = PowerLossVFS.inner(file!)
    return inner.pointee.pMethods.pointee.xRead(inner, buffer, amount, offset)
}

private func vfsWrite(_ file: UnsafeMutablePointer<sqlite3_file>?, _ buffer: UnsafeRawPointer?, _ amount: Int32,
                      _ offset: sqlite3_int64) -> Int32 {
    let inner = PowerLossVFS.inner(file!)
    do {
        guard let (open, inode) = try PowerLossVFS.recorded(file!) else {
            return inner.pointee.pMethods.pointee.xWrite(inner, buffer, amount, offset)
        }
        return try open.disk.locked(FileOperation(.write, open.path), open.path) {
            let rc = inner.pointee.pMethods.pointee.xWrite(inner, buffer, amount, offset)
            if rc == SQLITE_OK, let buffer {
                open.disk.recordWrite(inode, offset: Int(offset),
                                      bytes: Array(UnsafeRawBufferPointer(start: buffer, count: Int(amount))))
            }
            return rc
        }
    } catch {
        return ioErrorWrite
    }
}

private func vfsTruncate(_ file: UnsafeMutablePointer<sqlite3_file>?, _ size: sqlite3_int64) -> Int32 {
    let inner = PowerLossVFS.inner(file!)
    do {
        guard let (open, inode) = try PowerLossVFS.recorded(file!) else { return inner.pointee.pMethods.pointee.xTruncate(inner, size) }
        return try open.disk.locked(FileOperation(.resize, open.path), open.path) {
            let rc = inner.pointee.pMethods.pointee.xTruncate(inner, size)
            if rc == SQLITE_OK { open.disk.recordResize(inode, size: Int(size)) }
            return rc
        }
    } catch {
        return ioErrorTruncate
    }
}

private func vfsSync(_ file: UnsafeMutablePointer<sqlite3_file>?, _ flags: Int32) -> Int32 {
    let inner = PowerLossVFS.inner(file!)
    let token = PowerLossVFS.token(file!)
    do {
        guard let (open, inode) = try PowerLossVFS.recorded(file!) else { return inner.pointee.pMethods.pointee.xSync(inner, flags) }
        // The real sync is skipped: the recorder decides what is durable (and tests stay fast).
        try open.disk.locked(FileOperation(.sync, open.path), open.path) {
            open.disk.makeDurable(inode)
            if open.syncsDirectory { open.disk.directorySynced(PosixFiles.parent(of: open.path)) }
        }
        if open.syncsDirectory { PowerLossVFS.registry.withLock { $0.open[token]?.syncsDirectory = false } }
        return SQLITE_OK
    } catch {
        return ioErrorFsync
    }
}

private func vfsFileSize(_ file: UnsafeMutablePointer<sqlite3_file>?, _ size: UnsafeMutablePointer<sqlite3_int64>?) -> Int32 {
    let inner = PowerLossVFS.inner(file!)
    return inner.pointee.pMethods.pointee.xFileSize(inner, size)
}

private func vfsLock(_ file: UnsafeMutablePointer<sqlite3_file>?, _ level: Int32) -> Int32 {
    let inner = PowerLossVFS.inner(file!)
    return inner.pointee.pMethods.pointee.xLock(inner, level)
}

private func vfsUnlock(_ file: UnsafeMutablePointer<sqlite3_file>?, _ level: Int32) -> Int32 {
    let inner = PowerLossVFS.inner(file!)
    return inner.pointee.pMethods.pointee.xUnlock(inner, level)
}

private func vfsCheckReservedLock(_ file: UnsafeMutablePointer<sqlite3_file>?, _ out: UnsafeMutablePointer<Int32>?) -> Int32 {
    let inner = PowerLossVFS.inner(file!)
    return inner.pointee.pMethods.pointee.xCheckReservedLock(inner, out)
}

private func vfsFileControl(_ file: UnsafeMutablePointer<sqlite3_file>?, _ op: Int32, _ argument: UnsafeMutableRawPointer?) -> Int32 {
    let inner = PowerLossVFS.inner(file!)
    return inner.pointee.pMethods.pointee.xFileControl(inner, op, argument)
}

private func vfsSectorSize(_ file: UnsafeMutablePointer<sqlite3_file>?) -> Int32 {
    let inner = PowerLossVFS.inner(file!)
    return inner.pointee.pMethods.pointee.xSectorSize(inner)
}

private func vfsDeviceCharacteristics(_ file: UnsafeMutablePointer<sqlite3_file>?) -> Int32 {
    let inner = PowerLossVFS.inner(file!)
    return inner.pointee.pMethods.pointee.xDeviceCharacteristics(inner)
}

private func vfsShmMap(_ file: UnsafeMutablePointer<sqlite3_file>?, _ page: Int32, _ pageSize: Int32, _ extend: Int32,
                       _ out: UnsafeMutablePointer<UnsafeMutableRawPointer?>?) -> Int32 {
    let inner = PowerLossVFS.inner(file!)
    return inner.pointee.pMethods.pointee.xShmMap(inner, page, pageSize, extend, out)
}

private func vfsShmLock(_ file: UnsafeMutablePointer<sqlite3_file>?, _ offset: Int32, _ count: Int32, _ flags: Int32) -> Int32 {
    let inner = PowerLossVFS.inner(file!)
    return inner.pointee.pMethods.pointee.xShmLock(inner, offset, count, flags)
}

private func vfsShmBarrier(_ file: UnsafeMutablePointer<sqlite3_file>?) {
    let inner = PowerLossVFS.inner(file!)
    inner.pointee.pMethods.pointee.xShmBarrier(inner)
}

private func vfsShmUnmap(_ file: UnsafeMutablePointer<sqlite3_file>?, _ deleteFlag: Int32) -> Int32 {
    let inner = PowerLossVFS.inner(file!)
    return inner.pointee.pMethods.pointee.xShmUnmap(inner, deleteFlag)
}
