import DLCore
import NIOCore
import Synchronization

/// The followers of one log on this proxy (DESIGN.md section 10, fan-out). On the log's owner,
/// the writer pushes every acknowledged entry's records here; they go at once to every live
/// follower, encoded once, and stay in a bounded window. A follower that starts before the
/// window (or anywhere when this proxy does not own the log) is served by a catch-up reader of
/// the bookies that every follower starting at about the same place shares (one bookie read per
/// entry, however many of them), and joins the live followers once what it reads is in the
/// window: no gap, no duplicate. Without an owner here the shared reader follows the log itself.
final class LogFeed: Sendable {
    let log: LogName
    private let store: any MetadataStore
    private let connections: BookieConnections
    private let windowBytes: Int
    /// Whether records are pushed by this proxy's writer of the log (else read from bookies).
    let pushed: Bool

    private struct State {
        var window: [PositionedRecord] = []
        var windowStart = 0
        var bytes = 0
        /// Every acknowledged record at or after this is in the window (from the first
        /// segment this proxy's writer opened).
        var floor: DLSN
        var live: [Follower] = []
        var cohorts: [CatchUp] = []
        /// Set once the log is sealed (by its owner here): the end-of-stream record's position.
        var sealedAt: DLSN?
        var closed: String?

        var records: ArraySlice<PositionedRecord> { window[windowStart...] }

        /// About how many bytes of the window come after `position` (all of it for nil): the
        /// records after it (found by binary search) times the window's mean record size.
        func bytes(after position: DLSN?) -> Int {
            let records = self.records
            guard !records.isEmpty else { return 0 }
            var (low, high) = (records.startIndex, records.endIndex)
            if let position {
                while low < high {
                    let middle = (low + high) / 2
                    if records[middle].dlsn <= position { low = middle + 1 } else { high = middle }
                }
            }
            return (records.endIndex - low) * (bytes / records.count)
        }
    }
    private let state: Mutex<State>

    init(log: LogName, store: any MetadataStore, connections: BookieConnections, pushedFrom floor: DLSN?, windowBytes: Int) {
        self.log = log
        self.store = store
        self.connections = connections
        self.windowBytes = windowBytes
        self.pushed = floor != nil
        self.state = Mutex(State(floor: floor ?? DLSN(Int64.max, 0, 0)))
    }

    var followerCount: Int {
        state.withLock { state in state.live.filter { !$0.ended }.count + state.cohorts.reduce(0) { $0 + $1.memberCount } }
    }

    /// Stops the catch-up readers whose followers are all gone (an idle log's reader would
    /// otherwise keep polling the bookies for nobody).
    func reap() {
        let idle = state.withLock { state -> [CatchUp] in
            state.live.removeAll { $0.ended }
            let idle = state.cohorts.filter { $0.memberCount == 0 }
            state.cohorts.removeAll { $0.memberCount == 0 }
            return idle
        }
        for cohort in idle { cohort.stop(.unavailable, "nobody follows") }
    }

    // MARK: The writer's side

    /// Records of an acknowledged entry, in DLSN order: to every live follower, and the window.
    func push(_ entry: [PositionedRecord]) {
        let records = entry.filter { !$0.record.isControl }
        guard !records.isEmpty else { return }
        state.withLock { state in
            state.window.append(contentsOf: records)
            state.bytes += records.reduce(0) { $0 + $1.record.payload.count + 40 }
            while state.bytes > windowBytes, state.windowStart < state.window.count - 1 {
                state.bytes -= state.window[state.windowStart].record.payload.count + 40
                state.windowStart += 1
                state.floor = state.window[state.windowStart].dlsn
            }
            if state.windowStart > 4096 && state.windowStart * 2 > state.window.count {
                state.window.removeFirst(state.windowStart)
                state.windowStart = 0
            }
            state.live.removeAll { $0.ended }
            guard let first = state.live.first else { return }
            let body = Follower.body(records[...], allocator: first.channel.allocator)
            state.live.removeAll { !$0.send(records[...], body: body) }
        }
    }

    /// The owner sealed the log: live followers get the end once they have every record.
    func sealed(at dlsn: DLSN) {
        let live = state.withLock { state -> [Follower] in
            state.sealedAt = dlsn
            defer { state.live.removeAll() }
            return state.live
        }
        for follower in live { follower.finish(.endOfStream, "\(log) is sealed at \(dlsn)") }
    }

    /// This proxy no longer owns the log: every follower is told to follow it elsewhere (it
    /// resumes after the last record it got).
    func close(_ status: ProxyStatus, _ why: String) {
        let (live, cohorts) = state.withLock { state -> ([Follower], [CatchUp]) in
            state.closed = why
            defer {
                state.live.removeAll()
                state.cohorts.removeAll()
            }
            return (state.live, state.cohorts)
        }
        for follower in live { follower.finish(status, why) }
        for cohort in cohorts { cohort.stop(status, why) }
    }

    // MARK: The followers' side

    /// Adds a follower starting at `start`.
    func follow(_ follower: Follower, from start: LogReader.Start) {
        let joinedLive = state.withLock { state -> Bool in
            if let closed = state.closed {
                follower.finish(.unavailable, closed)
                return true
            }
            follower.accepted()
            guard pushed else { return false }
            switch start {
            case .end:
                // From now on: the next record pushed (every acknowledged record from the
                // floor on is in the window, so an empty window's end is its floor).
                if let last = state.records.last?.dlsn { follower.announce(after: last) } else { follower.announce(from: state.floor) }
                state.live.append(follower)
                return true
            case let .dlsn(dlsn) where dlsn >= state.floor && dlsn <= (state.records.last?.dlsn ?? state.floor):
                return join(follower, &state, after: nil, from: dlsn)
            case let .after(dlsn) where dlsn >= state.floor && dlsn <= (state.records.last?.dlsn ?? state.floor):
                return join(follower, &state, after: dlsn, from: nil)
            default:
                return false
            }
        }
        if joinedLive { return }
        // Shared with a cohort that has not gone past this start, else a cohort of its own.
        let cohort = state.withLock { state -> CatchUp? in
            if let cohort = state.cohorts.first(where: { $0.accepts(start) }) {
                cohort.add(follower, from: start)
                return nil
            }
            let cohort = CatchUp(feed: self, start: start, follow: !pushed)
            cohort.add(follower, from: start)
            state.cohorts.append(cohort)
            return cohort
        }
        cohort?.run(store: store, connections: connections)
    }

    /// Sends `follower` the window's records after `after` (or from `from`), then makes it live.
    /// Under the state lock: no push comes in between. False when the window cannot serve it:
    /// unless `evenIfFar` is set, when more is due than a quarter of what a follower may fall
    /// behind (sent at once, it would be cut off): a catch-up reader paces it there instead.
    private func join(_ follower: Follower, _ state: inout State, after: DLSN?, from: DLSN?, evenIfFar: Bool = false) -> Bool {
        if !evenIfFar && state.bytes(after: after ?? from) > follower.maxPendingBytes / 4 { return false }
        let pending = state.records.filter { record in
            if let after { return record.dlsn > after }
            if let from { return record.dlsn >= from }
            return true
        }
        if !pending.isEmpty { follower.send(pending[...], body: Follower.body(pending[...], allocator: follower.channel.allocator)) }
        if let sealedAt = state.sealedAt {
            follower.finish(.endOfStream, "\(log) is sealed at \(sealedAt)")
        } else if !follower.ended {
            state.live.append(follower)
        }
        return true
    }

    /// A cohort read `record` from the bookies: whether the window holds it (the cohort's
    /// members then join the live followers from there). Each member is given the window's
    /// records after the last one it had, or, when it has had none, from its `from` on.
    func joinIfInWindow(_ members: [(follower: Follower, from: DLSN?)], at record: DLSN?) -> Bool {
        state.withLock { state in
            guard pushed, state.closed == nil else { return false }
            if let record {
                guard record >= state.floor, let last = state.records.last, record <= last.dlsn else { return false }
            }
            // Mid-log, all of them or none (the cohort reads on until they are close enough); at
            // the end of what the bookies hold, all of them.
            let joining = members.filter { !$0.follower.ended }
            if record != nil {
                let window = state
                if joining.contains(where: { window.bytes(after: $0.follower.last ?? $0.from) > $0.follower.maxPendingBytes / 4 }) { return false }
            }
            for member in joining {
                _ = join(member.follower, &state, after: member.follower.last, from: member.from, evenIfFar: true)
            }
            return true
        }
    }

    func cohortEnded(_ cohort: CatchUp) {
        state.withLock { $0.cohorts.removeAll { $0 === cohort } }
    }
}
