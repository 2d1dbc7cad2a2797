import ArgumentParser
import DLCore

struct LedgerList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List ledgers with their state.")

    @OptionGroup var cluster: ClusterOptions
    @Option(name: .shortAndLong, help: "Output format: table or json.") var output: OutputFormat = .table

    struct Row: Encodable {
        var id: Int64
        var state: String
        var quorum: String
        var lastEntryId: Int64
        var length: Int64
        var ensembles: Int
    }

    func run() async throws {
        let (cluster, output) = (self.cluster, self.output)
        try await reportingErrors(timeout: cluster.commandTimeout) {
            let rows = try await cluster.withStore { store -> [Row] in
                var rows: [Row] = []
                for name in try await store.children(ClusterLayout.ledgers) {
                    guard let id = ClusterLayout.ledgerId(ofName: name),
                          let node = try await store.getIfExists(ClusterLayout.ledgerPath(id)) else { continue }
                    let metadata = try LedgerMetadata(decoding: node.data)
                    rows.append(Row(id: id, state: metadata.state.rawValue,
                                    quorum: "\(metadata.ensembleSize)/\(metadata.writeQuorum)/\(metadata.ackQuorum)",
                                    lastEntryId: metadata.lastEntryId, length: metadata.length, ensembles: metadata.ensembles.count))
                }
                return rows
            }
            switch output {
            case .json: try JSONOutput.print(rows)
            case .table:
                Table.print(["LEDGER", "STATE", "E/QW/QA", "LAST ENTRY", "LENGTH", "ENSEMBLES"],
                            rows.map { ["\($0.id)", $0.state, $0.quorum, "\($0.lastEntryId)", "\($0.length)", "\($0.ensembles)"] })
            }
        }
    }
}
