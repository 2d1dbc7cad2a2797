import ArgumentParser
import DLCore
import Foundation

struct BenchWrite: LogWorkload {
    static let configuration = CommandConfiguration(
        commandName: "write",
        abstract: "Log writes: records/s and acknowledgement latency for one or many writers.",
        discussion: """
            Each writer appends --record-size byte records to its own new log for --seconds, batching records into \
            entries (default), or with --immediate one record per entry and one in flight. Latency is from the \
            write call to its acknowledgement by an ack quorum.

            With --via-proxy, --clients client sessions (each with its own connection) write through the cluster's \
            write proxies instead, spread over --logs logs (client i writes log i mod --logs): the logs' owners \
            batch what all their clients send. Latency is then from the client's write call to the proxy's answer.

            With --rate, the load is open-loop: --rate records a second in all (split evenly over the writers or \
            clients) are offered on a fixed schedule whatever the acknowledgements do, and each record's latency \
            runs from the time it was due, so a stall shows in the percentiles instead of slowing the offer \
            (no coordinated omission). The result gives the offered and the achieved rate.
            """
    )

    @OptionGroup var cluster: ClusterOptions
    @OptionGroup var log: BenchLogOptions
    @Option(help: "How long each writer writes.") var seconds = 30.0
    @Option(help: "Logs, each with its own writer, written at once.") var logs = 1
    @Flag(help: "One record per entry, one in flight (latency mode).") var immediate = false
    @Flag(name: .customLong("via-proxy"), help: "Write through the cluster's write proxies (see --clients).") var viaProxy = false
    @Option(help: "With --via-proxy: concurrent client sessions, each with its own connection.") var clients = 1
    @Option(name: .customLong("kill-owner-after"),
            help: "With --via-proxy: kill -9 the first log's owning proxy after this many seconds and report the longest gap in acknowledgements.")
    var killOwnerAfter: Double?
    @Option(name: .customLong("outstanding-mib"), help: "Unacknowledged MiB allowed, shared by all writers (back-pressure).")
    var outstandingMiB = 16.0
    @Flag(name: .customLong("adaptive-window"),
          help: "Direct writers bound their unacknowledged bytes by twice the measured bandwidth-delay product (at most --outstanding-mib) and send at once when nothing is in flight (being measured; off by default).")
    var adaptiveWindow = false
    @Option(name: .shortAndLong, help: "Output format: table or json.") var output: OutputFormat = .table
    @Option(help: "Records a second offered in all, on a fixed schedule (open loop; latency from each record's due time).")
    var rate: Int?

    struct Result: Encodable {
        var quorum: String
        var logs: Int
        /// Client sessions through the proxies (nil: direct writers, one per log).
        var clients: Int?
        var mode: String
        var records: Int
        var megabytesPerSecond: Double
        var latency: LatencySummary
        /// With --rate: records a second offered (the achieved rate is latency.opsPerSecond).
        var offeredPerSecond: Int?
        /// With --kill-owner-after: the longest time no client got an acknowledgement, from the kill on.
        var failoverGapMillis: Double?
    }

    func validate() throws {
        try Seconds.check(seconds, "--seconds")
        if let killOwnerAfter { try Seconds.check(killOwnerAfter, "--kill-owner-after") }
        if logs < 1 { throw ValidationError("--logs must be at least 1") }
        if !(outstandingMiB > 0 && outstandingMiB <= 1_048_576) { throw ValidationError("--outstanding-mib must be above 0 and at most 1048576") }
        if clients < 1 || clients > 10_000 { throw ValidationError("--clients must be within 1...10000") }
        if clients > 1 && !viaProxy { throw ValidationError("--clients needs --via-proxy (direct writers are one per log)") }
        if adaptiveWindow && viaProxy { throw ValidationError("--adaptive-window is for direct writers (a proxy's writers are set up by the proxy)") }
        if let killOwnerAfter, !viaProxy || killOwnerAfter <= 0 || killOwnerAfter >= seconds {
            throw ValidationError("--kill-owner-after needs --via-proxy and must be within 0...--seconds")
        }
        if let rate {
            if rate < writers || rate > 10_000_000 { throw ValidationError("--rate must be within \(writers)...10000000 (at least 1 per writer)") }
            if immediate { throw ValidationError("--rate and --immediate do not go together (--immediate keeps one record in flight)") }
        }
    }

    /// Writers (direct) or client sessions (through the proxies) sharing the load.
    var writers: Int { viaProxy ? clients : logs }

    /// The fixed schedule of one writer or client when --rate is given.
    func schedule() -> FixedRate? { rate.map { FixedRate(perSecond: max(1, $0 / writers)) } }

    /// Latency samples kept: all of them up to 20,000 records a second per writer, else one in 16.
    var sampleEvery: Int { (rate ?? Int.max) / writers <= 20_000 ? 1 : 16 }

    func tableLines(_ result: Result) -> [String] {
        [LatencySummary.header,
         result.latency.row("\(result.logs) log(s), " + (result.clients.map { "\($0) client(s) via proxy" } ?? result.mode)),
         String(format: "%d records of %d B, %.1f MiB/s, %@", result.records, log.recordSize, result.megabytesPerSecond, result.quorum)]
            + (result.offeredPerSecond.map { [String(format: "offered %d records/s on a fixed schedule, achieved %.0f/s; latency from each record's due time",
                                                     $0, result.latency.opsPerSecond)] } ?? [])
            + (result.failoverGapMillis.map { [String(format: "owner killed: longest gap in acknowledgements %.0f ms", $0)] } ?? [])
    }

    /// Runs the workload against the cluster of `store`.
    func measure(store: any MetadataStore) async throws -> Result {
        if viaProxy { return try await measureViaProxy(store: store) }
        let connections = BookieConnections()
        let names = try await log.createLogs("write", count: logs, store: store)
        BenchLogOptions.progress("\(logs) writer(s), \(immediate ? "immediate, 1 in flight" : "batched"), \(seconds) s",
                                 when: output == .table)
        let start = MonotonicClock.nanos()
        let runs = try await withThrowingTaskGroup(of: (Int, [UInt64]).self) { group in
            for name in names {
                group.addTask { try await drive(name, store: store, connections: connections) }
            }
            var all: [(Int, [UInt64])] = []
            for try await run in group { all.append(run) }
            return all
        }
        let elapsed = MonotonicClock.nanos() - start
        await log.cleanUp(names, store: store)
        await connections.closeAll()
        let records = runs.reduce(0) { $0 + $1.0 }
        return Result(quorum: log.quorumText, logs: logs, clients: nil, mode: mode, records: records,
                      megabytesPerSecond: Double(records * log.recordSize) / 1_048_576 / (Double(elapsed) / 1e9),
                      latency: LatencySummary(nanos: runs.flatMap(\.1), elapsedNanos: elapsed, operations: records),
                      offeredPerSecond: rate)
    }

    /// `clients` sessions through the proxies, each streaming to its log for the time given.
    private func measureViaProxy(store: any MetadataStore) async throws -> Result {
        guard try await !ProxyRegistration.all(in: store).isEmpty else { throw ProxyClient.Failure.noProxies }
        let names = try await log.createLogs("proxied", count: logs, store: store)
        BenchLogOptions.progress("\(clients) client(s) through the proxies on \(logs) log(s), \(seconds) s", when: output == .table)
        let start = MonotonicClock.nanos()
        let acknowledgements = Locked<[UInt64]>([])
        let killedAt = Locked<UInt64?>(nil)
        let runs = try await withThrowingTaskGroup(of: (Int, [UInt64]).self) { group in
            for client in 0..<clients {
                let name = names[client % names.count]
                group.addTask { try await drive(viaProxy: name, store: store, acknowledgements: killOwnerAfter == nil ? nil : acknowledgements) }
            }
            if let killOwnerAfter {
                group.addTask {
                    try await Task.sleep(for: .milliseconds(Int64(killOwnerAfter * 1000)))
                    try await killOwner(of: names[0], store: store)
                    killedAt.withLock { $0 = MonotonicClock.nanos() }
                    return (0, [])
                }
            }
            var all: [(Int, [UInt64])] = []
            for try await run in group { all.append(run) }
            return all
        }
        let elapsed = MonotonicClock.nanos() - start
        await log.cleanUp(names, store: store)
        let records = runs.reduce(0) { $0 + $1.0 }
        var gap: Double?
        if let killed = killedAt.withLock({ $0 }) {
            let after = [killed] + acknowledgements.withLock { $0 }.filter { $0 >= killed }.sorted()
            gap = Double(zip(after, after.dropFirst()).map { $1 - $0 }.max() ?? 0) / 1e6
        }
        return Result(quorum: "the proxies' own", logs: logs, clients: clients, mode: mode, records: records,
                      megabytesPerSecond: Double(records * log.recordSize) / 1_048_576 / (Double(elapsed) / 1e9),
                      latency: LatencySummary(nanos: runs.flatMap(\.1), elapsedNanos: elapsed, operations: records),
                      offeredPerSecond: rate, failoverGapMillis: gap)
    }

    var mode: String { (immediate ? "immediate" : rate == nil ? "batched" : "fixed rate") + (adaptiveWindow ? ", adaptive window" : "") }

    /// kill -9 of the proxy that owns `name` (its registration names its pid).
    private func killOwner(of name: LogName, store: any MetadataStore) async throws {
        guard let holder = try await LogLock.holder(of: name, store: store), let owner = LogLock.proxyAddress(ofHolder: holder),
              let registration = try await ProxyRegistration.all(in: store).first(where: { $0.address == owner }) else {
            throw CommandFailure(.failed, "no proxy owns \(name) to kill")
        }
        BenchLogOptions.progress("killing the owner of \(name), \(owner) (pid \(registration.pid))", when: output == .table)
        kill(registration.pid, SIGKILL)
    }

    /// One client session writing to `name` through its owning proxy until the time is up.
    private func drive(viaProxy name: LogName, store: any MetadataStore, acknowledgements: Locked<[UInt64]>?) async throws -> (Int, [UInt64]) {
        let client = ProxyClient(store: store)
        // The --outstanding-mib window shared by all clients: each keeps 2 to 8 writes of up to
        // 256 KiB in flight.
        let budget = Int(outstandingMiB * 1_048_576) / clients
        let window = min(8, max(2, budget / (256 * 1024)))
        let batch = min(256 * 1024, max(4096, budget / window))
        let writer = ProxyLogWriter(log: name.description, client: client, timeout: .seconds(60), window: window, batchBytes: batch,
                                    flushInterval: immediate ? .zero : .milliseconds(2))
        let deadline = MonotonicClock.nanos() + UInt64(seconds * 1e9)
        let sampled = Locked<[UInt64]>([])
        let failure = Locked<(any Error)?>(nil)
        let schedule = self.schedule()
        var written = 0
        while MonotonicClock.nanos() < deadline, failure.withLock({ $0 }) == nil {
            let begin = try await schedule?.dueTime(of: written) ?? MonotonicClock.nanos()
            let sample = immediate || written % (schedule == nil ? 16 : sampleEvery) == 0
            try await writer.enqueue(log.payload(written)) { result in
                switch result {
                case .success:
                    let now = MonotonicClock.nanos()
                    if sample { sampled.withLock { $0.append(now - begin) } }
                    if sample, let acknowledgements { acknowledgements.withLock { $0.append(now) } }
                case let .failure(error): failure.withLock { if $0 == nil { $0 = error } }
                }
            }
            written += 1
            if immediate { try await writer.close() }
        }
        let closing: (any Error)?
        do { try await writer.close(); closing = nil } catch { closing = error }
        await client.close()
        if let error = failure.withLock({ $0 }) ?? closing { throw error }
        return (written, sampled.withLock { $0 })
    }

    /// Writes to `name` until the time is up; returns the records acknowledged and latency
    /// samples (every record in immediate mode, every 16th when batched).
    private func drive(_ name: LogName, store: any MetadataStore, connections: BookieConnections) async throws -> (Int, [UInt64]) {
        var writerOptions = log.writerOptions
        if immediate { writerOptions.flushInterval = .zero }
        writerOptions.maxOutstandingBytes = max(Int(outstandingMiB * 1_048_576) / logs, 2 * writerOptions.bufferBytes)
        if adaptiveWindow {
            writerOptions.adaptiveWindow = true
            writerOptions.flushWhenIdle = true
        }
        let writer = try await LogWriter.open(name, store: store, connections: connections, options: writerOptions)
        let deadline = MonotonicClock.nanos() + UInt64(seconds * 1e9)
        var samples: [UInt64] = []
        var written = 0
        if immediate {
            while MonotonicClock.nanos() < deadline {
                let start = MonotonicClock.nanos()
                _ = try await writer.write(log.payload(written))
                samples.append(MonotonicClock.nanos() - start)
                written += 1
            }
        } else {
            let sampled = Locked<[UInt64]>([])
            let failure = Locked<(any Error)?>(nil)
            let schedule = self.schedule()
            while MonotonicClock.nanos() < deadline, failure.withLock({ $0 }) == nil {
                let start = try await schedule?.dueTime(of: written) ?? MonotonicClock.nanos()
                let sample = written % (schedule == nil ? 16 : sampleEvery) == 0
                try await writer.enqueue(log.payload(written)) { result in
                    switch result {
                    case .success: if sample { sampled.withLock { $0.append(MonotonicClock.nanos() - start) } }
                    case let .failure(error): failure.withLock { if $0 == nil { $0 = error } }
                    }
                }
                written += 1
            }
            if let error = failure.withLock({ $0 }) { throw error }
            try await writer.close()
            samples = sampled.withLock { $0 }
            return (written, samples)
        }
        try await writer.close()
        return (written, samples)
    }
}
