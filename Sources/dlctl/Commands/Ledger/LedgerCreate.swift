import ArgumentParser
import DLCore

struct LedgerCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create an empty ledger and print its id.")

    @OptionGroup var cluster: ClusterOptions
    @OptionGroup var quorum: QuorumOptions
    @Option(help: "Ledger password (the key bookies check).") var password = ""

    func run() async throws {
        let (cluster, quorum, password) = (self.cluster, self.quorum, self.password)
        try await reportingErrors(timeout: cluster.commandTimeout) {
            try await cluster.withStore { store in
                let connections = BookieConnections()
                let writer = try await LedgerWriter.create(store: store, connections: connections, ensembleSize: quorum.ensemble,
                                                           writeQuorum: quorum.writeQuorum, ackQuorum: quorum.ackQuorum,
                                                           password: Array(password.utf8))
                print(writer.ledgerId)
                await connections.closeAll()
            }
        }
    }
}
