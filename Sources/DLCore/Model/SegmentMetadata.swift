/// Metadata of one log segment: which ledger holds it and what range of the log it covers.
public struct SegmentMetadata: VersionedMetadata, Equatable {
    public static let formatVersion = 1
    public static let kind = "segment metadata"

    public enum State: String, Codable, Sendable { case inProgress = "in-progress", completed }
    public enum Truncation: String, Codable, Sendable {
        case none
        case partiallyTruncated = "partially-truncated"
        case truncated
    }

    public var formatVersion: Int = Self.formatVersion
    /// 1-based, increasing by one per segment of a log: the first component of its DLSNs.
    public var sequenceNumber: Int64
    public var ledgerId: Int64
    public var state: State
    public var truncation: Truncation
    public var firstTxId: Int64
    /// Set when completed (TxId.invalid while in progress).
    public var lastTxId: Int64
    /// The last record's DLSN, set when completed.
    public var lastDLSN: DLSN?
    public var recordCount: Int64
    /// Bytes of entries written to the ledger, set when completed.
    public var length: Int64
    /// With partial truncation: the first position still readable.
    public var minActiveDLSN: DLSN?
    /// Count of records in all earlier segments: the log-wide index of this segment's first record.
    public var startSequenceId: Int64
    public var createdAtMillis: Int64
    public var completedAtMillis: Int64?
    /// True when the segment's last entry is the end-of-stream record: the log is sealed and
    /// nothing follows this segment (absent, not false, in metadata written before it existed).
    public var endOfStream: Bool?

    public var endsStream: Bool { endOfStream == true }

    public init(sequenceNumber: Int64, ledgerId: Int64, firstTxId: Int64, startSequenceId: Int64,
                createdAtMillis: Int64) {
        self.sequenceNumber = sequenceNumber
        self.ledgerId = ledgerId
        self.state = .inProgress
        self.truncation = .none
        self.firstTxId = firstTxId
        self.lastTxId = TxId.invalid
        self.lastDLSN = nil
        self.recordCount = 0
        self.length = 0
        self.minActiveDLSN = nil
        self.startSequenceId = startSequenceId
        self.createdAtMillis = createdAtMillis
        self.completedAtMillis = nil
    }

    /// The segment's znode name: zero-padded so that names sort as sequence numbers do.
    public var nodeName: String { Self.nodeName(sequenceNumber) }

    public static func nodeName(_ sequenceNumber: Int64) -> String {
        let digits = String(sequenceNumber)
        return "segment-" + String(repeating: "0", count: max(0, 19 - digits.count)) + digits
    }

    /// The same segment, completed at `lastDLSN` with `lastTxId` and `recordCount` records.
    /// `firstTxId`, when given, replaces the lower bound set at creation with the first record's.
    public func completed(lastTxId: Int64, lastDLSN: DLSN?, recordCount: Int64, length: Int64,
                          atMillis now: Int64, firstTxId: Int64? = nil, endOfStream: Bool = false) -> SegmentMetadata {
        var copy = self
        copy.endOfStream = endOfStream ? true : nil
        if let firstTxId { copy.firstTxId = firstTxId }
        copy.state = .completed
        copy.lastTxId = lastTxId
        copy.lastDLSN = lastDLSN
        copy.recordCount = recordCount
        copy.length = length
        copy.completedAtMillis = now
        return copy
    }

    public func validate() throws(ModelError) {
        func fail(_ reason: String) -> ModelError { .invalid(what: Self.kind, reason: reason) }
        if sequenceNumber < 1 { throw fail("sequence number \(sequenceNumber) < 1") }
        if ledgerId < 0 { throw fail("negative ledger id \(ledgerId)") }
        if recordCount < 0 { throw fail("negative record count") }
        if length < 0 { throw fail("negative length") }
        if startSequenceId < 0 { throw fail("negative start sequence id") }
        if firstTxId < 0 && firstTxId != TxId.invalid { throw fail("negative first txid \(firstTxId)") }
        if let last = lastDLSN, last.segmentSequenceNumber != sequenceNumber {
            throw fail("last DLSN \(last) is not in segment \(sequenceNumber)")
        }
        if let min = minActiveDLSN, min.segmentSequenceNumber != sequenceNumber {
            throw fail("min active DLSN \(min) is not in segment \(sequenceNumber)")
        }
        switch state {
        case .inProgress:
            if truncation != .none { throw fail("an in-progress segment cannot be truncated") }
            if completedAtMillis != nil { throw fail("an in-progress segment has a completion time") }
            if endsStream { throw fail("an in-progress segment cannot end the stream") }
        case .completed:
            if recordCount > 0 && lastDLSN == nil { throw fail("a completed segment with records needs a last DLSN") }
            if recordCount > 0 && lastTxId < firstTxId { throw fail("last txid \(lastTxId) < first txid \(firstTxId)") }
        }
        if truncation == .partiallyTruncated && minActiveDLSN == nil {
            throw fail("partially truncated without a min active DLSN")
        }
    }
}
