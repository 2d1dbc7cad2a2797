import ArgumentParser
import DLCore
import Foundation

struct LedgerUnderReplicated: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "underreplicated",
        abstract: "List the ledgers marked under-replicated, with the bookies they lost and since when.",
        discussion: "Exit status 0 (an empty list included); a mark that does not decode is listed with its error."
    )

    @OptionGroup var cluster: ClusterOptions
    @Option(name: .shortAndLong, help: "Output format: table or json.") var output: OutputFormat = .table

    struct Row: Encodable {
        var ledgerId: Int64
        var lostBookies: [String]
        var fragments: [ReplicaRules.Fragment]
        var markedAtMillis: Int64?
        var reason: String
        var error: String?
    }

    func run() async throws {
        let (cluster, output) = (self.cluster, self.output)
        try await reportingErrors(timeout: cluster.commandTimeout) {
            let rows = try await cluster.withStore(sessionless: true) { store in
                try await UnderReplication(store: store).all().map { entry -> Row in
                    switch entry.mark {
                    case let .success(mark):
                        return Row(ledgerId: entry.ledgerId, lostBookies: mark.lostBookies, fragments: mark.fragments,
                                   markedAtMillis: mark.markedAtMillis, reason: mark.reason, error: nil)
                    case let .failure(error):
                        return Row(ledgerId: entry.ledgerId, lostBookies: [], fragments: [], markedAtMillis: nil, reason: "", error: "\(error)")
                    }
                }
            }
            switch output {
            case .json: try JSONOutput.print(rows)
            case .table:
                Table.print(["LEDGER", "LOST BOOKIES", "FRAGMENTS", "SINCE", "REASON"], rows.map { row in
                    [String(row.ledgerId), row.lostBookies.joined(separator: ", "), String(row.fragments.count),
                     row.markedAtMillis.map { "\(Date(timeIntervalSince1970: Double($0) / 1000))" } ?? "-",
                     row.error.map { "unreadable mark: \($0)" } ?? row.reason]
                })
            }
        }
    }
}
