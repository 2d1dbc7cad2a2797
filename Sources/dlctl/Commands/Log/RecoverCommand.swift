import ArgumentParser
import DLCore

struct RecoverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recover",
        abstract: "Recover a log whose writer died: fence its in-progress segments and complete their metadata.",
        discussion: "Waits up to --lock-timeout for the dead writer's lock to expire. Prints each segment it completed."
    )

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "NAMESPACE/LOG", completion: LiveNames.completion(.logs), transform: LogArgument.parse) var log: LogName
    @Option(name: .customLong("lock-timeout"), help: "Seconds to wait for the writer's lock.") var lockTimeout: Seconds = 30
    @Option(name: .shortAndLong, help: "Output format: table or json.") var output: OutputFormat = .table

    func run() async throws {
        let (cluster, log, lockTimeout, output) = (self.cluster, self.log, self.lockTimeout, self.output)
        try await reportingErrors(timeout: nil) {
            let completed = try await cluster.withStore { store in
                let connections = BookieConnections()
                let completed = try await LogRecovery.recover(log, store: store, connections: connections,
                                                              lockTimeout: lockTimeout.duration)
                await connections.closeAll()
                return completed
            }
            switch output {
            case .json: try JSONOutput.print(completed)
            case .table:
                if completed.isEmpty { print("\(log): no segment was in progress; nothing to recover") }
                for segment in completed {
                    print("\(log): completed segment \(segment.sequenceNumber) (ledger \(segment.ledgerId)): "
                        + "\(segment.recordCount) records, last DLSN \(segment.lastDLSN?.description ?? "none"), "
                        + "last txid \(segment.recordCount > 0 ? "\(segment.lastTxId)" : "none")")
                }
            }
        }
    }
}
