import ArgumentParser
import DLCore

struct LedgerDelete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete a ledger; bookies garbage-collect its entries."
    )

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "Ledger id.", completion: LiveNames.completion(.ledgers), transform: LedgerArgument.parse) var id: Int64

    func run() async throws {
        let (cluster, id) = (self.cluster, self.id)
        try await reportingErrors(timeout: cluster.commandTimeout) {
            try await cluster.withStore { store in
                guard try await store.exists(ClusterLayout.ledgerPath(id)) != nil else { throw LedgerError.noSuchLedger(id) }
                try await store.delete(ClusterLayout.ledgerPath(id), expectedVersion: nil)
            }
        }
    }
}
