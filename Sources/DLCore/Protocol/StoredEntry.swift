import NIOCore

/// One ledger entry as the writer made it and every bookie stores it: ledger id, entry id,
/// the writer's LAC when it sent the entry, the ledger's cumulative length up to and
/// including this entry, a CRC32C digest over all of that, and the payload.
///
/// The writer computes the digest; bookies check it on add and readers check it on every read,
/// so corruption anywhere on the way is caught end to end.
public struct StoredEntry: Hashable, Sendable {
    public var ledgerId: Int64
    public var entryId: Int64
    public var lastAddConfirmed: Int64
    public var length: Int64
    public var digest: UInt32
    public var payload: [UInt8]

    /// ledger id, entry id, LAC, length (8 bytes each), digest (4), payload length (4).
    public static let headerLength = 40

    /// Makes an entry with its digest.
    public init(ledgerId: Int64, entryId: Int64, lastAddConfirmed: Int64, length: Int64, payload: [UInt8]) {
        self.ledgerId = ledgerId
        self.entryId = entryId
        self.lastAddConfirmed = lastAddConfirmed
        self.length = length
        self.payload = payload
        self.digest = 0
        self.digest = computedDigest
    }

    public var computedDigest: UInt32 {
        // The four header fields big-endian, as on the wire, without a buffer allocation.
        let header = (ledgerId.bigEndian, entryId.bigEndian, lastAddConfirmed.bigEndian, length.bigEndian)
        let crc = withUnsafeBytes(of: header) { CRC32C.checksum($0) }
        return payload.withUnsafeBytes { CRC32C.checksum($0, continuing: crc) }
    }

    public var hasValidDigest: Bool { digest == computedDigest }

    public var encodedLength: Int { Self.headerLength + payload.count }

    public func write(to buffer: inout ByteBuffer) {
        // The 40 header bytes in one write: a tuple of these types has no padding.
        let header = (ledgerId.bigEndian, entryId.bigEndian, lastAddConfirmed.bigEndian, length.bigEndian,
                      digest.bigEndian, UInt32(payload.count).bigEndian)
        withUnsafeBytes(of: header) { _ = buffer.writeBytes($0) }
        buffer.writeBytes(payload)
    }

    public var bytes: [UInt8] {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(encodedLength)
        write(to: &buffer)
        return Array(buffer.readableBytesView)
    }

    /// Reads an entry; the digest is not checked here (see `verified()`).
    public static func read(from buffer: inout ByteBuffer) throws(ModelError) -> StoredEntry {
        let ledgerId = try buffer.readChecked(Int64.self, "entry ledger id")
        let entryId = try buffer.readChecked(Int64.self, "entry id")
        let lac = try buffer.readChecked(Int64.self, "entry LAC")
        let length = try buffer.readChecked(Int64.self, "entry length")
        let digest = try buffer.readChecked(UInt32.self, "entry digest")
        let payloadLength = Int(try buffer.readChecked(UInt32.self, "entry payload length"))
        guard payloadLength <= Limits.maxEntrySize else {
            throw .tooLarge(what: "entry payload", size: payloadLength, limit: Limits.maxEntrySize)
        }
        guard payloadLength <= buffer.readableBytes else {
            throw .lengthMismatch(what: "entry payload", declared: payloadLength, actual: buffer.readableBytes)
        }
        var entry = StoredEntry(ledgerId: ledgerId, entryId: entryId, lastAddConfirmed: lac, length: length,
                                digest: digest, payload: [])
        entry.payload = try buffer.readBytesChecked(payloadLength, "entry payload")
        return entry
    }

    public init(bytes: [UInt8]) throws(ModelError) {
        var buffer = ByteBuffer(bytes: bytes)
        self = try Self.read(from: &buffer)
        try buffer.requireFullyRead("entry")
    }

    private init(ledgerId: Int64, entryId: Int64, lastAddConfirmed: Int64, length: Int64, digest: UInt32, payload: [UInt8]) {
        self.ledgerId = ledgerId
        self.entryId = entryId
        self.lastAddConfirmed = lastAddConfirmed
        self.length = length
        self.digest = digest
        self.payload = payload
    }

    /// The entry itself when its digest is right; a typed error otherwise.
    public func verified() throws(ModelError) -> StoredEntry {
        guard hasValidDigest else {
            throw .invalid(what: "entry \(ledgerId):\(entryId)", reason: "digest mismatch (stored \(digest), computed \(computedDigest))")
        }
        return self
    }
}
