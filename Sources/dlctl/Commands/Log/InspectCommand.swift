import ArgumentParser
import DLCore
import Foundation

struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show the entries of one segment and the records in each (control records included).",
        discussion: "Reads a completed segment to its end, an in-progress one up to its LAC."
    )

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "NAMESPACE/LOG", completion: LiveNames.completion(.logs), transform: LogArgument.parse) var log: LogName
    @Option(help: "Segment sequence number.") var segment: Int64
    @Option(name: .customLong("from-entry"), help: "First entry to show.") var fromEntry: Int64 = 0
    @Option(name: [.customShort("n"), .long], help: "Entries to show.") var count: Int64 = 20
    @Flag(help: "Show payloads as hex instead of text.") var hex = false
    @Option(name: .shortAndLong, help: "Output format: table or json.") var output: OutputFormat = .table

    struct Shown: Encodable {
        var entry: Int64
        var bytes: Int
        var records: [Record]
        struct Record: Encodable {
            var dlsn: String
            var txid: Int64
            var flags: [String]
            var size: Int
            var payload: String
        }
    }

    func validate() throws {
        if fromEntry < 0 || count <= 0 { throw ValidationError("--from-entry must be >= 0 and -n positive") }
    }

    func run() async throws {
        let options = self
        try await reportingErrors(timeout: nil) {
            let shown = try await options.cluster.withStore { store -> [Shown] in
                guard let segment = try await LogCatalog(store: store).segments(options.log)
                    .first(where: { $0.metadata.sequenceNumber == options.segment })?.metadata else {
                    throw CommandFailure(.notFound, "log \(options.log) has no segment \(options.segment)")
                }
                let connections = BookieConnections()
                let reader = try await LedgerReader.open(store: store, connections: connections, ledgerId: segment.ledgerId)
                let last = segment.state == .completed ? reader.metadata.lastEntryId : await reader.lastAddConfirmed()
                let through = min(last, options.fromEntry + options.count - 1)
                var shown: [Shown] = []
                for entry in try await reader.read(from: options.fromEntry, through: through) {
                    let records = try RecordSet.positioned(entry: entry.payload, segment: segment.sequenceNumber, entryId: entry.entryId)
                    shown.append(Shown(entry: entry.entryId, bytes: entry.payload.count, records: records.map(options.describe)))
                }
                await connections.closeAll()
                return shown
            }
            switch options.output {
            case .json: try JSONOutput.print(shown)
            case .table:
                for entry in shown {
                    print("entry \(entry.entry): \(entry.bytes) bytes, \(entry.records.count) record\(entry.records.count == 1 ? "" : "s")")
                    for record in entry.records {
                        let flags = record.flags.isEmpty ? "" : " [\(record.flags.joined(separator: ","))]"
                        print("  \(record.dlsn)  txid \(record.txid)\(flags)  \(record.size) B  \(record.payload)")
                    }
                }
            }
        }
    }

    func describe(_ record: PositionedRecord) -> Shown.Record {
        var flags: [String] = []
        if record.record.isEndOfStream { flags.append("end-of-stream") } else if record.record.isControl { flags.append("control") }
        let payload = record.record.payload
        let text = hex ? payload.map { String(format: "%02x", $0) }.joined()
            : String(decoding: payload, as: UTF8.self).replacingOccurrences(of: "\n", with: "\\n")
        return Shown.Record(dlsn: record.dlsn.description, txid: record.record.txid, flags: flags, size: payload.count, payload: text)
    }
}
