import ArgumentParser
import DLCore
import Foundation

struct BenchTenants: LogWorkload {
    static let configuration = CommandConfiguration(
        commandName: "tenants",
        abstract: "Two tenants on the write proxies: a noisy log held to a hard limit beside a quiet one.",
        discussion: """
            Sets a hard limit of --noisy-limit bytes/s on log 'noisy' (dlctl log config), then: the quiet log \
            alone, written at --quiet-rate records/s by one client (its ack latency measured); then both, with \
            --noisy-clients clients writing 'noisy' flat out (64 KiB writes; a refused write pauses that client 5 ms \
            and counts). Reports what 'noisy' was let through against its limit, how many of its writes were refused, \
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
    }

    func tableLines(_ result: Result) -> [String] {
        [LatencySummary.header, result.quietAlone.row("quiet alone, \(quietRate)/s"), result.quietBesideNoisy.row("quiet beside noisy"),
         String(format: "noisy: %.2f MiB/s let through against a hard limit of %.2f MiB/s (%.2fx); %d writes refused over capacity",
                result.noisyAcceptedBytesPerSecond / 1_048_576, result.noisyLimitBytesPerSecond / 1_048_576,
                result.noisyAcceptedBytesPerSecond / result.noisyLimitBytesPerSecond, result.noisyRefusedWrites)]
    }

    func measure(store: any MetadataStore) async throws -> Result {
        guard try await !ProxyRegistration.all(in: store).isEmpty else { throw ProxyClient.Failure.noProxies }
        let names = try await log.createLogs("tenant", count: 2, store: store)
        let (quiet, noisy) = (names[0], names[1])
        let limit = noisyLimit.value ?? 0
        try await LimitSettings(store: store).update(.log(noisy.description)) { $0.hardBytesPerSecond = limit }
        BenchLogOptions.progress("quiet alone \(seconds) s, then beside \(noisyClients) noisy clients \(seconds) s", when: output == .table)
        let alone = try await writeQuiet(quiet, store: store)
        let stop = Locked(false)
        let accepted = Locked(0)
        let refused = Locked(0)
        let noisyStart = MonotonicClock.nanos()
        let flooding = Task {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<noisyClients {
                    group.addTask { await flood(noisy, store: store, until: stop, accepted: accepted, refused: refused) }
                }
            }
        }
        let beside = try await writeQuiet(quiet, store: store)
        stop.withLock { $0 = true }
        await flooding.value
        let noisySeconds = Double(MonotonicClock.nanos() - noisyStart) / 1e9
        await log.cleanUp(names, store: store)
        return Result(quietAlone: alone, quietBesideNoisy: beside, noisyLimitBytesPerSecond: limit,
                      noisyAcceptedBytesPerSecond: Double(accepted.withLock { $0 }) / noisySeconds, noisyRefusedWrites: refused.withLock { $0 })
    }

    /// The quiet tenant: one record at a time at `quietRate`, each write's ack latency.
    private func writeQuiet(_ name: LogName, store: any MetadataStore) async throws -> LatencySummary {
        let client = ProxyClient(store: store)
        defer { Task { await client.close() } }
        let total = Int(Double(quietRate) * seconds)
        let latencies = Locked<[UInt64]>([])
        let writer = ProxyLogWriter(log: name.description, client: client, timeout: cluster.commandTimeout, flushInterval: .zero)
        let start = MonotonicClock.nanos()
        let interval = 1e9 / Double(quietRate)
        for index in 0..<total {
            let due = start + UInt64(Double(index) * interval)
            let now = MonotonicClock.nanos()
            if due > now { try await Task.sleep(for: .nanoseconds(Int64(due - now))) }
            let sent = MonotonicClock.nanos()
            try await writer.enqueue(log.payload(index)) { result in
                if case .success = result { latencies.withLock { $0.append(MonotonicClock.nanos() - sent) } }
            }
        }
        _ = try await writer.close()
        return LatencySummary(nanos: latencies.withLock { $0 }, elapsedNanos: MonotonicClock.nanos() - start)
    }

    /// A noisy client: 64 KiB writes back to back; a refusal (over capacity) pauses it 5 ms.
    private func flood(_ name: LogName, store: any MetadataStore, until stop: Locked<Bool>, accepted: Locked<Int>,
                       refused: Locked<Int>) async {
        let client = ProxyClient(store: store)
        let records = (0..<max(1, 65_536 / log.recordSize)).map { ProxyRecord(payload: log.payload($0)) }
        let bytes = records.reduce(0) { $0 + $1.payload.count }
        while !stop.withLock({ $0 }) {
            guard let (response, _) = try? await client.send(.write(log: name.description, origin: nil, records: records),
                                                             log: name.description, deadline: .now + .seconds(10)) else { continue }
            switch response.status {
            case .ok: accepted.withLock { $0 += bytes }
            case .overCapacity:
                refused.withLock { $0 += 1 }
                try? await Task.sleep(for: .milliseconds(5))
            default: try? await Task.sleep(for: .milliseconds(5))
            }
        }
        await client.close()
    }
}
