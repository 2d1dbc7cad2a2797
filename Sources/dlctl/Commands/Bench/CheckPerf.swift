import ArgumentParser
import DLCore
import Foundation

struct CheckPerf: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "perf",
        abstract: "Run a standard load against the cluster and print PASS or FAIL per threshold.",
        discussion: """
            Six workloads on 3/3/2 logs of 100-byte records: one batched writer for 10 s (its peak), the same \
            writer offered 50% and 80% of that peak on a fixed schedule for 10 s each (latency from each record's \
            due time), one writer with one record in flight for 5 s, 2,000 records from acknowledgement to a \
            tailing reader, and a catch-up read of 2,000,000 records. The thresholds are the bars of BENCHMARKS.md ('dlctl check perf'). Exit status \
            0 when all pass, 1 otherwise.
            """
    )

    @OptionGroup var cluster: ClusterOptions
    @Option(name: .shortAndLong, help: "Output format: table or json.") var output: OutputFormat = .table

    struct Check: Encodable {
        var name: String
        var measured: Double
        var unit: String
        var threshold: Double
        var atLeast: Bool
        var pass: Bool { atLeast ? measured >= threshold : measured <= threshold }

        enum CodingKeys: String, CodingKey { case name, measured, unit, threshold, atLeast, pass }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(measured, forKey: .measured)
            try container.encode(unit, forKey: .unit)
            try container.encode(threshold, forKey: .threshold)
            try container.encode(atLeast, forKey: .atLeast)
            try container.encode(pass, forKey: .pass)
        }
    }

    /// The thresholds (BENCHMARKS.md, section 'dlctl check perf').
    enum Threshold {
        static let batchedRecordsPerSecond = 400_000.0
        static let halfPeakP99Millis = 10.0
        static let fourFifthsPeakP99Millis = 25.0
        static let oneInFlightP99Millis = 10.0
        static let deliveryP99Millis = 50.0
        static let catchUpRecordsPerSecond = 1_000_000.0
    }

    func run() async throws {
        let (cluster, output) = (self.cluster, self.output)
        try await reportingErrors(timeout: nil) {
            let progress = output == .table
            let checks = try await cluster.withStore { store -> [Check] in
                var checks: [Check] = []
                let batched = try BenchWrite.parse(["--seconds", "10"] + (progress ? [] : ["-o", "json"]))
                let write = try await batched.measure(store: store)
                checks.append(Check(name: "batched write, one writer", measured: write.latency.opsPerSecond, unit: "records/s",
                                    threshold: Threshold.batchedRecordsPerSecond, atLeast: true))
                for (fraction, threshold, label) in [(0.5, Threshold.halfPeakP99Millis, "50%"), (0.8, Threshold.fourFifthsPeakP99Millis, "80%")] {
                    let rate = max(1, Int(write.latency.opsPerSecond * fraction))
                    let fixed = try BenchWrite.parse(["--seconds", "10", "--rate", "\(rate)"] + (progress ? [] : ["-o", "json"]))
                    let run = try await fixed.measure(store: store)
                    checks.append(Check(name: "write p99 at \(label) of the peak", measured: run.latency.p99Micros / 1000, unit: "ms",
                                        threshold: threshold, atLeast: false))
                }
                let single = try BenchWrite.parse(["--seconds", "5", "--immediate"] + (progress ? [] : ["-o", "json"]))
                let latency = try await single.measure(store: store)
                checks.append(Check(name: "write p99, one record in flight", measured: latency.latency.p99Micros / 1000, unit: "ms",
                                    threshold: Threshold.oneInFlightP99Millis, atLeast: false))
                let endToEnd = try BenchEndToEnd.parse(["--records", "2000"] + (progress ? [] : ["-o", "json"]))
                let delivery = try await endToEnd.measure(store: store)
                checks.append(Check(name: "ack to tailing reader p99", measured: delivery.delivery.p99Micros / 1000, unit: "ms",
                                    threshold: Threshold.deliveryP99Millis, atLeast: false))
                let read = try BenchRead.parse(["--records", "2000000"] + (progress ? [] : ["-o", "json"]))
                let catchUp = try await read.measure(store: store)
                checks.append(Check(name: "catch-up read", measured: catchUp.recordsPerSecond, unit: "records/s",
                                    threshold: Threshold.catchUpRecordsPerSecond, atLeast: true))
                return checks
            }
            switch output {
            case .json: try JSONOutput.print(checks)
            case .table:
                Table.print(["CHECK", "MEASURED", "THRESHOLD", "RESULT"], checks.map {
                    [$0.name, Self.format($0.measured, $0.unit), ($0.atLeast ? ">= " : "<= ") + Self.format($0.threshold, $0.unit),
                     $0.pass ? "PASS" : "FAIL"]
                })
                print(checks.allSatisfy(\.pass) ? "PASS" : "FAIL")
            }
            if !checks.allSatisfy(\.pass) { throw ExitCode(ExitStatus.failed.rawValue) }
        }
    }

    static func format(_ value: Double, _ unit: String) -> String {
        unit == "ms" ? String(format: "%.2f ms", value) : String(format: "%.0f %@", value, unit)
    }
}
