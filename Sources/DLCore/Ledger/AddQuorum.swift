import NIOCore

/// The quorum-add state machine of a ledger writer, without I/O.
///
/// Entry `e` goes to the bookies at ensemble indexes (e + i) mod E for i < Qw and is complete
/// once Qa of them acknowledged it. Completions come out strictly in entry order: an entry that
/// has its quorum waits for every earlier one. The LAC is the last entry completed in order.
/// Duplicate and late acknowledgements, and acknowledgements from bookies outside an entry's
/// write set, change nothing.
///
/// Outstanding entries are the ids LAC+1 ..< next, so their acknowledgements live in a ring in
/// that order: one bit per write-set position (i in (e + i) mod E), no allocation per entry.
public struct AddQuorum: Sendable, Equatable {
    /// The largest write quorum the per-entry bit set holds.
    public static let maxWriteQuorum = 64

    public let ensembleSize: Int
    public let writeQuorum: Int
    public let ackQuorum: Int
    public private(set) var lastAddConfirmed: Int64

    /// Acknowledged write-set positions of entries lastAddConfirmed+1 ..< nextEntryId.
    private var acknowledged = CircularBuffer<UInt64>()
    private var nextEntryId: Int64

    public init(ensembleSize: Int, writeQuorum: Int, ackQuorum: Int, lastAddConfirmed: Int64 = -1) {
        precondition(ensembleSize >= writeQuorum && writeQuorum >= ackQuorum && ackQuorum >= 1, "E >= Qw >= Qa >= 1")
        precondition(writeQuorum <= Self.maxWriteQuorum, "Qw <= \(Self.maxWriteQuorum)")
        self.ensembleSize = ensembleSize
        self.writeQuorum = writeQuorum
        self.ackQuorum = ackQuorum
        self.lastAddConfirmed = lastAddConfirmed
        self.nextEntryId = lastAddConfirmed + 1
    }

    /// Ensemble indexes that store `entryId`.
    public func writeSet(_ entryId: Int64) -> [Int] {
        (0..<writeQuorum).map { Self.member(of: entryId, at: $0, ensembleSize: ensembleSize) }
    }

    /// The ensemble index at `position` (< Qw) of the write set of `entryId`.
    public static func member(of entryId: Int64, at position: Int, ensembleSize: Int) -> Int {
        Int((entryId + Int64(position)) % Int64(ensembleSize))
    }

    /// The position of ensemble index `index` in the write set of `entryId`, if it is in it.
    func writeSetPosition(_ entryId: Int64, _ index: Int) -> Int? {
        guard index >= 0, index < ensembleSize else { return nil }
        let position = (index - Int(entryId % Int64(ensembleSize)) + ensembleSize) % ensembleSize
        return position < writeQuorum ? position : nil
    }

    /// Entries sent and not yet complete, in order.
    public var outstanding: Range<Int64> { (lastAddConfirmed + 1)..<nextEntryId }

    /// Registers the next entry as sent; returns its id.
    public mutating func send() -> Int64 {
        defer { nextEntryId += 1 }
        acknowledged.append(0)
        return nextEntryId
    }

    /// Records that the bookie at `index` acknowledged `entryId`; returns the entries that
    /// completed because of it, in order (possibly none).
    public mutating func acknowledge(entryId: Int64, bookieIndex index: Int) -> Range<Int64> {
        let first = lastAddConfirmed + 1
        guard outstanding.contains(entryId), let position = writeSetPosition(entryId, index) else { return first..<first }
        let slot = acknowledged.index(acknowledged.startIndex, offsetBy: Int(entryId - first))
        acknowledged[slot] |= 1 << UInt64(position)
        while let acks = acknowledged.first, acks.nonzeroBitCount >= ackQuorum {
            acknowledged.removeFirst()
            lastAddConfirmed += 1
        }
        return first..<(lastAddConfirmed + 1)
    }

    /// The write-set positions that acknowledged each outstanding entry, for messages.
    public var acknowledgements: [(entryId: Int64, positions: [Int])] {
        zip(outstanding, acknowledged).map { entryId, acks in
            (entryId, (0..<writeQuorum).filter { acks & (1 << UInt64($0)) != 0 })
        }
    }

    /// After an ensemble change replaced the bookie at `index`: its acknowledgements of
    /// outstanding entries no longer count (they are re-sent to the replacement). Returns the
    /// outstanding entries whose write set includes `index`.
    public mutating func replace(bookieIndex index: Int) -> [Int64] {
        var resend: [Int64] = []
        var slot = acknowledged.startIndex
        for entryId in outstanding {
            if let position = writeSetPosition(entryId, index) {
                acknowledged[slot] &= ~(1 << UInt64(position))
                resend.append(entryId)
            }
            slot = acknowledged.index(after: slot)
        }
        return resend
    }
}
