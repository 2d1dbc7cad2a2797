import ArgumentParser
import DLCore
import Foundation

/// One follower of `dlctl bench fanout --processes`, as a process of its own (hidden: the bench
/// starts it). Follows the log through the proxies after `--after`, as `dlctl tail -f` does,
/// until it has `--records` bench records (or `--deadline` passes); writes the time each record
/// arrived (CLOCK_MONOTONIC nanoseconds, the same clock in every process, 0 for a record that
/// never came) to `--times` as native 64-bit numbers indexed by the record's number, and
/// prints one JSON line: how many came, how many out of order or twice, and why it stopped early.
struct BenchFollower: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "follower", shouldDisplay: false)

    @OptionGroup var cluster: ClusterOptions
    @Option var log: String
    @Option var after: String
    @Option var records: Int
    @Option var times: String
    @Option var deadline: Seconds = 120
    /// Cut off for falling behind, it follows again after the last record it got (as a user
    /// would run `dlctl tail -f --from` with the position the error names).
    @Flag var resume = false

    struct Outcome: Codable {
        var received = 0
        var outOfOrder = 0
        var duplicates = 0
        var error: String?
        /// CPU seconds (user and system) the follower used.
        var cpuSeconds = 0.0
        /// The error that cut it off, when it resumed after it.
        var cutOff: String?
    }

    func run() async throws {
        guard let after = try? DLSN(parsing: after), records > 0 else { throw ValidationError("--after DLSN and --records N") }
        let (cluster, log, records, times, deadline, resume) = (cluster, log, records, times, deadline, resume)
        try await reportingErrors(timeout: nil) {
            var arrivals = Arrivals(records: records)
            var outcome = Outcome()
            try await cluster.withStore(sessionless: true) { store in
                // Connections and the loop below on one event loop: a pushed batch is taken in
                // the turn that read it.
                let executor = EventLoopTaskExecutor()
                let client = ProxyClient(store: store, group: executor.eventLoop)
                let end = ContinuousClock.now + deadline.duration
                var last = after
                while arrivals.received < records && ContinuousClock.now < end {
                    let follower = ProxyLogFollower(log: log, client: client, from: .after(last), reconnectTimeout: cluster.commandTimeout)
                    let stop = Task {
                        try? await Task.sleep(until: end)
                        follower.close()
                    }
                    defer {
                        stop.cancel()
                        follower.close()
                    }
                    do {
                        try await withTaskExecutorPreference(executor) {
                            while arrivals.received < records, let batch = try await follower.nextBatch() {
                                arrivals.arrived(batch, at: MonotonicClock.nanos())
                                last = batch[batch.count - 1].dlsn
                            }
                        }
                        break
                    } catch let refusal as ProxyRefusal where refusal.status == .behind && resume && outcome.cutOff == nil {
                        outcome.cutOff = "\(refusal)"
                    } catch {
                        outcome.error = "\(error)"
                        break
                    }
                }
                await client.close()
            }
            (outcome.received, outcome.outOfOrder, outcome.duplicates) = (arrivals.received, arrivals.outOfOrder, arrivals.duplicates)
            outcome.cpuSeconds = ProcessCPU.ownSeconds
            let bytes = arrivals.times.withUnsafeBytes { Data($0) }
            try bytes.write(to: URL(fileURLWithPath: times))
            let json = try JSONEncoder().encode(outcome)
            StandardOutput.write(String(decoding: json, as: UTF8.self) + "\n")
        }
    }
}
