import ArgumentParser
import DLCore
import Foundation

/// Latency against load: the peak of `bench write`, then fixed-rate runs at fractions of it.
struct BenchCurve: LogWorkload {
    static let configuration = CommandConfiguration(
        commandName: "curve",
        abstract: "Write latency against load: the peak rate, then fixed-rate runs at fractions of it.",
        discussion: """
            First measures the peak of `bench write` (closed loop, batched) for --seconds, then runs \
            `bench write --rate` (open loop, latency from each record's due time) at each of --fractions of that \
            peak for --seconds each, and prints the latency at each rate with a bar of its p99 (log scale). \
            Each run starts once every bookie's write cache is empty (checkpointed). \
            --via-proxy and --clients apply to every run.
            """
    )

    @OptionGroup var cluster: ClusterOptions
    @OptionGroup var log: BenchLogOptions
    @Option(help: "Seconds of the peak run and of each fixed-rate run.") var seconds = 10.0
    @Option(help: "Fractions of the peak to offer, comma-separated, each within 0...1.") var fractions = "0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1.0"
    @Option(help: "Logs, each with its own writer (direct).") var logs = 1
    @Flag(name: .customLong("via-proxy"), help: "Write through the cluster's write proxies.") var viaProxy = false
    @Option(help: "With --via-proxy: concurrent client sessions.") var clients = 1
    @Flag(name: .customLong("adaptive-window"), help: "Direct writers with the adaptive window (see bench write --adaptive-window).")
    var adaptiveWindow = false
    @Option(name: .shortAndLong, help: "Output format: table or json.") var output: OutputFormat = .table

    struct Point: Encodable {
        var fraction: Double
        var run: BenchWrite.Result
    }

    struct Result: Encodable {
        var peak: BenchWrite.Result
        var points: [Point]
    }

    var loads: [Double] { fractions.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) } }

    func validate() throws {
        let parts = fractions.split(separator: ",", omittingEmptySubsequences: false)
        guard !parts.isEmpty, loads.count == parts.count, loads.allSatisfy({ $0 > 0 && $0 <= 1 }) else {
            throw ValidationError("--fractions must be comma-separated numbers within 0...1 (above 0)")
        }
        try Seconds.check(seconds, "--seconds")
    }

    /// A `bench write` with this command's options, at `rate` (nil: the closed-loop peak).
    func write(rate: Int?) throws -> BenchWrite {
        var write = try BenchWrite.parse([])
        write.cluster = cluster
        write.log = log
        write.seconds = seconds
        write.logs = logs
        write.viaProxy = viaProxy
        write.clients = clients
        write.adaptiveWindow = adaptiveWindow
        write.output = output
        write.rate = rate
        try write.validate()
        return write
    }

    func measure(store: any MetadataStore) async throws -> Result {
        try await IdleBookies.waitForAvailable(in: store, cluster: cluster)
        let peak = try await write(rate: nil).measure(store: store)
        var points: [Point] = []
        for fraction in loads {
            let rate = max(viaProxy ? clients : logs, Int(peak.latency.opsPerSecond * fraction))
            // Each point starts on idle bookies: the run before (the peak's hundreds of MiB above
            // all) checkpointed, not written out under this one (the first points measured it).
            try await IdleBookies.waitForAvailable(in: store, cluster: cluster)
            BenchLogOptions.progress(String(format: "%.0f%% of the peak: %d records/s", fraction * 100, rate), when: output == .table)
            points.append(Point(fraction: fraction, run: try await write(rate: rate).measure(store: store)))
        }
        return Result(peak: peak, points: points)
    }

    func tableLines(_ result: Result) -> [String] {
        let header = ["load", "offered/s", "achieved/s", "p50 ms", "p99 ms", "p99.9 ms", "max ms"]
            .enumerated().map { LatencySummary.pad($1, $0 == 0 ? 6 : 11, left: $0 > 0) }.joined() + "  p99 (log scale, 0.1 ms to 10 s)"
        func row(_ label: String, _ offered: Int?, _ latency: LatencySummary) -> String {
            let cells = [offered.map(String.init) ?? "-", String(format: "%.0f", latency.opsPerSecond)]
                + [latency.p50Micros, latency.p99Micros, latency.p999Micros, latency.maxMicros].map { String(format: "%.2f", $0 / 1000) }
            return LatencySummary.pad(label, 6) + cells.map { LatencySummary.pad($0, 11, left: true) }.joined() + "  " + Self.bar(latency.p99Micros)
        }
        return [header, row("peak", nil, result.peak.latency)]
            + result.points.map { row(String(format: "%.0f%%", $0.fraction * 100), $0.run.offeredPerSecond, $0.run.latency) }
            + [String(format: "%d B records, %@, %g s per point", log.recordSize, result.peak.quorum, seconds)]
    }

    /// A bar whose length is log10 of `micros` from 100 us (empty) to 10 s (40 marks).
    static func bar(_ micros: Double) -> String {
        let decades = log10(max(micros, 100) / 100)
        return String(repeating: "#", count: max(1, min(40, Int((decades / 5 * 40).rounded()))))
    }
}
