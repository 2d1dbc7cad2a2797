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
            """
    )

    @OptionGroup var cluster: ClusterOptions
    @OptionGroup var log: BenchLogOptions
    @Option(help: "How long each writer writes.") var seconds = 30.0
    @Option(help: "Logs, each with its own writer, written at once.") var logs = 1
    @Flag(help: "One record per entry, one in flight (latency mode).") var immediate = false
    @Option(name: .customLong("outstanding-mib"), help: "Unacknowledged MiB allowed, shared by all writers (back-pressure).")
    var outstandingMiB = 16.0
    @Option(name: .shortAndLong, help: "Output format: table or json.") var output: OutputFormat = .table

    struct Result: Encodable {
        var quorum: String
        var logs: Int
        var mode: String
        var records: Int
        var megabytesPerSecond: Double
        var latency: LatencySummary
    }

    func validate() throws {
        if seconds <= 0 || logs < 1 { throw ValidationError("--seconds must be positive and --logs at least 1") }
        if outstandingMiB <= 0 { throw ValidationError("--outstanding-mib must be positive") }
    }

    func tableLines(_ result: Result) -> [String] {
        [LatencySummary.header, result.latency.row("\(result.logs) log(s), \(result.mode)"),
         String(format: "%d records of %d B, %.1f MiB/s, %@", result.records, log.recordSize, result.megabytesPerSecond, result.quorum)]
    }

    /// Runs the workload against the cluster of `store`.
    func measure(store: any MetadataStore) async throws -> Result {
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
        return Result(quorum: log.quorumText, logs: logs, mode: immediate ? "immediate" : "batched", records: records,
                      megabytesPerSecond: Double(records * log.recordSize) / 1_048_576 / (Double(elapsed) / 1e9),
                      latency: LatencySummary(nanos: runs.flatMap(\.1), elapsedNanos: elapsed, operations: records))
    }

    /// Writes to `name` until the time is up; returns the records acknowledged and latency
    /// samples (every record in immediate mode, every 16th when batched).
    private func drive(_ name: LogName, store: any MetadataStore, connections: BookieConnections) async throws -> (Int, [UInt64]) {
        var writerOptions = log.writerOptions
        if immediate { writerOptions.flushInterval = .zero }
        writerOptions.maxOutstandingBytes = max(Int(outstandingMiB * 1_048_576) / logs, 2 * writerOptions.bufferBytes)
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
            while MonotonicClock.nanos() < deadline, failure.withLock({ $0 }) == nil {
                let start = MonotonicClock.nanos()
                let sample = written % 16 == 0
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
