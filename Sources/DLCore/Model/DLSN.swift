import Foundation
import NIOCore

/// DistributedLog sequence number: the position of a record in a log.
///
/// Ordered by (log segment sequence number, entry id, slot id). Text form `seq,entry,slot`;
/// binary form is DistributedLog's version-1 layout (1 version byte, then three big-endian
/// 64-bit integers, 25 bytes), and its standard base64 string.
public struct DLSN: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public var segmentSequenceNumber: Int64
    public var entryId: Int64
    public var slotId: Int64

    public init(segmentSequenceNumber: Int64, entryId: Int64, slotId: Int64) {
        self.segmentSequenceNumber = segmentSequenceNumber
        self.entryId = entryId
        self.slotId = slotId
    }

    public init(_ segment: Int64, _ entry: Int64, _ slot: Int64) {
        self.init(segmentSequenceNumber: segment, entryId: entry, slotId: slot)
    }

    /// The first position of any log.
    public static let initial = DLSN(1, 0, 0)
    /// Below every valid position.
    public static let invalid = DLSN(0, -1, -1)

    public static let binaryVersion: UInt8 = 1
    public static let binaryLength = 25

    public static func < (lhs: DLSN, rhs: DLSN) -> Bool {
        (lhs.segmentSequenceNumber, lhs.entryId, lhs.slotId) < (rhs.segmentSequenceNumber, rhs.entryId, rhs.slotId)
    }

    /// The next slot in the same entry: a position just after this one.
    public var next: DLSN { DLSN(segmentSequenceNumber, entryId, slotId + 1) }

    /// The first position of the following segment.
    public var startOfNextSegment: DLSN { DLSN(segmentSequenceNumber + 1, 0, 0) }

    public var description: String { "\(segmentSequenceNumber),\(entryId),\(slotId)" }

    /// The 25-byte version-1 binary form.
    public var bytes: [UInt8] {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(Self.binaryLength)
        buffer.writeInteger(Self.binaryVersion)
        buffer.writeInteger(segmentSequenceNumber)
        buffer.writeInteger(entryId)
        buffer.writeInteger(slotId)
        return Array(buffer.readableBytesView)
    }

    /// The base64 string of the binary form, as DistributedLog's `DLSN.serialize()`.
    public var base64: String { Data(bytes).base64EncodedString() }

    public init(bytes: [UInt8]) throws(ModelError) {
        guard let version = bytes.first else {
            throw .truncated(what: "DLSN", needed: Self.binaryLength, available: 0)
        }
        guard version == Self.binaryVersion else { throw .unsupportedVersion(what: "DLSN", found: Int(version)) }
        guard bytes.count == Self.binaryLength else {
            throw .lengthMismatch(what: "DLSN", declared: Self.binaryLength, actual: bytes.count)
        }
        var buffer = ByteBuffer(bytes: bytes)
        _ = try buffer.readChecked(UInt8.self, "DLSN version")
        self.init(try buffer.readChecked(Int64.self, "DLSN segment"),
                  try buffer.readChecked(Int64.self, "DLSN entry"),
                  try buffer.readChecked(Int64.self, "DLSN slot"))
    }

    public init(base64 text: String) throws(ModelError) {
        guard let data = Data(base64Encoded: text) else {
            throw .invalid(what: "DLSN", reason: "'\(text)' is not base64")
        }
        try self.init(bytes: Array(data))
    }

    /// Parses `seq,entry,slot` or the base64 form.
    public init(parsing text: String) throws(ModelError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: ",", omittingEmptySubsequences: false)
        if parts.count == 3 {
            let numbers = parts.map { Int64($0.trimmingCharacters(in: .whitespaces)) }
            guard let s = numbers[0], let e = numbers[1], let l = numbers[2] else {
                throw .invalid(what: "DLSN", reason: "'\(text)' is not three integers 'seq,entry,slot'")
            }
            self.init(s, e, l)
            return
        }
        guard trimmed.count == 36 else {
            throw .invalid(what: "DLSN", reason: "'\(text)' is neither 'seq,entry,slot' nor a 25-byte base64 DLSN")
        }
        try self.init(base64: trimmed)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        self = try DLSN(parsing: try container.decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
