/// First come, first served entry into a writer's window of unacknowledged bytes, without I/O
/// (DESIGN.md section 2): a caller that arrives while others wait queues behind them, even when
/// the window has room at that moment. Without this, a write arriving just after an
/// acknowledgement freed room (before the waiter it woke has run) would overtake that waiter;
/// for a proxy whose client resends on a second connection while its first still queues, that
/// is the client's later write appended before its earlier one.
///
/// The writer asks `arrive` on entry; with a ticket it waits until `resumeNext` names it, and
/// reports `entered` once it has taken its place. One waiter at a time is let in, so each sees
/// the window as the one before it left it.
public struct AdmissionQueue: Sendable, Equatable {
    private var waiting: [UInt64] = []
    /// Let in and not yet entered: nobody else is let in meanwhile.
    private var admitting: UInt64?
    private var lastTicket: UInt64 = 0

    public init() {}

    /// The callers waiting (the one let in and not yet entered included).
    public var count: Int { waiting.count + (admitting == nil ? 0 : 1) }

    /// A caller arrives; `windowFull` says whether the window has no room now. nil: it enters
    /// at once; else the ticket it waits with.
    public mutating func arrive(windowFull: Bool) -> UInt64? {
        if !windowFull && waiting.isEmpty && admitting == nil { return nil }
        lastTicket += 1
        waiting.append(lastTicket)
        return lastTicket
    }

    /// The window changed (an acknowledgement, a failure): the waiter to let in now, if one
    /// may go. `windowFull` is false for a failed writer, so its waiters all go and fail.
    public mutating func resumeNext(windowFull: Bool) -> UInt64? {
        guard admitting == nil, !windowFull, !waiting.isEmpty else { return nil }
        let ticket = waiting.removeFirst()
        admitting = ticket
        return ticket
    }

    /// The waiter let in with `ticket` has taken its place (or given up).
    public mutating func entered(_ ticket: UInt64) {
        if admitting == ticket { admitting = nil }
    }
}
