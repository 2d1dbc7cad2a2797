import ArgumentParser
import DLCore
import Foundation

struct TailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail",
        abstract: "Print a log's records, one per line; with -f keep following new ones.",
        discussion: "--from start|end|DLSN ('seq,entry,slot' or base64). Never shows an unacknowledged record."
    )

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "NAMESPACE/LOG", transform: LogArgument.parse) var log: LogName
    @Option(help: "Where to start: start, end or a DLSN.") var from = "end"
    @Flag(name: .shortAndLong, help: "Follow: wait for new records.") var follow = false
    @Flag(name: .short, help: "Exit at the end of the log (the default without -f).") var exitAtEnd = false
    @Option(name: [.customShort("n"), .long], help: "Stop after this many records.") var count: Int?
    @Flag(help: "Print JSON lines with DLSN and txid.") var json = false

    struct Line: Encodable {
        var dlsn: String
        var txid: Int64
        var payload: String
    }

    func run() async throws {
        let options = self
        try await reportingErrors(timeout: nil) {
            try await options.cluster.withStore { store in
                let start: LogReader.Start
                switch options.from {
                case "start", "beginning": start = .beginning
                case "end": start = .end
                default:
                    do { start = .dlsn(try DLSN(parsing: options.from)) } catch {
                        throw CommandFailure(.usage, "--from: \(error)")
                    }
                }
                if options.follow && !options.exitAtEnd {
                    // Following a log that does not exist yet: wait for it to be created.
                    let catalog = LogCatalog(store: store)
                    let created = try await store.watch(options.log.path)
                    var events = created.makeAsyncIterator()
                    while try await !catalog.exists(options.log) { _ = await events.next() }
                }
                let connections = BookieConnections()
                let reader = try await LogReader(options.log, store: store, connections: connections, from: start,
                                                 follow: options.follow && !options.exitAtEnd)
                var printed = 0
                // Output is buffered while records are at hand and written out as soon as the
                // reader has to wait, so a follower sees each record promptly.
                var output = Data()
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                while let record = try await reader.next() {
                    if options.json {
                        output += try encoder.encode(Line(dlsn: record.dlsn.description, txid: record.record.txid,
                                                          payload: String(decoding: record.record.payload, as: UTF8.self)))
                        output.append(0x0A)
                    } else {
                        output += record.record.payload
                        output.append(0x0A)
                    }
                    printed += 1
                    if let count = options.count, printed >= count { break }
                    if !reader.hasBufferedRecords || output.count >= 64 * 1024 {
                        FileHandle.standardOutput.write(output)
                        output.removeAll(keepingCapacity: true)
                    }
                }
                FileHandle.standardOutput.write(output)
                await connections.closeAll()
            }
        }
    }
}
