/// The quorum-add state machine of a ledger writer, without I/O.
///
/// Entry `e` goes to the bookies at ensemble indexes (e + i) mod E for i < Qw and is complete
/// once Qa of them acknowledged it. Completions come out strictly in entry order: an entry that
/// has its quorum waits for every earlier one. The LAC is the last entry completed in order.
/// Duplicate and late acknowledgements, and acknowledgements from bookies outside an entry's
/// write set, change nothing.
public struct AddQuorum: Sendable, Equatable {
    public let ensembleSize: Int
    public let writeQuorum: Int
    public let ackQuorum: Int
    public private(set) var lastAddConfirmed: Int64

    private var acknowledged: [Int64: Set<Int>] = [:]
    private var nextEntryId: Int64

    public init(ensembleSize: Int, writeQuorum: Int, ackQuorum: Int, lastAddConfirmed: Int64 = -1) {
        precondition(ensembleSize >= writeQuorum && writeQuorum >= ackQuorum && ackQuorum >= 1, "E >= Qw >= Qa >= 1")
        self.ensembleSize = ensembleSize
        self.writeQuorum = writeQuorum
        self.ackQuorum = ackQuorum
        self.lastAddConfirmed = lastAddConfirmed
        self.nextEntryId = lastAddConfirmed + 1
    }

    /// Ensemble indexes that store `entryId`.
    public func writeSet(_ entryId: Int64) -> [Int] {
        (0..<writeQuorum).map { Int((entryId + Int64($0)) % Int64(ensembleSize)) }
    }

    /// Entries sent and not yet complete.
    public var outstanding: [Int64] { Array(acknowledged.keys).sorted() }

    /// Registers the next entry as sent; returns its id.
    public mutating func send() -> Int64 {
        defer { nextEntryId += 1 }
        acknowledged[nextEntryId] = []
        return nextEntryId
    }

    /// Records that the bookie at `index` acknowledged `entryId`; returns the entries that
    /// completed because of it, in order (possibly none).
    public mutating func acknowledge(entryId: Int64, bookieIndex index: Int) -> [Int64] {
        guard acknowledged[entryId] != nil, writeSet(entryId).contains(index) else { return [] }
        acknowledged[entryId]!.insert(index)
        var completed: [Int64] = []
        while let acks = acknowledged[lastAddConfirmed + 1], acks.count >= ackQuorum {
            acknowledged.removeValue(forKey: lastAddConfirmed + 1)
            lastAddConfirmed += 1
            completed.append(lastAddConfirmed)
        }
        return completed
    }

    /// After an ensemble change replaced the bookie at `index`: its acknowledgements of
    /// outstanding entries no longer count (they are re-sent to the replacement). Returns the
    /// outstanding entries whose write set includes `index`.
    public mutating func replace(bookieIndex index: Int) -> [Int64] {
        var resend: [Int64] = []
        for entryId in outstanding where writeSet(entryId).contains(index) {
            acknowledged[entryId]?.remove(index)
            resend.append(entryId)
        }
        return resend
    }
}
