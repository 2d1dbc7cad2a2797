import ArgumentParser
import DLCore

struct TruncateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "truncate",
        abstract: "Mark a log's records before a position truncated (segments wholly before it, and the one holding it partially).",
        discussion: """
            Only forward; never the in-progress segment. 'dlctl purge' then deletes truncated segments and their ledgers. \
            When the cluster has write proxies, the log's owner truncates it; --direct does it in this process.
            """
    )

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "NAMESPACE/LOG", completion: LiveNames.completion(.logs), transform: LogArgument.parse) var log: LogName
    @Option(help: "The first position to keep: a DLSN or txid:N.") var before: String
    @Flag(help: "Truncate in this process instead of through the log's owning proxy.") var direct = false

    func run() async throws {
        let (cluster, log, before, direct) = (self.cluster, self.log, self.before, self.direct)
        try await reportingErrors(timeout: nil) {
            let position = try LogPosition(parsing: before)
            try await cluster.withStore { store in
                let dlsn: DLSN
                switch position {
                case let .dlsn(value): dlsn = value
                case let .txid(txid):
                    let connections = BookieConnections()
                    dlsn = try await LogReader.locate(txid: txid, in: log, store: store, connections: connections)
                    await connections.closeAll()
                case .start, .end: throw CommandFailure(.usage, "--before takes a DLSN or txid:N")
                }
                let changed: [SegmentMetadata]
                if !direct, try await ProxiedRequest.available(store) {
                    let catalog = LogCatalog(store: store)
                    let earlier = try await catalog.segments(log).map(\.metadata)
                    let response = try await ProxiedRequest.send(.truncate(log: log.description, before: dlsn), log: log, store: store,
                                                                 timeout: cluster.commandTimeout)
                    guard case .truncate(.ok, _) = response else { throw ProxyRefusal(response.status, response.detail) }
                    let now = try await catalog.segments(log).map(\.metadata)
                    changed = now.filter { segment in
                        earlier.first { $0.sequenceNumber == segment.sequenceNumber }.map {
                            $0.truncation != segment.truncation || $0.minActiveDLSN != segment.minActiveDLSN
                        } ?? false
                    }
                } else {
                    changed = try await LogTruncation(store: store).truncate(log, before: dlsn)
                }
                if changed.isEmpty { print("\(log): nothing before \(dlsn) left to truncate") }
                for segment in changed {
                    let detail = segment.truncation == .truncated ? "truncated"
                        : "partially truncated, readable from \(segment.minActiveDLSN?.description ?? "-")"
                    print("\(log): segment \(segment.sequenceNumber) \(detail)")
                }
            }
        }
    }
}
