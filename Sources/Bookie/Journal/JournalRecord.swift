import DLCore
import NIOCore

/// One record of the journal. On disk: 4-byte body length, 4-byte CRC32C of the body, body.
/// The body is a type byte and its fields. A zero length marks the end of written data in a
/// preallocated (zero-filled) file.
public enum JournalRecord: Equatable, Sendable {
    /// An added entry, with the ledger key it came with.
    case entry(ledgerKey: [UInt8], entry: StoredEntry)
    /// The ledger was fenced (with this key).
    case fence(ledgerId: Int64, ledgerKey: [UInt8])

    static let framingLength = 8
    static let maxBodyLength = WireCodec.maxFrameLength

    public var ledgerId: Int64 {
        switch self {
        case let .entry(_, entry): return entry.ledgerId
        case let .fence(ledgerId, _): return ledgerId
        }
    }

    public func write(to out: inout ByteBuffer) {
        let start = out.writerIndex
        out.writeInteger(UInt32(0))
        out.writeInteger(UInt32(0))
        switch self {
        case let .entry(key, entry):
            out.writeInteger(UInt8(1))
            out.writeInteger(UInt16(key.count))
            out.writeBytes(key)
            entry.write(to: &out)
        case let .fence(ledgerId, key):
            out.writeInteger(UInt8(2))
            out.writeInteger(ledgerId)
            out.writeInteger(UInt16(key.count))
            out.writeBytes(key)
        }
        let bodyStart = start + Self.framingLength
        let bodyLength = out.writerIndex - bodyStart
        let crc = out.withVeryUnsafeBytes { all in
            CRC32C.checksum(UnsafeRawBufferPointer(rebasing: all[bodyStart..<(bodyStart + bodyLength)]))
        }
        out.setInteger(UInt32(bodyLength), at: start)
        out.setInteger(crc, at: start + 4)
    }

    public var encodedLength: Int {
        switch self {
        case let .entry(key, entry): return Self.framingLength + 3 + key.count + entry.encodedLength
        case let .fence(_, key): return Self.framingLength + 11 + key.count
        }
    }

    /// Why a record could not be read at some offset.
    public enum ReadFailure: Error, Equatable, Sendable, CustomStringConvertible {
        /// Zero length: the preallocated tail, nothing more was written.
        case endOfData
        /// Fewer bytes than the record needs: a torn write.
        case truncated(needed: Int, available: Int)
        case badLength(Int)
        case checksumMismatch
        case malformed(String)

        public var description: String {
            switch self {
            case .endOfData: return "end of data"
            case let .truncated(needed, available): return "torn record: needs \(needed) bytes, \(available) remain"
            case let .badLength(length): return "impossible record length \(length)"
            case .checksumMismatch: return "checksum mismatch"
            case let .malformed(reason): return "malformed record: \(reason)"
            }
        }
    }

    /// Reads the record at the front of `buffer`, consuming it only on success.
    public static func read(from buffer: inout ByteBuffer) -> Result<JournalRecord, ReadFailure> {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self),
              let crc = buffer.getInteger(at: buffer.readerIndex + 4, as: UInt32.self) else {
            return buffer.readableBytes == 0 || buffer.readableBytesView.allSatisfy({ $0 == 0 })
                ? .failure(.endOfData) : .failure(.truncated(needed: framingLength, available: buffer.readableBytes))
        }
        if length == 0 { return .failure(.endOfData) }
        guard Int(length) <= maxBodyLength else { return .failure(.badLength(Int(length))) }
        guard buffer.readableBytes >= framingLength + Int(length) else {
            return .failure(.truncated(needed: framingLength + Int(length), available: buffer.readableBytes))
        }
        guard var body = buffer.getSlice(at: buffer.readerIndex + framingLength, length: Int(length)) else {
            return .failure(.truncated(needed: framingLength + Int(length), available: buffer.readableBytes))
        }
        guard body.withUnsafeReadableBytes({ CRC32C.checksum($0) }) == crc else { return .failure(.checksumMismatch) }
        let record: JournalRecord
        do {
            record = try decodeBody(&body)
        } catch {
            return .failure(.malformed("\(error)"))
        }
        buffer.moveReaderIndex(forwardBy: framingLength + Int(length))
        return .success(record)
    }

    private static func decodeBody(_ body: inout ByteBuffer) throws(ModelError) -> JournalRecord {
        let type = try body.readChecked(UInt8.self, "journal record type")
        func key() throws(ModelError) -> [UInt8] {
            let length = Int(try body.readChecked(UInt16.self, "ledger key length"))
            guard length <= WireCodec.maxKeyLength else { throw .tooLarge(what: "ledger key", size: length, limit: WireCodec.maxKeyLength) }
            return try body.readBytesChecked(length, "ledger key")
        }
        let record: JournalRecord
        switch type {
        case 1:
            let ledgerKey = try key()
            record = .entry(ledgerKey: ledgerKey, entry: try StoredEntry.read(from: &body))
        case 2:
            let ledgerId = try body.readChecked(Int64.self, "fenced ledger id")
            record = .fence(ledgerId: ledgerId, ledgerKey: try key())
        default:
            throw .invalid(what: "journal record", reason: "unknown type \(type)")
        }
        try body.requireFullyRead("journal record")
        return record
    }
}

/// A position in the journal: everything before it is durable and applied.
public struct JournalMark: Codable, Comparable, Sendable, CustomStringConvertible {
    public var fileId: UInt64
    public var offset: Int64

    public init(fileId: UInt64, offset: Int64) {
        self.fileId = fileId
        self.offset = offset
    }

    public static let start = JournalMark(fileId: 0, offset: 0)

    public static func < (lhs: JournalMark, rhs: JournalMark) -> Bool { (lhs.fileId, lhs.offset) < (rhs.fileId, rhs.offset) }

    public var description: String { "\(JournalFiles.name(fileId))@\(offset)" }
}
