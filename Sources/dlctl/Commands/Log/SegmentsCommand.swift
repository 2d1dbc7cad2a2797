import ArgumentParser
import DLCore

struct SegmentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segments", abstract: "List a log's segments.",
        discussion: "STATE is in-progress, completed, or sealed (completed, and its last entry is the log's end of stream). "
            + "A txid is '-' where the segment has no record (yet)."
    )

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "NAMESPACE/LOG", completion: LiveNames.completion(.logs), transform: LogArgument.parse) var log: LogName
    @Option(name: .shortAndLong, help: "Output format: table or json.") var output: OutputFormat = .table

    func run() async throws {
        let (cluster, log, output) = (self.cluster, self.log, self.output)
        try await reportingErrors(timeout: cluster.commandTimeout) {
            let segments = try await cluster.withStore { store in
                // An in-progress segment's metadata holds a lower bound of its first txid: show the
                // first acknowledged record's (or none) instead.
                let connections = BookieConnections()
                var segments: [SegmentMetadata] = []
                for var segment in try await LogCatalog(store: store).segments(log).map(\.metadata) {
                    if segment.state == .inProgress {
                        segment.firstTxId = try await SegmentScan.firstTxId(ofInProgress: segment, store: store,
                                                                             connections: connections) ?? TxId.invalid
                    }
                    segments.append(segment)
                }
                await connections.closeAll()
                return segments
            }
            switch output {
            case .json: try JSONOutput.print(segments)
            case .table:
                Table.print(["SEQ", "STATE", "TRUNCATION", "LEDGER", "FIRST TXID", "LAST TXID", "LAST DLSN", "RECORDS", "BYTES"], segments.map {
                    ["\($0.sequenceNumber)", $0.endsStream ? "sealed" : $0.state.rawValue,
                     $0.truncation == .partiallyTruncated ? "from \($0.minActiveDLSN?.description ?? "?")" : $0.truncation.rawValue,
                     "\($0.ledgerId)", $0.firstTxId == TxId.invalid || ($0.state == .completed && $0.recordCount == 0) ? "-" : "\($0.firstTxId)",
                     $0.state == .completed && $0.recordCount > 0 ? "\($0.lastTxId)" : "-", $0.lastDLSN?.description ?? "-",
                     $0.state == .completed ? "\($0.recordCount)" : "-", $0.state == .completed ? "\($0.length)" : "-"]
                })
            }
        }
    }
}
