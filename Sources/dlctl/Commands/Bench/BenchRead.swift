import ArgumentParser
import DLCore
import Foundation

struct BenchRead: LogWorkload {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Catch-up reads: writes --records records to a new log (batched), then reads them all from the start.",
        discussion: "With --log, reads that existing log from the start instead of writing one."
    )

    @OptionGroup var cluster: ClusterOptions
    @OptionGroup var log: BenchLogOptions
    @Option(help: "Records to write and read back.") var records = 10_000_000
    @Option(help: "Read this existing NAMESPACE/LOG instead.", transform: LogArgument.parse) var existing: LogName?
    @Option(name: .shortAndLong, help: "Output format: table or json.") var output: OutputFormat = .table

    struct Result: Encodable {
        var records: Int
        var seconds: Double
        var recordsPerSecond: Double
        var megabytesPerSecond: Double
        var writeSeconds: Double?
    }

    func tableLines(_ result: Result) -> [String] {
        var lines = [String(format: "catch-up read: %d records in %.2f s = %.0f records/s (%.1f MiB/s of payload)",
                            result.records, result.seconds, result.recordsPerSecond, result.megabytesPerSecond)]
        if let write = result.writeSeconds {
            lines.append(String(format: "(written first in %.2f s = %.0f records/s)", write, Double(result.records) / write))
        }
        return lines
    }

    /// Runs the workload against the cluster of `store`.
    func measure(store: any MetadataStore) async throws -> Result {
        let connections = BookieConnections()
        var names: [LogName] = []
        var writeSeconds: Double?
        let name: LogName
        if let existing = existing {
            name = existing
        } else {
            names = try await log.createLogs("read", count: 1, store: store)
            name = names[0]
            BenchLogOptions.progress("the write of \(records) records", when: output == .table)
            let start = MonotonicClock.nanos()
            let writer = try await LogWriter.open(name, store: store, connections: connections, options: log.writerOptions)
            let failure = Locked<(any Error)?>(nil)
            for index in 0..<records {
                try await writer.enqueue(log.payload(index)) { result in
                    if case let .failure(error) = result { failure.withLock { if $0 == nil { $0 = error } } }
                }
            }
            try await writer.close()
            if let error = failure.withLock({ $0 }) { throw error }
            writeSeconds = Double(MonotonicClock.nanos() - start) / 1e9
        }
        BenchLogOptions.progress("the catch-up read of \(name)", when: output == .table)
        let start = MonotonicClock.nanos()
        let reader = try await LogReader(name, store: store, connections: connections, from: .beginning, follow: false)
        var count = 0
        var bytes = 0
        while let record = try await reader.next() {
            count += 1
            bytes += record.record.payload.count
        }
        let seconds = Double(MonotonicClock.nanos() - start) / 1e9
        await log.cleanUp(names, store: store)
        await connections.closeAll()
        if existing == nil && count != records {
            throw CommandFailure(.failed, "read \(count) records back, wrote \(records)")
        }
        return Result(records: count, seconds: seconds, recordsPerSecond: Double(count) / seconds,
                      megabytesPerSecond: Double(bytes) / 1_048_576 / seconds, writeSeconds: writeSeconds)
    }
}
