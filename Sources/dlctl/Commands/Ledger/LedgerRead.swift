import ArgumentParser
import DLCore
import Foundation

struct LedgerRead: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Print a ledger's entries, one per line (up to the last confirmed entry).",
        discussion: "Does not fence: reading an open ledger leaves its writer alone."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, hex, json }

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "Ledger id.", completion: LiveNames.completion(.ledgers), transform: LedgerArgument.parse) var id: Int64
    @Option(help: "First entry.") var from: Int64 = 0
    @Option(help: "Last entry (default: the last confirmed).") var to: Int64?
    @Option(help: "text, hex or json.") var format: Format = .text

    struct Line: Encodable {
        var entryId: Int64
        var lastAddConfirmed: Int64
        var length: Int64
        var payload: String
        var encoding: String
    }

    func run() async throws {
        let (cluster, id, from, to, format) = (self.cluster, self.id, self.from, self.to, self.format)
        try await reportingErrors(timeout: nil) {
            try await cluster.withStore { store in
                let connections = BookieConnections()
                let reader = try await LedgerReader.open(store: store, connections: connections, ledgerId: id)
                let confirmed = await reader.lastAddConfirmed()
                let last = to ?? confirmed
                var next = from
                while next <= last {
                    let batchEnd = min(last, next + 255)
                    for entry in try await reader.read(from: next, through: batchEnd) {
                        switch format {
                        case .text: print(String(decoding: entry.payload, as: UTF8.self))
                        case .hex: print(entry.payload.map { String(format: "%02x", $0) }.joined())
                        case .json:
                            let text = String(validating: entry.payload, as: UTF8.self)
                            try JSONOutput.print(Line(entryId: entry.entryId, lastAddConfirmed: entry.lastAddConfirmed,
                                                      length: entry.length, payload: text ?? Data(entry.payload).base64EncodedString(),
                                                      encoding: text == nil ? "base64" : "utf8"))
                        }
                    }
                    next = batchEnd + 1
                }
                await connections.closeAll()
            }
        }
    }
}
