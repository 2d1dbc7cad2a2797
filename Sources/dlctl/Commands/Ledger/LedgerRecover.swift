import ArgumentParser
import DLCore

struct LedgerRecover: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recover",
        abstract: "Fence a ledger, recover its last entry and close it.",
        discussion: "Its writer, if still alive, can add nothing more. Prints the recovered last entry."
    )

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "Ledger id.", completion: LiveNames.completion(.ledgers), transform: LedgerArgument.parse) var id: Int64

    func run() async throws {
        let (cluster, id) = (self.cluster, self.id)
        try await reportingErrors(timeout: max(cluster.timeout ?? ClusterOptions.defaultTimeout, 60).duration) {
            try await cluster.withStore { store in
                let connections = BookieConnections()
                let outcome = try await LedgerRecovery.recover(store: store, connections: connections, ledgerId: id)
                print("ledger \(id) closed: last entry \(outcome.lastEntryId), length \(outcome.length)"
                      + (outcome.closedByThisRecovery ? ", \(outcome.recoveredEntries) entries recovered past the LAC" : " (it was already closed)"))
                await connections.closeAll()
            }
        }
    }
}
