import DLCore

/// What one follower of a bench log got: when each record arrived (indexed by the number its
/// payload starts with, 0 for none yet), and how many came out of order or twice.
struct Arrivals {
    var times: [UInt64]
    var received = 0
    var outOfOrder = 0
    var duplicates = 0
    private var expected = 0

    init(records: Int) { times = [UInt64](repeating: 0, count: records) }

    /// The bench records of one batch, which arrived together at `now`.
    mutating func arrived(_ batch: [PositionedRecord], at now: UInt64) {
        for record in batch { arrived(BenchLogOptions.index(of: record.record.payload), at: now) }
    }

    /// Record `index` arrived at `now` (a number outside the bench's range is ignored).
    mutating func arrived(_ index: Int?, at now: UInt64) {
        guard let index, index >= 0 && index < times.count else { return }
        if times[index] != 0 {
            duplicates += 1
            return
        }
        if index != expected { outOfOrder += 1 }
        expected = index + 1
        times[index] = now
        received += 1
    }
}
