import ArgumentParser
import DLCore

struct SegmentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "segments", abstract: "List a log's segments.")

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "NAMESPACE/LOG", completion: LiveNames.completion(.logs), transform: LogArgument.parse) var log: LogName
    @Option(name: .shortAndLong, help: "Output format: table or json.") var output: OutputFormat = .table

    func run() async throws {
        let (cluster, log, output) = (self.cluster, self.log, self.output)
        try await reportingErrors(timeout: cluster.commandTimeout) {
            let segments = try await cluster.withStore { try await LogCatalog(store: $0).segments(log).map(\.metadata) }
            switch output {
            case .json: try JSONOutput.print(segments)
            case .table:
                Table.print(["SEQ", "STATE", "TRUNCATION", "LEDGER", "FIRST TXID", "LAST TXID", "LAST DLSN", "RECORDS", "BYTES"], segments.map {
                    ["\($0.sequenceNumber)", $0.state.rawValue,
                     $0.truncation == .partiallyTruncated ? "from \($0.minActiveDLSN?.description ?? "?")" : $0.truncation.rawValue,
                     "\($0.ledgerId)", "\($0.firstTxId)",
                     $0.state == .completed ? "\($0.lastTxId)" : "-", $0.lastDLSN?.description ?? "-",
                     $0.state == .completed ? "\($0.recordCount)" : "-", $0.state == .completed ? "\($0.length)" : "-"]
                })
            }
        }
    }
}
