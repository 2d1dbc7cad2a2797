/// Exactly-once appends at a log's owner (DESIGN.md section 10), without I/O: each client
/// session numbers its writes, and a write the owner has already appended is answered with its
/// original DLSNs instead of being appended again. A retry comes for one of a session's last
/// writes, so each session keeps the results of its last `window` writes; the least recently
/// used sessions are forgotten beyond `maxSessions`. After a failover the new owner fills this
/// from the log itself (`learned`, see `WriteHistory`). A session's writes are appended in their
/// order (`gap`), so a retry never overtakes the write before it.
public struct WriteDeduplication: Sendable {
    public enum Verdict: Sendable, Equatable {
        /// New: append it, then report `appended` (or `failed`).
        case append
        /// Already appended: answer with these DLSNs.
        case duplicate([DLSN])
        /// The same write is being appended now (the client retried early): answer it when that
        /// append completes, with the same result.
        case inFlight
        /// Older than anything remembered for the session: its outcome is no longer known here.
        case forgotten(oldestKnown: UInt64)
        /// A session's writes are appended in their order: this one comes before the write it
        /// follows was seen (`expected` is the next in line). The client resends from there.
        case gap(expected: UInt64)
    }

    private struct Session: Sendable {
        var results: [UInt64: [DLSN]] = [:]
        var pending: Set<UInt64> = []
        /// Below this, results were dropped from the window.
        var floor: UInt64 = 0
        var lastUse: UInt64 = 0
        /// The highest sequence appended, in flight or learned (nil: nothing known yet).
        var highest: UInt64?
    }

    public let window: Int
    public let maxSessions: Int
    private var sessions: [UInt64: Session] = [:]
    private var clock: UInt64 = 0

    public init(window: Int = 64, maxSessions: Int = 100_000) {
        self.window = max(window, 1)
        self.maxSessions = max(maxSessions, 1)
    }

    public var sessionCount: Int { sessions.count }

    public mutating func check(_ origin: WriteOrigin) -> Verdict {
        clock += 1
        var session = sessions[origin.session] ?? Session()
        defer {
            session.lastUse = clock
            sessions[origin.session] = session
            evict()
        }
        if let dlsns = session.results[origin.sequence] { return .duplicate(dlsns) }
        if session.pending.contains(origin.sequence) { return .inFlight }
        if origin.sequence < session.floor { return .forgotten(oldestKnown: session.floor) }
        if let highest = session.highest, origin.sequence > highest &+ 1 { return .gap(expected: highest &+ 1) }
        session.pending.insert(origin.sequence)
        session.highest = max(session.highest ?? 0, origin.sequence)
        return .append
    }

    /// The write was appended at `dlsns`.
    public mutating func appended(_ origin: WriteOrigin, at dlsns: [DLSN]) {
        remember(origin, dlsns, pending: true)
    }

    /// The write was not appended (refused, or the owner gave the log up): a retry appends it.
    public mutating func failed(_ origin: WriteOrigin) {
        guard var session = sessions[origin.session], session.pending.remove(origin.sequence) != nil else { return }
        // Later writes of the session wait for this one again: the highest known is the last
        // one before it.
        let before = (session.results.keys.filter { $0 < origin.sequence } + session.pending.filter { $0 < origin.sequence }).max()
        session.highest = before ?? (session.floor > 0 ? session.floor - 1 : nil)
        sessions[origin.session] = session
    }

    /// A write found in the log (after a failover), so that its retry is recognised.
    public mutating func learned(_ origin: WriteOrigin, at dlsns: [DLSN]) {
        remember(origin, dlsns, pending: false)
    }

    private mutating func remember(_ origin: WriteOrigin, _ dlsns: [DLSN], pending: Bool) {
        clock += 1
        var session = sessions[origin.session] ?? Session()
        if pending { session.pending.remove(origin.sequence) }
        if origin.sequence >= session.floor { session.results[origin.sequence] = dlsns }
        session.highest = max(session.highest ?? 0, origin.sequence)
        while session.results.count > window, let oldest = session.results.keys.min() {
            session.results[oldest] = nil
            session.floor = max(session.floor, oldest + 1)
        }
        session.lastUse = clock
        sessions[origin.session] = session
        evict()
    }

    /// Forgets the least recently used sessions beyond `maxSessions` (never one with a write in flight).
    private mutating func evict() {
        guard sessions.count > maxSessions else { return }
        let idle = sessions.filter { $0.value.pending.isEmpty }.sorted { $0.value.lastUse < $1.value.lastUse }
        for (id, _) in idle.prefix(sessions.count - maxSessions) { sessions[id] = nil }
    }
}
