import ArgumentParser
import DLCore

struct SubscribersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subscribers",
        abstract: "List a log's subscribers and their committed positions; commit or remove one.",
        discussion: "'dlctl tail LOG --subscriber ID' reads after ID's committed position and commits as it prints."
    )

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "NAMESPACE/LOG", completion: LiveNames.completion(.logs), transform: LogArgument.parse) var log: LogName
    @Option(help: "Commit a position for a subscriber: ID=DLSN (only forward).") var commit: String?
    @Option(help: "Forget this subscriber.") var remove: String?
    @Option(name: .shortAndLong, help: "Output format: table or json.") var output: OutputFormat = .table

    struct Shown: Encodable {
        var subscriber: String
        var committed: String
    }

    func run() async throws {
        let (cluster, log, commit, remove, output) = (self.cluster, self.log, self.commit, self.remove, self.output)
        try await reportingErrors(timeout: cluster.commandTimeout) {
            let shown = try await cluster.withStore { store -> [Shown] in
                let subscriptions = LogSubscriptions(store: store)
                if let commit {
                    let parts = commit.split(separator: "=", maxSplits: 1).map(String.init)
                    guard parts.count == 2 else { throw CommandFailure(.usage, "--commit takes ID=DLSN") }
                    let dlsn: DLSN
                    do { dlsn = try DLSN(parsing: parts[1]) } catch { throw CommandFailure(.usage, "--commit: \(error)") }
                    try await subscriptions.commit(log, subscriber: parts[0], dlsn: dlsn)
                }
                if let remove { try await subscriptions.remove(log, subscriber: remove) }
                return try await subscriptions.all(log).map { Shown(subscriber: $0.subscriber, committed: $0.committed.description) }
            }
            switch output {
            case .json: try JSONOutput.print(shown)
            case .table: Table.print(["SUBSCRIBER", "COMMITTED DLSN"], shown.map { [$0.subscriber, $0.committed] })
            }
        }
    }
}
