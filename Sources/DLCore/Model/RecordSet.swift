import NIOCore

/// Many log records in one ledger entry, the unit the writer batches into.
///
/// Layout (big-endian, as DistributedLog's enveloped record set): 4 bytes metadata
/// (version 0x1000 | codec in the low 2 bits), 4 bytes record count, 4 bytes body length
/// before compression, 4 bytes body length as stored, then the body: the records' encodings
/// back to back, compressed by the codec.
public struct RecordSet: Hashable, Sendable {
    public static let version: UInt32 = 0x1000
    static let versionMask: UInt32 = 0xF000
    static let codecMask: UInt32 = 0x3
    public static let headerLength = 16

    public var records: [LogRecord]

    public init(records: [LogRecord]) { self.records = records }

    /// Encodes the set, refusing one whose stored form would exceed the entry limit.
    public func encode(codec: CompressionCodec = .none) throws(ModelError) -> [UInt8] {
        var body = ByteBuffer()
        body.reserveCapacity(records.reduce(0) { $0 + $1.encodedLength })
        for record in records { record.write(to: &body) }
        let plain = Array(body.readableBytesView)
        guard plain.count <= Limits.maxEntrySize else {
            throw .tooLarge(what: "record set", size: plain.count, limit: Limits.maxEntrySize)
        }
        let stored = codec.compress(plain)
        var out = ByteBuffer()
        out.reserveCapacity(Self.headerLength + stored.count)
        out.writeInteger(Self.version | codec.rawValue)
        out.writeInteger(UInt32(records.count))
        out.writeInteger(UInt32(plain.count))
        out.writeInteger(UInt32(stored.count))
        out.writeBytes(stored)
        guard out.readableBytes <= Limits.maxEntrySize else {
            throw .tooLarge(what: "entry", size: out.readableBytes, limit: Limits.maxEntrySize)
        }
        return Array(out.readableBytesView)
    }

    /// Decodes an entry's bytes. Lengths are checked against the entry limit before any
    /// allocation, so a forged header cannot make the decoder allocate or inflate without bound.
    public init(decoding bytes: [UInt8]) throws(ModelError) {
        guard bytes.count <= Limits.maxEntrySize else {
            throw .tooLarge(what: "entry", size: bytes.count, limit: Limits.maxEntrySize)
        }
        var buffer = ByteBuffer(bytes: bytes)
        let metadata = try buffer.readChecked(UInt32.self, "record set metadata")
        guard metadata & Self.versionMask == Self.version, metadata & ~(Self.versionMask | Self.codecMask) == 0 else {
            throw .unsupportedVersion(what: "record set", found: Int(metadata & Self.versionMask) >> 12)
        }
        guard let codec = CompressionCodec(rawValue: metadata & Self.codecMask) else {
            throw .unknownCodec(Int(metadata & Self.codecMask))
        }
        let count = Int(try buffer.readChecked(UInt32.self, "record set count"))
        let plainLength = Int(try buffer.readChecked(UInt32.self, "record set length"))
        let storedLength = Int(try buffer.readChecked(UInt32.self, "record set stored length"))
        guard plainLength <= Limits.maxEntrySize else {
            throw .tooLarge(what: "record set body", size: plainLength, limit: Limits.maxEntrySize)
        }
        guard storedLength == buffer.readableBytes else {
            throw .lengthMismatch(what: "record set body", declared: storedLength, actual: buffer.readableBytes)
        }
        // Every record takes at least its header, so the count is bounded by the body length.
        guard count <= plainLength / LogRecord.headerLength else {
            throw .invalid(what: "record set", reason: "count \(count) cannot fit in \(plainLength) bytes")
        }
        let stored = try buffer.readBytesChecked(storedLength, "record set body")
        var body = ByteBuffer(bytes: try codec.decompress(stored, expectedLength: plainLength))
        var records: [LogRecord] = []
        records.reserveCapacity(count)
        for _ in 0..<count { records.append(try LogRecord.read(from: &body)) }
        try body.requireFullyRead("record set body")
        self.records = records
    }

    /// The records of entry `entryId` in segment `segment`, each with its DLSN (slot = index).
    public static func positioned(entry bytes: [UInt8], segment: Int64, entryId: Int64) throws(ModelError) -> [PositionedRecord] {
        let set = try RecordSet(decoding: bytes)
        return set.records.enumerated().map { slot, record in
            PositionedRecord(dlsn: DLSN(segment, entryId, Int64(slot)), record: record)
        }
    }
}
