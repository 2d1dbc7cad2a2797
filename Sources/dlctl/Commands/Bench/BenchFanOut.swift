import ArgumentParser
import DLCore
import Foundation

struct BenchFanOut: LogWorkload {
    static let configuration = CommandConfiguration(
        commandName: "fanout",
        abstract: "Fan-out through the write proxies: one writer at a fixed rate, N followers of the log.",
        discussion: """
            One client writes --rate records a second through the proxies for --seconds (records due within a \
            millisecond share a write); --readers followers, each \
            with a connection of its own (in this process), follow the log through the tier from its end. Reports \
            the write's acknowledgement latency, the records delivered to all followers per second, and the delay \
            from a record's acknowledgement to its delivery (p50/p99 over every follower). Needs proxies \
            (dlctl sandbox starts two).
            """
    )

    @OptionGroup var cluster: ClusterOptions
    @OptionGroup var log: BenchLogOptions
    @Option(help: "Followers of the log.") var readers = 100
    @Option(help: "Records written a second.") var rate = 1000
    @Option(help: "Seconds to write for.") var seconds = 10.0
    @Option(name: .shortAndLong, help: "Output format: table or json.") var output: OutputFormat = .table

    func validate() throws {
        guard readers >= 1, rate >= 1, seconds > 0 else { throw ValidationError("--readers, --rate and --seconds must be positive") }
    }

    struct Result: Encodable {
        var readers: Int
        var rate: Int
        var write: LatencySummary
        var delivery: LatencySummary
        var deliveredPerSecond: Double
        var missing: Int
    }

    func tableLines(_ result: Result) -> [String] {
        [LatencySummary.header, result.write.row("write ack, \(rate)/s"), result.delivery.row("ack -> \(readers) followers"),
         String(format: "delivered %.0f records/s to %d followers; %d deliveries missing", result.deliveredPerSecond, readers, result.missing)]
    }

    func measure(store: any MetadataStore) async throws -> Result {
        guard try await !ProxyRegistration.all(in: store).isEmpty else { throw ProxyClient.Failure.noProxies }
        let names = try await log.createLogs("fanout", count: 1, store: store)
        let name = names[0].description
        let total = Int(Double(rate) * seconds)
        let acknowledged = Locked([UInt64](repeating: 0, count: total))
        let writeClient = ProxyClient(store: store)
        // The log's owner is taken before the followers come, so they are pushed to from the start.
        let writer = ProxyLogWriter(log: name, client: writeClient, timeout: cluster.commandTimeout, flushInterval: .zero)
        try await writer.enqueue(Array("warm-up".utf8)) { _ in }
        let warmUp = try await writer.close() ?? DLSN(1, 0, 0)
        let clients = (0..<readers).map { _ in ProxyClient(store: store) }
        let followers = clients.map {
            ProxyLogFollower(log: name, client: $0, from: .after(warmUp), reconnectTimeout: cluster.commandTimeout)
        }
        BenchLogOptions.progress("\(rate) records/s for \(seconds) s to \(readers) followers", when: output == .table)
        let delays = Locked<[UInt64]>([])
        let deliveries = Locked(0)
        let reading = Task {
            await withTaskGroup(of: Void.self) { group in
                for follower in followers {
                    group.addTask {
                        var local: [UInt64] = []
                        var count = 0
                        while count < total, let record = try? await follower.next() {
                            let now = MonotonicClock.nanos()
                            guard let index = Int(String(decoding: record.record.payload.prefix { $0 != 0x20 }, as: UTF8.self)),
                                  index >= 0 && index < total else { continue }
                            count += 1
                            let ack = acknowledged.withLock { $0[index] }
                            local.append(ack > 0 && now > ack ? now - ack : 0)
                        }
                        delays.withLock { $0 += local }
                        deliveries.withLock { $0 += count }
                    }
                }
            }
        }
        // Records due within a millisecond share a write, as a client's batching would have them.
        let session = ProxyLogWriter(log: name, client: writeClient, timeout: cluster.commandTimeout, flushInterval: .milliseconds(1))
        let writeLatencies = Locked([UInt64](repeating: 0, count: total))
        let start = MonotonicClock.nanos()
        let interval = 1e9 / Double(rate)
        for index in 0..<total {
            let due = start + UInt64(Double(index) * interval)
            let now = MonotonicClock.nanos()
            if due > now { try await Task.sleep(for: .nanoseconds(Int64(due - now))) }
            let sent = MonotonicClock.nanos()
            try await session.enqueue(log.payload(index)) { result in
                guard case .success = result else { return }
                let done = MonotonicClock.nanos()
                acknowledged.withLock { $0[index] = done }
                writeLatencies.withLock { $0[index] = done - sent }
            }
        }
        _ = try await session.close()
        let elapsed = MonotonicClock.nanos() - start
        // Every follower gets every record, or the bench stops waiting after a while.
        let waited = Task {
            try? await Task.sleep(for: .seconds(30))
            reading.cancel()
            followers.forEach { $0.close() }
        }
        await reading.value
        waited.cancel()
        let deliveredAt = MonotonicClock.nanos() - start
        followers.forEach { $0.close() }
        for client in clients { await client.close() }
        await writeClient.close()
        await log.cleanUp(names, store: store)
        let delivered = deliveries.withLock { $0 }
        return Result(readers: readers, rate: rate,
                      write: LatencySummary(nanos: writeLatencies.withLock { $0 }, elapsedNanos: elapsed),
                      delivery: LatencySummary(nanos: delays.withLock { $0 }, elapsedNanos: deliveredAt),
                      deliveredPerSecond: Double(delivered) / (Double(deliveredAt) / 1e9),
                      missing: total * readers - delivered)
    }
}
