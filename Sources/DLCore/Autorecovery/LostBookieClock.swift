/// When a bookie counts as lost, without I/O (DESIGN.md section 2): a bookie that ledgers
/// reference and that is not registered has been gone since the auditor first saw it missing;
/// once that is longer ago than the delay it is lost. One that comes back within the delay is
/// forgotten (no re-replication); one that comes back later is forgotten too, and its marks
/// stand (the copies made meanwhile are what the metadata names).
public struct LostBookieClock: Sendable {
    public let delay: Duration
    private var goneSince: [String: ContinuousClock.Instant] = [:]

    public init(delay: Duration) { self.delay = delay }

    /// Takes in who is registered and who the ledgers reference, at `now`; returns the bookies
    /// gone for at least the delay, sorted.
    public mutating func observe(registered: Set<String>, referenced: Set<String>, now: ContinuousClock.Instant) -> [String] {
        for bookie in goneSince.keys where registered.contains(bookie) || !referenced.contains(bookie) {
            goneSince[bookie] = nil
        }
        for bookie in referenced where !registered.contains(bookie) && goneSince[bookie] == nil {
            goneSince[bookie] = now
        }
        return goneSince.filter { now - $0.value >= delay }.keys.sorted()
    }

    /// The bookies missing now (lost or not yet), with how long they have been gone.
    public func missing(now: ContinuousClock.Instant) -> [(bookie: String, gone: Duration)] {
        goneSince.map { ($0.key, now - $0.value) }.sorted { $0.bookie < $1.bookie }
    }
}
