import NIOCore

/// One record of a log: a payload, its transaction id and metadata flags.
///
/// Encoding (big-endian): 8 bytes metadata (flags in the low 16 bits, position within the
/// segment in the high 32 bits), 8 bytes txid, 4 bytes payload length, the payload.
public struct LogRecord: Hashable, Sendable {
    public struct Flags: OptionSet, Hashable, Sendable {
        public let rawValue: UInt16
        public init(rawValue: UInt16) { self.rawValue = rawValue }
        /// Written by the engine to advance the LAC; never shown to readers.
        public static let control = Flags(rawValue: 1 << 0)
        /// The last record of a sealed log.
        public static let endOfStream = Flags(rawValue: 1 << 1)
        /// The payload is itself a record set.
        public static let recordSet = Flags(rawValue: 1 << 2)

        static let known: Flags = [.control, .endOfStream, .recordSet]
    }

    public var flags: Flags
    public var txid: Int64
    /// The record's 0-based position within its segment.
    public var positionWithinSegment: UInt32
    public var payload: [UInt8]

    public static let headerLength = 20

    public init(txid: Int64, payload: [UInt8], flags: Flags = [], positionWithinSegment: UInt32 = 0) {
        self.txid = txid
        self.payload = payload
        self.flags = flags
        self.positionWithinSegment = positionWithinSegment
    }

    /// A control record, invisible to readers.
    public static func control(txid: Int64) -> LogRecord { LogRecord(txid: txid, payload: [], flags: .control) }

    /// The end-of-stream marker that seals a log.
    public static var endOfStream: LogRecord {
        LogRecord(txid: TxId.endOfStream, payload: [], flags: [.control, .endOfStream])
    }

    public var isControl: Bool { flags.contains(.control) }
    public var isEndOfStream: Bool { flags.contains(.endOfStream) }

    public var encodedLength: Int { Self.headerLength + payload.count }

    /// Checks the record against the user limits before it is accepted for writing.
    public func validateForWrite() throws(ModelError) {
        if payload.count > Limits.maxRecordSize {
            throw .tooLarge(what: "log record", size: payload.count, limit: Limits.maxRecordSize)
        }
    }

    public func write(to buffer: inout ByteBuffer) {
        let metadata = UInt64(flags.rawValue) | (UInt64(positionWithinSegment) << 32)
        buffer.writeInteger(metadata)
        buffer.writeInteger(txid)
        buffer.writeInteger(UInt32(payload.count))
        buffer.writeBytes(payload)
    }

    public var bytes: [UInt8] {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(encodedLength)
        write(to: &buffer)
        return Array(buffer.readableBytesView)
    }

    /// Reads one record from the front of `buffer`.
    public static func read(from buffer: inout ByteBuffer) throws(ModelError) -> LogRecord {
        let metadata = try buffer.readChecked(UInt64.self, "log record metadata")
        let rawFlags = UInt16(truncatingIfNeeded: metadata)
        let flags = Flags(rawValue: rawFlags)
        guard flags.isSubset(of: .known), (metadata >> 16) & 0xFFFF == 0 else {
            throw .invalid(what: "log record", reason: "unknown metadata bits 0x\(String(metadata & 0xFFFF_FFFF, radix: 16))")
        }
        let txid = try buffer.readChecked(Int64.self, "log record txid")
        let length = Int(try buffer.readChecked(UInt32.self, "log record length"))
        guard length <= Limits.maxRecordSize else {
            throw .tooLarge(what: "log record payload", size: length, limit: Limits.maxRecordSize)
        }
        guard length <= buffer.readableBytes else {
            throw .lengthMismatch(what: "log record payload", declared: length, actual: buffer.readableBytes)
        }
        let payload = try buffer.readBytesChecked(length, "log record payload")
        return LogRecord(txid: txid, payload: payload, flags: flags,
                         positionWithinSegment: UInt32(truncatingIfNeeded: metadata >> 32))
    }

    public init(bytes: [UInt8]) throws(ModelError) {
        var buffer = ByteBuffer(bytes: bytes)
        self = try Self.read(from: &buffer)
        try buffer.requireFullyRead("log record")
    }
}

/// A record with the position the log gave it.
public struct PositionedRecord: Hashable, Sendable {
    public var dlsn: DLSN
    public var record: LogRecord
    public init(dlsn: DLSN, record: LogRecord) {
        self.dlsn = dlsn
        self.record = record
    }
}
