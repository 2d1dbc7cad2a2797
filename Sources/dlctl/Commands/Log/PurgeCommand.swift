import ArgumentParser
import DLCore

struct PurgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Delete a log's truncated segments (and, with --retention, those completed longer ago) with their ledgers.",
        discussion: "Always keeps the last completed segment and the in-progress one."
    )

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "NAMESPACE/LOG", completion: LiveNames.completion(.logs), transform: LogArgument.parse) var log: LogName
    @Option(help: "Also delete segments completed more than this many hours ago.") var retention: Seconds?
    @Option(name: .shortAndLong, help: "Output format: table or json.") var output: OutputFormat = .table

    func validate() throws {
    }

    func run() async throws {
        let (cluster, log, retention, output) = (self.cluster, self.log, self.retention, self.output)
        try await reportingErrors(timeout: cluster.commandTimeout) {
            let purged = try await cluster.withStore { store in
                try await LogTruncation(store: store).purge(log, olderThan: retention?.hoursDuration)
            }
            switch output {
            case .json: try JSONOutput.print(purged)
            case .table:
                if purged.segments.isEmpty { print("\(log): nothing to purge") }
                for (segment, ledger) in zip(purged.segments, purged.ledgers) {
                    print("\(log): deleted segment \(segment) and ledger \(ledger)")
                }
            }
        }
    }
}
