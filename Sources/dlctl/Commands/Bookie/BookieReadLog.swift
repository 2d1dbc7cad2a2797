import ArgumentParser
import Bookie
import DLCore
import Foundation

struct BookieReadLog: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "readlog",
        abstract: "Decode a bookie's entry logs for humans (or JSON lines).",
        discussion: "DIR is a bookie data directory or its entrylogs/ directory."
    )

    @Argument(help: "Data or entry-log directory.") var directory: String
    @Option(name: .shortAndLong, help: "Output format: table or json.") var output: OutputFormat = .table

    struct Row: Encodable {
        var log: String
        var offset: Int64
        var ledgerId: Int64
        var entryId: Int64
        var lastAddConfirmed: Int64
        var payloadBytes: Int
        var digestValid: Bool
    }

    func run() async throws {
        let (directory, output) = (self.directory, self.output)
        try await reportingErrors(timeout: nil) {
            let path = FileManager.default.fileExists(atPath: directory + "/entrylogs") ? directory + "/entrylogs" : directory
            let logs = try EntryLogs(directory: path)
            let ids = logs.listOnDisk()
            guard !ids.isEmpty else { throw CommandFailure(.notFound, "no entry logs in \(path)") }
            var rows: [Row] = []
            for id in ids {
                for (item, entry) in try logs.scan(id) {
                    rows.append(Row(log: (logs.logPath(id) as NSString).lastPathComponent, offset: item.offset, ledgerId: entry.ledgerId,
                                    entryId: entry.entryId, lastAddConfirmed: entry.lastAddConfirmed, payloadBytes: entry.payload.count,
                                    digestValid: entry.hasValidDigest))
                }
            }
            switch output {
            case .json: for row in rows { try JSONOutput.print(row) }
            case .table:
                Table.print(["LOG", "OFFSET", "LEDGER", "ENTRY", "LAC", "PAYLOAD", "DIGEST"], rows.map {
                    [$0.log, "\($0.offset)", "\($0.ledgerId)", "\($0.entryId)", "\($0.lastAddConfirmed)", "\($0.payloadBytes)",
                     $0.digestValid ? "ok" : "BAD"]
                })
                print("\(rows.count) entries in \(ids.count) entry logs")
            }
        }
    }
}
