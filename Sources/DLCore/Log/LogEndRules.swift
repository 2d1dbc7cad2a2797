/// What a reader that reached the readable end of a log (not following) may conclude from
/// what the bookies hold just past it, without I/O (DESIGN.md section 2). A reader must never
/// end quietly before a record that may have been acknowledged: after a power loss or a dead
/// writer, the metadata and the bookies can tell different stories, and the reader says so.
public enum LogEndRules {
    public enum Verdict: Sendable, Equatable {
        /// Nothing acknowledged lies past the end: the read may end.
        case settled
        /// The last segment is in progress with no writer, and entries past its LAC may have
        /// been acknowledged: they stay unreadable until the segment is recovered.
        case unrecovered
        /// The metadata says the ledger ends here, but an ack quorum holds the next entry:
        /// the metadata lost commits the bookies kept.
        case contradicted
    }

    /// The end of an in-progress segment nobody writes: settled only when the entry after the
    /// LAC is known missing, as recovery decides it (Qw - Qa + 1 explicit negatives).
    public static func inProgressWithoutWriter(next replies: [RecoveryRules.EntryReply], writeQuorum: Int,
                                               ackQuorum: Int) -> Verdict {
        RecoveryRules.verdict(replies, writeQuorum: writeQuorum, ackQuorum: ackQuorum) == .missing ? .settled : .unrecovered
    }

    /// The end of a closed ledger: contradicted when an ack quorum of the next entry's write
    /// set holds it (one copy alone is an add that was never acknowledged, which recovery
    /// rightly left out).
    public static func closed(next replies: [RecoveryRules.EntryReply], ackQuorum: Int) -> Verdict {
        replies.filter { $0 == .found }.count >= ackQuorum ? .contradicted : .settled
    }
}
