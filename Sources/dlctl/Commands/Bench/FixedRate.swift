import DLCore

/// The schedule of a fixed-rate writer: operation `index` is due `index / rate` seconds after
/// the start, whatever became of the ones before (a late operation does not push the later
/// ones back, so latency is measured against the schedule, not against a slowed-down client).
struct FixedRate {
    let start = MonotonicClock.nanos()
    let interval: Double

    init(perSecond rate: Int) { interval = 1e9 / Double(rate) }

    /// Waits until operation `index` is due (at once when it is late); the time it was due,
    /// from which its latency counts.
    func dueTime(of index: Int) async throws -> UInt64 {
        let due = start + UInt64(Double(index) * interval)
        let now = MonotonicClock.nanos()
        if due > now { try await Task.sleep(for: .nanoseconds(Int64(due - now))) }
        return due
    }

    /// Waits until operation `index` is due; the time it is sent.
    func waitForTurn(_ index: Int) async throws -> UInt64 {
        let due = start + UInt64(Double(index) * interval)
        let now = MonotonicClock.nanos()
        if due > now { try await Task.sleep(for: .nanoseconds(Int64(due - now))) }
        return MonotonicClock.nanos()
    }
}
