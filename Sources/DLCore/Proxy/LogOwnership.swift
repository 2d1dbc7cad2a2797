/// How a write proxy answers a request for a log, from what it knows of the log's ownership,
/// without I/O (DESIGN.md sections 2 and 10): the proxy does the metadata and storage work the
/// decisions ask for and reports the outcome back.
///
/// Redirect and not-ready stay apart: a redirect names another owner (ask it); not ready means
/// this proxy took the log and is recovering it, or its own earlier session still holds the lock
/// (ask again, same proxy). A proxy never redirects to itself.
public struct LogOwnership: Sendable {
    public enum State: Sendable, Equatable {
        /// Taking the log's writer lock (with no wait).
        case acquiring
        /// Lock taken; the previous owner's segment is being recovered.
        case recovering
        /// Writer open: requests are served.
        case owned
        /// Letting the log go (idle, released on request, or the proxy is stopping).
        case releasing
    }

    public enum Decision: Sendable, Equatable {
        /// Hand the request to the log's writer.
        case serve
        /// Unknown here: try to take the lock now (then report `lockTaken` or `lockHeld`).
        case acquire
        /// Ask this proxy again shortly.
        case notReady(String)
        /// Another proxy owns the log.
        case redirect(to: String)
        /// This proxy takes no new logs (draining or stopping), or is letting this one go.
        case unavailable(String)
    }

    /// This proxy's owner id: its routable address.
    public let address: String
    /// Serving the logs it owns, taking no new ones.
    public var draining = false
    /// The most logs this proxy holds at once (owned or being taken or let go): past it, a log
    /// it does not hold is answered unavailable, so the client takes it to another proxy.
    public var maxLogs: Int?
    public private(set) var states: [String: State] = [:]
    /// Owners elsewhere, learned when their lock was found held.
    public private(set) var owners: [String: String] = [:]
    private var ownerLearnedAt: [String: ContinuousClock.Instant] = [:]
    /// How long a learned owner is believed before the lock is looked at again (owners move:
    /// released, drained, or dead with their session expired).
    public var ownerTTL: Duration = .seconds(2)
    /// When each owned log was last asked for, for the idle release.
    private var lastUsed: [String: ContinuousClock.Instant] = [:]

    public init(address: String) {
        self.address = address
    }

    /// The answer to a request for `log` at `now`.
    public mutating func decide(_ log: String, now: ContinuousClock.Instant) -> Decision {
        switch states[log] {
        case .owned?:
            lastUsed[log] = now
            return .serve
        case .acquiring?, .recovering?:
            return .notReady("\(address) is taking over \(log)")
        case .releasing?:
            return .unavailable("\(address) is letting \(log) go")
        case nil:
            if let owner = owners[log] {
                if let learned = ownerLearnedAt[log], now - learned < ownerTTL { return .redirect(to: owner) }
                owners[log] = nil
                ownerLearnedAt[log] = nil
            }
            if draining { return .unavailable("\(address) is draining: it takes no new logs") }
            if let maxLogs, states.count >= maxLogs {
                return .unavailable("\(address) holds \(states.count) logs, its limit (--max-logs): it takes no new ones")
            }
            states[log] = .acquiring
            return .acquire
        }
    }

    /// The lock was taken: recovery of the previous owner's segment starts.
    public mutating func lockTaken(_ log: String) {
        guard states[log] == .acquiring else { return }
        states[log] = .recovering
        owners[log] = nil
    }

    /// The lock is held by `owner`. When that is this proxy's own address (an earlier session of
    /// this proxy, not yet expired), the log is not redirected to itself: it stays unknown and
    /// the client is told to wait.
    public mutating func lockHeld(_ log: String, by owner: String, now: ContinuousClock.Instant = .now) -> Decision {
        states[log] = nil
        if owner == address {
            owners[log] = nil
            ownerLearnedAt[log] = nil
            return .notReady("an earlier session of \(address) still holds \(log); it is taken over when that session expires")
        }
        owners[log] = owner
        ownerLearnedAt[log] = now
        return .redirect(to: owner)
    }

    /// Recovery finished and the writer is open.
    public mutating func recovered(_ log: String, now: ContinuousClock.Instant) {
        guard states[log] == .recovering else { return }
        states[log] = .owned
        lastUsed[log] = now
    }

    /// The log is no longer this proxy's: its lock was lost, its segment fenced, the take-over
    /// failed, or the release finished. What is known of other owners stays until proven wrong.
    public mutating func dropped(_ log: String) {
        states[log] = nil
        lastUsed[log] = nil
    }

    /// A redirect to `owner` failed (it is gone, or says it is not the owner): forget it, so
    /// the next request tries the lock again.
    public mutating func ownerFailed(_ log: String, owner: String) {
        if owners[log] == owner {
            owners[log] = nil
            ownerLearnedAt[log] = nil
        }
    }

    /// Starts letting `log` go; false when it is not owned here.
    public mutating func startRelease(_ log: String) -> Bool {
        guard states[log] == .owned else { return false }
        states[log] = .releasing
        return true
    }

    /// Owned logs not asked for since `idle` before `now`: release them.
    public func idleLogs(now: ContinuousClock.Instant, idle: Duration) -> [String] {
        states.filter { $0.value == .owned }.keys.filter { log in
            lastUsed[log].map { now - $0 >= idle } ?? true
        }.sorted()
    }

    public var ownedLogs: [String] { states.filter { $0.value == .owned }.keys.sorted() }
}
