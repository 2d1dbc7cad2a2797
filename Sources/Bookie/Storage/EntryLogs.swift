import DLCore
import Foundation
import NIOCore
import Synchronization

/// Entry-log files: the long-term home of entries, written whole at each checkpoint with the
/// entries sorted by ledger, each beside an index file.
///
/// `<id>.log`: records of 4-byte length, 4-byte CRC32C, then a `StoredEntry`.
/// `<id>.idx`: "DLIX", version, count, then (ledger id, entry id, offset, length) per entry,
/// then a CRC32C of everything before it.
public final class EntryLogs: Sendable {
    public struct IndexItem: Sendable, Equatable {
        public var ledgerId: Int64
        public var entryId: Int64
        public var offset: Int64
        public var length: UInt32
    }

    /// An open entry log for reading; closed when the last reader and the cache let go of it,
    /// so evicting it from the cache never closes a descriptor a read is using.
    private final class OpenLog: Sendable {
        let fd: Int32
        let files: any FileLayer
        init(fd: Int32, files: any FileLayer) {
            self.fd = fd
            self.files = files
        }
        deinit { files.close(fd) }
    }

    /// Descriptors kept open for reads: a bookie makes an entry log per checkpoint, and one
    /// descriptor per log for ever would run out of them.
    static let maxOpenLogs = 64

    public let directory: String
    private let files: any FileLayer
    private let readers = Mutex<[UInt64: OpenLog]>([:])

    public init(directory: String, files: any FileLayer = PosixFiles()) throws {
        self.directory = directory
        self.files = files
        try files.createDirectories(directory)
    }

    /// Closes the descriptors kept for reads (reads in flight finish first).
    public func closeReaders() { readers.withLock { $0.removeAll() } }

    static func name(_ id: UInt64, _ ext: String) -> String {
        let hex = String(id, radix: 16)
        return String(repeating: "0", count: max(0, 16 - hex.count)) + hex + "." + ext
    }

    public func logPath(_ id: UInt64) -> String { directory + "/" + Self.name(id, "log") }
    public func indexPath(_ id: UInt64) -> String { directory + "/" + Self.name(id, "idx") }

    /// Ids of the entry logs present on disk.
    public func listOnDisk() -> [UInt64] {
        files.list(directory).compactMap { name in
            name.hasSuffix(".log") && name.count == 20 ? UInt64(name.prefix(16), radix: 16) : nil
        }.sorted()
    }

    /// Writes `entries` (already in the order to store them) as entry log `id`, durably; with
    /// `pacing`, the log goes out at its rate (a periodic checkpoint, which nothing waits for).
    /// Records are encoded into a buffer of about `chunkBytes` that goes out each time it fills
    /// (`AtomicFileWriter`): the log is never in memory whole.
    public func write(id: UInt64, entries: [StoredEntry], pacing: WritePacing? = nil) throws -> [IndexItem] {
        let chunkBytes = max(pacing?.chunkBytes ?? 0, Self.chunkBytes)
        var writer = try AtomicFileWriter(files: files, path: logPath(id), pacing: pacing)
        var chunk = ByteBuffer()
        chunk.reserveCapacity(chunkBytes + 64 * 1024)
        var items: [IndexItem] = []
        items.reserveCapacity(entries.count)
        for entry in entries {
            // Each record written in place, its CRC over the bytes written.
            let start = chunk.writerIndex
            chunk.writeInteger(UInt64(0))
            entry.write(to: &chunk)
            let bodyLength = chunk.writerIndex - start - 8
            let crc = chunk.withVeryUnsafeBytes { all in
                CRC32C.checksum(UnsafeRawBufferPointer(rebasing: all[(start + 8)..<(start + 8 + bodyLength)]))
            }
            chunk.setInteger(UInt32(bodyLength), at: start)
            chunk.setInteger(crc, at: start + 4)
            items.append(IndexItem(ledgerId: entry.ledgerId, entryId: entry.entryId,
                                   offset: Int64(writer.offset + start - chunk.readerIndex), length: UInt32(bodyLength + 8)))
            if chunk.readableBytes >= chunkBytes {
                try chunk.withUnsafeReadableBytes { try writer.append($0) }
                chunk.clear()
            }
        }
        try chunk.withUnsafeReadableBytes { try writer.append($0) }
        try writer.commit()
        try files.writeAtomically(Self.encodeIndex(items), to: indexPath(id))
        return items
    }

    /// Bytes of records gathered before they are written (unpaced).
    public static let chunkBytes = 1 << 20

    static func encodeIndex(_ items: [IndexItem]) -> [UInt8] {
        var index = ByteBuffer()
        index.writeString("DLIX")
        index.writeInteger(UInt32(1))
        index.writeInteger(UInt32(items.count))
        for item in items {
            index.writeInteger(item.ledgerId)
            index.writeInteger(item.entryId)
            index.writeInteger(item.offset)
            index.writeInteger(item.length)
        }
        index.writeInteger(index.withUnsafeReadableBytes { CRC32C.checksum($0) })
        return Array(index.readableBytesView)
    }

    /// The index of entry log `id`; rebuilt by scanning the log when the index is missing or corrupt.
    public func loadIndex(_ id: UInt64) throws -> [IndexItem] {
        if let data = try files.contents(indexPath(id)), let items = Self.decodeIndex(data) {
            return items
        }
        return try scan(id).map(\.item)
    }

    static func decodeIndex(_ bytes: [UInt8]) -> [IndexItem]? {
        guard bytes.count >= 16 else { return nil }
        let stored = bytes.suffix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard CRC32C.checksum(Array(bytes.dropLast(4))) == stored else { return nil }
        var buffer = ByteBuffer(bytes: bytes.dropLast(4))
        guard buffer.readString(length: 4) == "DLIX", buffer.readInteger(as: UInt32.self) == 1,
              let count = buffer.readInteger(as: UInt32.self), Int(count) * 28 == buffer.readableBytes else { return nil }
        var items: [IndexItem] = []
        items.reserveCapacity(Int(count))
        for _ in 0..<count {
            guard let ledgerId = buffer.readInteger(as: Int64.self), let entryId = buffer.readInteger(as: Int64.self),
                  let offset = buffer.readInteger(as: Int64.self), let length = buffer.readInteger(as: UInt32.self) else { return nil }
            items.append(IndexItem(ledgerId: ledgerId, entryId: entryId, offset: offset, length: length))
        }
        return items
    }

    /// Every valid record of entry log `id`, in file order; stops at the first invalid one.
    public func scan(_ id: UInt64) throws -> [(item: IndexItem, entry: StoredEntry)] {
        guard let data = try files.contents(logPath(id)) else {
            throw JournalError.io("cannot read entry log \(logPath(id))")
        }
        var buffer = ByteBuffer(bytes: data)
        var result: [(IndexItem, StoredEntry)] = []
        while buffer.readableBytes >= 8 {
            let offset = Int64(buffer.readerIndex)
            guard let entry = try? Self.decodeRecord(&buffer) else { break }
            result.append((IndexItem(ledgerId: entry.ledgerId, entryId: entry.entryId, offset: offset,
                                     length: UInt32(Int64(buffer.readerIndex) - offset)), entry))
        }
        return result
    }

    private static func decodeRecord(_ buffer: inout ByteBuffer) throws -> StoredEntry {
        let length = Int(try buffer.readChecked(UInt32.self, "entry log record length"))
        let crc = try buffer.readChecked(UInt32.self, "entry log record checksum")
        guard length <= WireCodec.maxFrameLength, var body = buffer.readSlice(length: length) else {
            throw ModelError.truncated(what: "entry log record", needed: length, available: buffer.readableBytes)
        }
        guard body.withUnsafeReadableBytes({ CRC32C.checksum($0) }) == crc else {
            throw ModelError.invalid(what: "entry log record", reason: "checksum mismatch")
        }
        let entry = try StoredEntry.read(from: &body)
        try body.requireFullyRead("entry log record")
        return entry
    }

    /// Reads one entry. A short read or a checksum failure is an I/O error, never "not found".
    public func read(_ id: UInt64, offset: Int64, length: UInt32) throws -> StoredEntry {
        let log = try reader(id)
        var bytes = [UInt8](repeating: 0, count: Int(length))
        try bytes.withUnsafeMutableBytes { try files.readFully(log.fd, into: $0, at: offset, path: logPath(id)) }
        var buffer = ByteBuffer(bytes: bytes)
        do {
            return try Self.decodeRecord(&buffer)
        } catch {
            throw JournalError.io("corrupt record in \(logPath(id)) at offset \(offset): \(error)")
        }
    }

    private func reader(_ id: UInt64) throws -> OpenLog {
        if let log = readers.withLock({ $0[id] }) { return log }
        let opened = OpenLog(fd: try files.open(logPath(id), flags: O_RDONLY | O_CLOEXEC, mode: 0), files: files)
        return readers.withLock { readers -> OpenLog in
            if let existing = readers[id] { return existing }
            if readers.count >= Self.maxOpenLogs, let oldest = readers.keys.min() { readers.removeValue(forKey: oldest) }
            readers[id] = opened
            return opened
        }
    }

    public func delete(_ id: UInt64) {
        _ = readers.withLock { $0.removeValue(forKey: id) }
        files.remove(logPath(id))
        files.remove(indexPath(id))
    }

    public func size(_ id: UInt64) -> Int64 { files.size(logPath(id)) ?? 0 }
}
