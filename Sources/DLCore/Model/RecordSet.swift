import NIOCore

/// Many log records in one ledger entry, the unit the writer batches into.
///
/// Layout (big-endian, as DistributedLog's enveloped record set): 4 bytes metadata
/// (version 0x1000 | codec in the low 2 bits), 4 bytes record count, 4 bytes body length
/// before compression, 4 bytes body length as stored, then the body: the records' encodings
/// back to back, compressed by the codec.
///
/// Version 2 (0x2000), written only when the set carries origins: the same, then a 4-byte count
/// of origins and, for each, the client session and write sequence (8 bytes each), the write's
/// first slot and its record count (4 bytes each). A write proxy records there which client
/// write each record came from, so that a new owner of the log answers a retried write with
/// its original DLSNs (exactly-once across a failover). Version 1 sets read as before.
public struct RecordSet: Hashable, Sendable {
    public static let version: UInt32 = 0x1000
    public static let originsVersion: UInt32 = 0x2000
    static let versionMask: UInt32 = 0xF000
    static let codecMask: UInt32 = 0x3
    public static let headerLength = 16
    static let originLength = 24

    public var records: [LogRecord]
    /// The client writes the records came from (slots of this set), when a proxy wrote them.
    public var origins: [RecordSetOrigin]

    public init(records: [LogRecord], origins: [RecordSetOrigin] = []) {
        self.records = records
        self.origins = origins
    }

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
        out.reserveCapacity(Self.headerLength + stored.count + (origins.isEmpty ? 0 : 4 + origins.count * Self.originLength))
        out.writeInteger((origins.isEmpty ? Self.version : Self.originsVersion) | codec.rawValue)
        out.writeInteger(UInt32(records.count))
        out.writeInteger(UInt32(plain.count))
        out.writeInteger(UInt32(stored.count))
        out.writeBytes(stored)
        if !origins.isEmpty {
            out.writeInteger(UInt32(origins.count))
            for origin in origins {
                out.writeInteger(origin.origin.session)
                out.writeInteger(origin.origin.sequence)
                out.writeInteger(origin.firstSlot)
                out.writeInteger(origin.count)
            }
        }
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
        let version = metadata & Self.versionMask
        guard version == Self.version || version == Self.originsVersion, metadata & ~(Self.versionMask | Self.codecMask) == 0 else {
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
        guard version == Self.originsVersion ? storedLength <= buffer.readableBytes : storedLength == buffer.readableBytes else {
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
        self.origins = version == Self.originsVersion ? try Self.readOrigins(&buffer, records: count) : []
    }

    /// The origin section of a version-2 set: each origin names slots that exist, in order,
    /// without overlap.
    private static func readOrigins(_ buffer: inout ByteBuffer, records: Int) throws(ModelError) -> [RecordSetOrigin] {
        let count = Int(try buffer.readChecked(UInt32.self, "record set origin count"))
        guard count * originLength == buffer.readableBytes else {
            throw .lengthMismatch(what: "record set origins", declared: count * originLength, actual: buffer.readableBytes)
        }
        var origins: [RecordSetOrigin] = []
        origins.reserveCapacity(count)
        var nextSlot = 0
        for _ in 0..<count {
            let origin = WriteOrigin(session: try buffer.readChecked(UInt64.self, "origin session"),
                                     sequence: try buffer.readChecked(UInt64.self, "origin sequence"))
            let first = try buffer.readChecked(UInt32.self, "origin first slot")
            let length = try buffer.readChecked(UInt32.self, "origin record count")
            guard Int(first) >= nextSlot, length > 0, Int(first) + Int(length) <= records else {
                throw .invalid(what: "record set origins", reason: "slots \(first)+\(length) do not fit \(records) records in order")
            }
            nextSlot = Int(first) + Int(length)
            origins.append(RecordSetOrigin(origin: origin, firstSlot: first, count: length))
        }
        return origins
    }

    /// The records of entry `entryId` in segment `segment`, each with its DLSN (slot = index).
    public static func positioned(entry bytes: [UInt8], segment: Int64, entryId: Int64) throws(ModelError) -> [PositionedRecord] {
        let set = try RecordSet(decoding: bytes)
        return set.records.enumerated().map { slot, record in
            PositionedRecord(dlsn: DLSN(segment, entryId, Int64(slot)), record: record)
        }
    }
}

/// Which client write (session, sequence) the records at `firstSlot ..< firstSlot + count` of a
/// record set came from.
public struct RecordSetOrigin: Hashable, Sendable {
    public var origin: WriteOrigin
    public var firstSlot: UInt32
    public var count: UInt32
    public init(origin: WriteOrigin, firstSlot: UInt32, count: UInt32) {
        self.origin = origin
        self.firstSlot = firstSlot
        self.count = count
    }
}
