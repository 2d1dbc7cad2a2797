import ArgumentParser
import Bookie
import DLCore
import Foundation

struct BookieReadJournal: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "readjournal",
        abstract: "Decode a bookie's journal files for humans (or JSON lines).",
        discussion: "DIR is a bookie data directory or its journal/ directory. Torn or corrupt tails are reported, not decoded."
    )

    @Argument(help: "Data or journal directory.") var directory: String
    @Option(name: .shortAndLong, help: "Output format: table or json.") var output: OutputFormat = .table

    struct Row: Encodable {
        var file: String
        var offset: Int64
        var type: String
        var ledgerId: Int64
        var entryId: Int64?
        var lastAddConfirmed: Int64?
        var length: Int64?
        var payloadBytes: Int?
        var digestValid: Bool?
    }

    func run() async throws {
        let (directory, output) = (self.directory, self.output)
        try await reportingErrors(timeout: nil) {
            let journal = FileManager.default.fileExists(atPath: directory + "/journal") ? directory + "/journal" : directory
            guard !JournalFiles.list(journal).isEmpty else { throw CommandFailure(.notFound, "no journal files in \(journal)") }
            var rows: [Row] = []
            var previous = JournalMark.start
            let summary = try JournalReader.replay(directory: journal, from: .start) { record, mark in
                let offset = mark.fileId == previous.fileId ? previous.offset : 0
                let file = JournalFiles.name(mark.fileId)
                switch record {
                case let .entry(_, entry):
                    rows.append(Row(file: file, offset: offset, type: "entry", ledgerId: entry.ledgerId, entryId: entry.entryId,
                                    lastAddConfirmed: entry.lastAddConfirmed, length: entry.length, payloadBytes: entry.payload.count,
                                    digestValid: entry.hasValidDigest))
                case let .fence(ledgerId, _):
                    rows.append(Row(file: file, offset: offset, type: "fence", ledgerId: ledgerId))
                }
                previous = mark
            }
            switch output {
            case .json: for row in rows { try JSONOutput.print(row) }
            case .table:
                Table.print(["FILE", "OFFSET", "TYPE", "LEDGER", "ENTRY", "LAC", "LENGTH", "PAYLOAD", "DIGEST"], rows.map {
                    [$0.file, "\($0.offset)", $0.type, "\($0.ledgerId)", $0.entryId.map(String.init) ?? "-",
                     $0.lastAddConfirmed.map(String.init) ?? "-", $0.length.map(String.init) ?? "-",
                     $0.payloadBytes.map(String.init) ?? "-", $0.digestValid.map { $0 ? "ok" : "BAD" } ?? "-"]
                })
                print("\(summary.records) records, \(summary.bytes) bytes")
            }
            for cut in summary.cuts { StandardError.write("dlctl: warning: \(cut)\n") }
        }
    }
}
