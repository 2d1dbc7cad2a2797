import ArgumentParser
import DLCore

struct SealCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seal",
        abstract: "Mark a log's end of stream: readers get every record, then the end; later writes fail.",
        discussion: """
            Waits for the log's writer lock (--lock-timeout), completes what a dead writer left, then writes the \
            end-of-stream record in a segment of its own. Every reader, followers included, ends there with \
            status 0, and one started at or after the end ends at once. Sealing is final: a log that is already \
            sealed is refused with status 3, as is any later write.
            """
    )

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "NAMESPACE/LOG", completion: LiveNames.completion(.logs), transform: LogArgument.parse) var log: LogName
    @Option(name: .customLong("lock-timeout"), help: "Seconds to wait for another writer's lock.") var lockTimeout = 30.0

    func run() async throws {
        let (cluster, log, lockTimeout) = (self.cluster, self.log, self.lockTimeout)
        try await reportingErrors(timeout: nil) {
            try await cluster.withStore { store in
                var options = LogWriter.Options()
                options.lockTimeout = .milliseconds(Int64(lockTimeout * 1000))
                let connections = BookieConnections()
                let writer = try await LogWriter.open(log, store: store, connections: connections, options: options)
                try await writer.markEndOfStream()
                let segments = try await LogCatalog(store: store).segments(log).map(\.metadata)
                let records = (segments.last?.startSequenceId ?? 0) + (segments.last?.recordCount ?? 0)
                let last = segments.last(where: { $0.lastDLSN != nil })?.lastDLSN
                let end = segments.last.map { " at \($0.sequenceNumber),0,0" } ?? ""
                print("sealed \(log): end of stream\(end) after \(records == 1 ? "1 record" : "\(records) records")"
                      + (last.map { " (the last at \($0))" } ?? ""))
                await connections.closeAll()
            }
        }
    }
}
