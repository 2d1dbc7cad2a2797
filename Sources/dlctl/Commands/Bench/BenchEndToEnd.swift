import ArgumentParser
import DLCore
import Foundation

struct BenchEndToEnd: LogWorkload {
    static let configuration = CommandConfiguration(
        commandName: "e2e",
        abstract: "End-to-end latency: from a write's acknowledgement to a tailing reader receiving the record.",
        discussion: """
            One writer in immediate mode with one record in flight, one reader following the log (long-poll). \
            Reports the write latency and the acknowledgement-to-delivery latency, both p50/p99.
            """
    )

    @OptionGroup var cluster: ClusterOptions
    @OptionGroup var log: BenchLogOptions
    @Option(help: "Records to write.") var records = 5000
    @Option(name: .customLong("interval-micros"), help: "Pause between writes (0: back to back).") var intervalMicros = 0
    @Option(name: .shortAndLong, help: "Output format: table or json.") var output: OutputFormat = .table

    struct Result: Encodable {
        var quorum: String
        var write: LatencySummary
        var delivery: LatencySummary
    }

    func tableLines(_ result: Result) -> [String] {
        [LatencySummary.header, result.write.row("write, 1 in flight"), result.delivery.row("ack -> tailing reader")]
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
                let index = Int(String(decoding: record.record.payload.prefix { $0 != 0x20 }, as: UTF8.self)) ?? -1
                if delivered.withLock({ $0.indices.contains(index) }) { delivered.withLock { $0[index] = now } }
            }
        }
        BenchLogOptions.progress("\(records) records, 1 in flight, with a tailing reader", when: output == .table)
        let writer = try await LogWriter.open(names[0], store: store, connections: connections, options: writerOptions)
        var acknowledged: [UInt64] = []
        var writeSamples: [UInt64] = []
        let start = MonotonicClock.nanos()
        for index in 0..<records {
            let begin = MonotonicClock.nanos()
            _ = try await writer.write(log.payload(index))
            let done = MonotonicClock.nanos()
            acknowledged.append(done)
            writeSamples.append(done - begin)
            if intervalMicros > 0 { try await Task.sleep(for: .microseconds(intervalMicros)) }
        }
        let elapsed = MonotonicClock.nanos() - start
        try await reading.value
        try await writer.close()
        let arrivals = delivered.withLock { $0 }
        // A record can reach the reader a hair before the writer's continuation runs: count that as 0.
        let delivery = zip(arrivals, acknowledged).map { $0 > $1 ? $0 - $1 : 0 }
        await log.cleanUp(names, store: store)
        await connections.closeAll()
        return Result(quorum: log.quorumText, write: LatencySummary(nanos: writeSamples, elapsedNanos: elapsed),
                      delivery: LatencySummary(nanos: delivery, elapsedNanos: elapsed))
    }
}
