import ArgumentParser
import DLCore
import Foundation

struct BenchEndToEnd: LogWorkload {
    static let configuration = CommandConfiguration(
        commandName: "e2e",
        abstract: "End-to-end latency: from a write's acknowledgement to a tailing reader receiving the record.",
        discussion: """
            One writer in immediate mode with one record in flight, one reader following the log (long-poll). \
            Reports the write latency and the acknowledgement-to-delivery latency, both p50/p99. With --via-proxy the \
            writer writes through the cluster's write proxies and two readers follow in the same run: one through \
            the proxies (the owner pushes) and one reading the bookies directly (LAC long-poll).
            """
    )

    @OptionGroup var cluster: ClusterOptions
    @OptionGroup var log: BenchLogOptions
    @Option(help: "Records to write.") var records = 5000
    @Option(name: .customLong("interval-micros"), help: "Pause between writes (0: back to back).") var intervalMicros = 0
    @Option(name: .shortAndLong, help: "Output format: table or json.") var output: OutputFormat = .table
    @Flag(name: .customLong("via-proxy"), help: "Write through the proxies; a follower through them beside a direct reader.")
    var viaProxy = false

    struct Result: Encodable {
        var quorum: String
        var write: LatencySummary
        var delivery: LatencySummary
        /// With --via-proxy: the follower through the proxies (`delivery` is then the direct reader's).
        var proxiedDelivery: LatencySummary?
    }

    func tableLines(_ result: Result) -> [String] {
        var lines = [LatencySummary.header, result.write.row(viaProxy ? "write via proxy, 1 in flight" : "write, 1 in flight"),
                     result.delivery.row("ack -> direct reader")]
        if let proxied = result.proxiedDelivery { lines.append(proxied.row("ack -> follower via proxy")) }
        return lines
    }

    /// Runs the workload against the cluster of `store`.
    func measure(store: any MetadataStore) async throws -> Result {
        let connections = BookieConnections()
        let names = try await log.createLogs("e2e", count: 1, store: store)
        var writerOptions = log.writerOptions
        writerOptions.flushInterval = .zero
        let reader = try await LogReader(names[0], store: store, connections: connections, from: .beginning, follow: true)
        let delivered = Locked<[UInt64]>(Array(repeating: 0, count: records))
        let reading = Task {
            for _ in 0..<records {
                guard let record = try await reader.next() else { break }
                let now = MonotonicClock.nanos()
                let index = BenchLogOptions.index(of: record.record.payload) ?? -1
                if delivered.withLock({ $0.indices.contains(index) }) { delivered.withLock { $0[index] = now } }
            }
        }
        BenchLogOptions.progress("\(records) records, 1 in flight, with a tailing reader", when: output == .table)
        let proxied = Locked<[UInt64]>(Array(repeating: 0, count: records))
        var following: Task<Void, any Error>?
        var proxyClient: ProxyClient?
        var proxyWriter: ProxyLogWriter?
        if viaProxy {
            guard try await !ProxyRegistration.all(in: store).isEmpty else { throw ProxyClient.Failure.noProxies }
            let client = ProxyClient(store: store)
            proxyClient = client
            let session = ProxyLogWriter(log: names[0].description, client: client, timeout: cluster.commandTimeout, flushInterval: .zero)
            proxyWriter = session
            // A proxy owns the log before the follower comes, so the follower is pushed to.
            try await session.enqueue(Array("warm-up".utf8)) { _ in }
            try await session.flushAndWait()
            let follower = ProxyLogFollower(log: names[0].description, client: ProxyClient(store: store), from: .beginning,
                                            reconnectTimeout: cluster.commandTimeout)
            following = Task {
                defer { follower.close() }
                for _ in 0..<records {
                    guard let record = try await follower.next() else { break }
                    let now = MonotonicClock.nanos()
                    let index = BenchLogOptions.index(of: record.record.payload) ?? -1
                    if proxied.withLock({ $0.indices.contains(index) }) { proxied.withLock { $0[index] = now } }
                }
            }
        }
        let writer = viaProxy ? nil : try await LogWriter.open(names[0], store: store, connections: connections, options: writerOptions)
        var acknowledged: [UInt64] = []
        var writeSamples: [UInt64] = []
        let start = MonotonicClock.nanos()
        for index in 0..<records {
            let begin = MonotonicClock.nanos()
            if let writer {
                _ = try await writer.write(log.payload(index))
            } else if let proxyWriter {
                let result = await withCheckedContinuation { (continuation: CheckedContinuation<Swift.Result<DLSN, any Error>, Never>) in
                    Task {
                        do { try await proxyWriter.enqueue(log.payload(index)) { continuation.resume(returning: $0) } } catch {
                            continuation.resume(returning: .failure(error))
                        }
                    }
                }
                _ = try result.get()
            }
            let done = MonotonicClock.nanos()
            acknowledged.append(done)
            writeSamples.append(done - begin)
            if intervalMicros > 0 { try await Task.sleep(for: .microseconds(intervalMicros)) }
        }
        let elapsed = MonotonicClock.nanos() - start
        try await reading.value
        try await following?.value
        try await writer?.close()
        _ = try await proxyWriter?.close()
        await proxyClient?.close()
        // A record can reach a reader a hair before the writer's continuation runs: count that as 0.
        let delivery = zip(delivered.withLock { $0 }, acknowledged).map { $0 > $1 ? $0 - $1 : 0 }
        let proxiedDelivery = zip(proxied.withLock { $0 }, acknowledged).map { $0 > $1 ? $0 - $1 : 0 }
        await log.cleanUp(names, store: store)
        await connections.closeAll()
        return Result(quorum: log.quorumText, write: LatencySummary(nanos: writeSamples, elapsedNanos: elapsed),
                      delivery: LatencySummary(nanos: delivery, elapsedNanos: elapsed),
                      proxiedDelivery: viaProxy ? LatencySummary(nanos: proxiedDelivery, elapsedNanos: elapsed) : nil)
    }
}
