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
            sealed is refused with status 3, as is any later write. When the cluster has write proxies, the log's \
            owner seals it (after every write it accepted); --direct seals in this process.
            """
    )

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "NAMESPACE/LOG", completion: LiveNames.completion(.logs), transform: LogArgument.parse) var log: LogName
    @Option(name: .customLong("lock-timeout"), help: "Seconds to wait for another writer's lock (with --direct).")
    var lockTimeout: Seconds = 30
    @Flag(help: "Seal in this process (taking the log's lock) instead of through the log's owning proxy.") var direct = false

    func run() async throws {
        let (cluster, log, lockTimeout, direct) = (self.cluster, self.log, self.lockTimeout, self.direct)
        try await reportingErrors(timeout: nil) {
            try await cluster.withStore { store in
                let connections = BookieConnections()
                let end: DLSN?
                if !direct, try await ProxiedRequest.available(store) {
                    let response = try await ProxiedRequest.send(.endOfStream(log: log.description, origin: nil), log: log, store: store,
                                                                 timeout: cluster.commandTimeout)
                    guard case let .endOfStream(.ok, _, dlsn) = response else { throw ProxyRefusal(response.status, response.detail) }
                    end = dlsn
                } else {
                    var options = LogWriter.Options()
                    options.lockTimeout = lockTimeout.duration
                    let writer = try await LogWriter.open(log, store: store, connections: connections, options: options)
                    end = try await writer.markEndOfStream()
                }
                let segments = try await LogCatalog(store: store).segments(log).map(\.metadata)
                let records = (segments.last?.startSequenceId ?? 0) + (segments.last?.recordCount ?? 0)
                let last = segments.last(where: { $0.lastDLSN != nil })?.lastDLSN
                print("sealed \(log): end of stream\(end.map { " at \($0)" } ?? "") after \(records == 1 ? "1 record" : "\(records) records")"
                      + (last.map { " (the last at \($0))" } ?? ""))
                await connections.closeAll()
            }
        }
    }
}
