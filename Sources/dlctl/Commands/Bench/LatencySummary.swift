import Foundation

/// Throughput and latency percentiles of one benchmark run.
struct LatencySummary: Encodable {
    var operations: Int
    var seconds: Double
    var opsPerSecond: Double
    var p50Micros: Double
    var p90Micros: Double
    var p99Micros: Double
    var p999Micros: Double
    var maxMicros: Double

    /// `operations`: how many operations ran when `samples` holds only some of them.
    init(nanos samples: [UInt64], elapsedNanos: UInt64, operations: Int? = nil) {
        let sorted = samples.sorted()
        func percentile(_ p: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            let index = min(sorted.count - 1, Int((p * Double(sorted.count)).rounded(.up)) - 1)
            return Double(sorted[max(0, index)]) / 1000
        }
        self.operations = operations ?? sorted.count
        seconds = Double(elapsedNanos) / 1e9
        opsPerSecond = seconds > 0 ? Double(self.operations) / seconds : 0
        p50Micros = percentile(0.50)
        p90Micros = percentile(0.90)
        p99Micros = percentile(0.99)
        p999Micros = percentile(0.999)
        maxMicros = Double(sorted.last ?? 0) / 1000
    }

    static let header = pad("workload", 28) + ["ops/s", "p50 us", "p99 us", "p99.9 us", "max us"].map { pad($0, 10, left: true) }.joined()

    func row(_ name: String) -> String {
        Self.pad(name, 28) + [opsPerSecond, p50Micros, p99Micros, p999Micros, maxMicros]
            .map { Self.pad(String(format: "%.0f", $0), 10, left: true) }.joined()
    }

    static func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(0, width - text.count))
        return left ? padding + text : text + padding
    }
}

