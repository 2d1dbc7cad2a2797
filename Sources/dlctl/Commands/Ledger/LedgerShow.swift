import ArgumentParser
import DLCore
import Foundation

struct LedgerShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a ledger's metadata and ensembles.")

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "Ledger id.", completion: LiveNames.completion(.ledgers), transform: LedgerArgument.parse) var id: Int64
    @Option(name: .shortAndLong, help: "Output format: table or json.") var output: OutputFormat = .table

    struct Shown: Encodable {
        var id: Int64
        var state: String
        var ensembleSize: Int
        var writeQuorum: Int
        var ackQuorum: Int
        var lastEntryId: Int64
        var length: Int64
        var createdAtMillis: Int64
        var ensembles: [LedgerMetadata.Ensemble]
        var customMetadata: [String: String]
    }

    func run() async throws {
        let (cluster, id, output) = (self.cluster, self.id, self.output)
        try await reportingErrors(timeout: cluster.commandTimeout) {
            let metadata = try await cluster.withStore { store -> LedgerMetadata in
                guard let node = try await store.getIfExists(ClusterLayout.ledgerPath(id)) else { throw LedgerError.noSuchLedger(id) }
                return try LedgerMetadata(decoding: node.data)
            }
            let shown = Shown(id: id, state: metadata.state.rawValue, ensembleSize: metadata.ensembleSize,
                              writeQuorum: metadata.writeQuorum, ackQuorum: metadata.ackQuorum, lastEntryId: metadata.lastEntryId,
                              length: metadata.length, createdAtMillis: metadata.createdAtMillis, ensembles: metadata.ensembles,
                              customMetadata: metadata.customMetadata)
            switch output {
            case .json: try JSONOutput.print(shown)
            case .table:
                Table.print(["FIELD", "VALUE"], [
                    ["ledger", "\(id)"], ["state", shown.state],
                    ["quorum", "E=\(shown.ensembleSize) Qw=\(shown.writeQuorum) Qa=\(shown.ackQuorum)"],
                    ["last entry", "\(shown.lastEntryId)"], ["length", "\(shown.length)"],
                    ["created", "\(Date(timeIntervalSince1970: Double(shown.createdAtMillis) / 1000))"],
                ] + shown.ensembles.map { ["ensemble from \($0.firstEntryId)", $0.bookies.joined(separator: ", ")] }
                  + shown.customMetadata.sorted { $0.key < $1.key }.map { ["meta \($0.key)", $0.value] })
            }
        }
    }
}
