/// The decisions of ledger recovery, without I/O (DESIGN.md section 5).
public enum RecoveryRules {
    /// What one bookie of the last ensemble said to the fencing read of its last entry.
    public enum FenceReply: Sendable, Equatable {
        /// Its last entry: id and the LAC that entry carried.
        case lastEntry(entryId: Int64, lastAddConfirmed: Int64)
        /// It explicitly has nothing of this ledger.
        case empty
        /// No answer yet, or an error: unknown.
        case unknown
    }

    /// Fencing is enough once every write set has fewer than Qa bookies unknown: then no write
    /// set can still gather an ack quorum for the old writer.
    public static func fencedEnough(_ replies: [FenceReply], writeQuorum: Int, ackQuorum: Int) -> Bool {
        let ensembleSize = replies.count
        for first in 0..<ensembleSize {
            let unknown = (0..<writeQuorum).filter { replies[(first + $0) % ensembleSize] == .unknown }.count
            if unknown >= ackQuorum { return false }
        }
        return true
    }

    /// The highest LAC the fencing replies reveal (-1 when none).
    public static func lastAddConfirmed(_ replies: [FenceReply]) -> Int64 {
        replies.reduce(-1) { best, reply in
            if case let .lastEntry(_, lac) = reply { return max(best, lac) }
            return best
        }
    }

    /// What the write set said about one entry during the forward read.
    public enum EntryReply: Sendable, Equatable {
        case found
        case missing
        case unknown
    }

    public enum EntryVerdict: Sendable, Equatable {
        /// Some replica has it: re-write it and go on.
        case found
        /// At least Qw - Qa + 1 replicas say explicitly they do not have it: it was never
        /// acknowledged, and the ledger ends before it.
        case missing
        /// Not enough explicit answers yet: ask again (errors and hung bookies are not negatives).
        case undecided
    }

    public static func verdict(_ replies: [EntryReply], writeQuorum: Int, ackQuorum: Int) -> EntryVerdict {
        if replies.contains(.found) { return .found }
        if replies.filter({ $0 == .missing }).count >= writeQuorum - ackQuorum + 1 { return .missing }
        return .undecided
    }
}
