import ArgumentParser
import DLCore
import Foundation

struct BenchTenants: LogWorkload {
    static let configuration = CommandConfiguration(
        commandName: "tenants",
        abstract: "Two tenants on the write proxies: a noisy log held to a hard limit beside a quiet one.",
        discussion: """
            Sets a hard limit of --noisy-limit bytes/s on log 'noisy' (dlctl log config), then: the quiet log \
            alone, written at --quiet-rate records/s by one client (its ack latency measured from each record's due time); then both, with \
            --noisy-clients clients writing 'noisy' flat out from a process of their own (64 KiB writes; a refused \
            write pauses that client 5 ms and counts). Reports what 'noisy' was let through against its limit, how many of its writes were refused, \
            and the quiet log's ack p99 alone and beside it. Needs proxies (dlctl sandbox starts two).
            """
    )

    @OptionGroup var cluster: ClusterOptions
    @OptionGroup var log: BenchLogOptions
    @Option(name: .customLong("noisy-limit"), help: "Hard bytes/s of the noisy log: 5MiB, 512KiB.") var noisyLimit = RateArgument(argument: "5MiB")!
    @Option(name: .customLong("noisy-clients"), help: "Clients writing the noisy log flat out.") var noisyClients = 4
    @Option(name: .customLong("quiet-rate"), help: "Records a second written to the quiet log.") var quietRate = 1000
    @Option(help: "Seconds of each phase.") var seconds = 10.0
    @Option(name: .shortAndLong, help: "Output format: table or json.") var output: OutputFormat = .table

    func validate() throws {
        try Seconds.check(seconds, "--seconds")
        guard noisyLimit.value != nil, noisyClients >= 1, quietRate >= 1, seconds > 0 else {
            throw ValidationError("--noisy-limit, --noisy-clients, --quiet-rate and --seconds must be positive")
        }
    }

    struct Result: Encodable {
        var quietAlone: LatencySummary
        var quietBesideNoisy: LatencySummary
        var noisyLimitBytesPerSecond: Double
        var noisyAcceptedBytesPerSecond: Double
        var noisyRefusedWrites: Int
        /// CPU seconds per second of the noisy tenant's process.
        var noisyCores: Double
        /// CPU seconds per second of the proxies and of the bookies while both tenants wrote.
        var proxyCores: Double
        var bookieCores: Double
    }

    func tableLines(_ result: Result) -> [String] {
        [LatencySummary.header, result.quietAlone.row("quiet alone, \(quietRate)/s"), result.quietBesideNoisy.row("quiet beside noisy"),
         String(format: "noisy: %.2f MiB/s let through against a hard limit of %.2f MiB/s (%.2fx); %d writes refused over capacity",
                result.noisyAcceptedBytesPerSecond / 1_048_576, result.noisyLimitBytesPerSecond / 1_048_576,
                result.noisyAcceptedBytesPerSecond / result.noisyLimitBytesPerSecond, result.noisyRefusedWrites),
         String(format: "quiet ack p99 beside noisy: %.2fx alone; cores used beside noisy: noisy process %.2f, proxies %.2f, bookies %.2f",
                result.quietAlone.p99Micros > 0 ? result.quietBesideNoisy.p99Micros / result.quietAlone.p99Micros : 0, result.noisyCores,
                result.proxyCores, result.bookieCores)]
    }

    func measure(store: any MetadataStore) async throws -> Result {
        guard try await !ProxyRegistration.all(in: store).isEmpty else { throw ProxyClient.Failure.noProxies }
        let names = try await log.createLogs("tenant", count: 2, store: store)
        let (quiet, noisy) = (names[0], names[1])
        let limit = noisyLimit.value ?? 0
        try await LimitSettings(store: store).update(.log(noisy.description)) { $0.hardBytesPerSecond = limit }
        BenchLogOptions.progress("quiet alone \(seconds) s, then beside \(noisyClients) noisy clients \(seconds) s", when: output == .table)
        let alone = try await writeQuiet(quiet, store: store)
        let flood = try FloodProcess.launch(uri: try cluster.metadataURI().description, log: noisy.description, clients: noisyClients,
                                            seconds: seconds + 2, recordSize: log.recordSize)
        guard await flood.waitUntilFlooding() else {
            let outcome = await flood.finish()
            throw CommandFailure(.failed, "the noisy tenant's process did not start writing: \(outcome.text)")
        }
        let servers = await ProcessCPU.Servers.find(store)
        let serversBefore = servers.used
        let besideStart = MonotonicClock.nanos()
        let beside = try await writeQuiet(quiet, store: store)
        let serversAfter = servers.used
        let besideSeconds = Double(MonotonicClock.nanos() - besideStart) / 1e9
        let outcome = await flood.finish()
        await log.cleanUp(names, store: store)
        guard let noisyOutcome = outcome.result else { throw CommandFailure(.failed, "the noisy tenant's process failed: \(outcome.text)") }
        return Result(quietAlone: alone, quietBesideNoisy: beside, noisyLimitBytesPerSecond: limit,
                      noisyAcceptedBytesPerSecond: Double(noisyOutcome.acceptedBytes) / noisyOutcome.seconds,
                      noisyRefusedWrites: noisyOutcome.refused, noisyCores: noisyOutcome.cpuSeconds / noisyOutcome.seconds,
                      proxyCores: (serversAfter.proxies - serversBefore.proxies) / besideSeconds,
                      bookieCores: (serversAfter.bookies - serversBefore.bookies) / besideSeconds)
    }

    /// The quiet tenant: one record at a time at `quietRate`, each write's ack latency.
    private func writeQuiet(_ name: LogName, store: any MetadataStore) async throws -> LatencySummary {
        let client = ProxyClient(store: store)
        defer { Task { await client.close() } }
        let total = Int(Double(quietRate) * seconds)
        let latencies = Locked<[UInt64]>([])
        let writer = ProxyLogWriter(log: name.description, client: client, timeout: cluster.commandTimeout, flushInterval: .zero)
        let schedule = FixedRate(perSecond: quietRate)
        for index in 0..<total {
            let due = try await schedule.dueTime(of: index)
            try await writer.enqueue(log.payload(index)) { result in
                if case .success = result { latencies.withLock { $0.append(MonotonicClock.nanos() - due) } }
            }
        }
        _ = try await writer.close()
        return LatencySummary(nanos: latencies.withLock { $0 }, elapsedNanos: MonotonicClock.nanos() - schedule.start)
    }
}
