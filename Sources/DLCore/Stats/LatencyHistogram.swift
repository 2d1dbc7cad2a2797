import Synchronization

/// A thread-safe latency histogram with logarithmic buckets (a quarter of a power of two
/// each, so a percentile is within 19% of the true value), for live statistics.
public final class LatencyHistogram: Sendable {
    /// Bucket i holds values in [bound(i-1), bound(i)) microseconds.
    static let bucketCount = 4 * 32
    private let state = Mutex<(counts: [UInt64], total: UInt64, sumMicros: UInt64)>(
        ([UInt64](repeating: 0, count: LatencyHistogram.bucketCount), 0, 0))

    public init() {}

    static func bucket(forMicros micros: UInt64) -> Int {
        if micros < 1 { return 0 }
        let exponent = 63 - micros.leadingZeroBitCount
        let fraction = exponent >= 2 ? Int((micros >> (exponent - 2)) & 3) : Int((micros << (2 - exponent)) & 3)
        return min(bucketCount - 1, exponent * 4 + fraction + 1)
    }

    /// The upper bound, in microseconds, of bucket `index`.
    static func upperBound(_ index: Int) -> Double {
        if index == 0 { return 1 }
        let exponent = (index - 1) / 4
        let fraction = (index - 1) % 4
        return Double(UInt64(1) << exponent) * (1 + Double(fraction + 1) / 4)
    }

    /// Records `count` samples of the same value (a batch that waited together).
    public func record(micros: UInt64, count: UInt64 = 1) {
        let index = Self.bucket(forMicros: micros)
        state.withLock {
            $0.counts[index] += count
            $0.total += count
            $0.sumMicros &+= micros &* count
        }
    }

    public func record(nanos: UInt64, count: UInt64 = 1) { record(micros: nanos / 1000, count: count) }

    public struct Snapshot: Codable, Sendable, Equatable {
        public var count: UInt64
        public var meanMicros: Double
        public var p50Micros: Double
        public var p99Micros: Double
        public var p999Micros: Double
    }

    public func snapshot() -> Snapshot {
        let (counts, total, sum) = state.withLock { ($0.counts, $0.total, $0.sumMicros) }
        func percentile(_ p: Double) -> Double {
            guard total > 0 else { return 0 }
            let rank = UInt64((p * Double(total)).rounded(.up))
            var seen: UInt64 = 0
            for (index, count) in counts.enumerated() {
                seen += count
                if seen >= rank { return Self.upperBound(index) }
            }
            return Self.upperBound(counts.count - 1)
        }
        return Snapshot(count: total, meanMicros: total > 0 ? Double(sum) / Double(total) : 0,
                        p50Micros: percentile(0.5), p99Micros: percentile(0.99), p999Micros: percentile(0.999))
    }

    /// Cumulative bucket counts (upper bound in seconds, count), for Prometheus.
    public func cumulativeBuckets() -> [(upperBoundSeconds: Double, count: UInt64)] {
        let counts = state.withLock { $0.counts }
        var running: UInt64 = 0
        var result: [(Double, UInt64)] = []
        for (index, count) in counts.enumerated() {
            running += count
            if count > 0 || (index % 8 == 0 && index < 4 * 24) { result.append((Self.upperBound(index) / 1e6, running)) }
        }
        return result
    }

    public var sumSeconds: Double { Double(state.withLock { $0.sumMicros }) / 1e6 }
}
