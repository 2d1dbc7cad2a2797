import DLCore

/// The schedule of a fixed-rate writer: operation `index` is due `index / rate` seconds after
/// the start, whatever became of the ones before (a late operation does not push the later
/// ones back, so latency is measured against the schedule, not against a slowed-down client).
struct FixedRate {
    let start = MonotonicClock.nanos()
    let interval: Double

    init(perSecond rate: Int) { interval = 1e9 / Double(rate) }

    /// The shortest wait `dueTime(of:)` sleeps. A sleep per operation at tens of thousands a
    /// second cost the benchmark more than a core in timer wake-ups (measured: 1.1 cores at
    /// 40,000 records/s), taken from the bookies and the writer it measures; after a wait of at
    /// least this long, every operation that fell due meanwhile goes at once.
    static let shortestWait: UInt64 = 200_000

    /// Waits until operation `index` is due (at once when it is late; an operation due within
    /// `shortestWait` waits that long, with those due after it); the time it was due, from which
    /// its latency counts, so the wait beyond it is counted too.
    func dueTime(of index: Int) async throws -> UInt64 {
        let due = start + UInt64(Double(index) * interval)
        let now = MonotonicClock.nanos()
        if due > now { try await Task.sleep(for: .nanoseconds(Int64(max(due - now, Self.shortestWait)))) }
        return due
    }
}
