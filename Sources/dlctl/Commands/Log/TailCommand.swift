import ArgumentParser
import DLCore
import Foundation

struct TailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail",
        abstract: "Print a log's records, one per line; with -f keep following new ones.",
        discussion: """
            --from start|end|DLSN|txid:N (a DLSN is 'seq,entry,slot' or base64; txid:N is the first record with \
            txid >= N). Never shows an unacknowledged record. With --subscriber ID the read starts after ID's \
            committed position (or at --from when it has none) and commits each record printed. A read that \
            does not follow never ends quietly before a record that may have been acknowledged: at a \
            segment whose writer died with records past the LAC it fails with status 1 (run 'dlctl recover'), \
            and where the metadata ends a ledger before what its bookies hold, with status 5.
            """
    )

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "NAMESPACE/LOG", completion: LiveNames.completion(.logs), transform: LogArgument.parse) var log: LogName
    @Option(help: "Where to start: start, end, a DLSN or txid:N.") var from = "end"
    @Flag(name: .shortAndLong, help: "Follow: wait for new records.") var follow = false
    @Flag(name: .short, help: "Exit at the end of the log (the default without -f).") var exitAtEnd = false
    @Option(name: [.customShort("n"), .long], help: "Stop after this many records.") var count: Int?
    @Flag(help: "Print JSON lines with DLSN, txid and payload.") var json = false
    @Option(help: "Print each record with this template: {txid} {dlsn} {dlsn64} {payload} {size} {timestamp}, \\t.")
    var format: String?
    @Option(help: "Read as this subscriber: start after its committed position and commit as records are printed.")
    var subscriber: String?

    struct Line: Encodable {
        var dlsn: String
        var txid: Int64
        var payload: String
    }

    func run() async throws {
        let options = self
        try await reportingErrors(timeout: nil) {
            let from = try LogPosition(parsing: options.from)
            let template = try options.format.map { try RecordTemplate(parsing: $0) }
            if let subscriber = options.subscriber {
                do { try LogName.validate(subscriber) } catch { throw CommandFailure(.usage, "--subscriber: \(error)") }
            }
            try await options.cluster.withStore { store in
                let following = options.follow && !options.exitAtEnd
                if following {
                    // Following a log that does not exist yet: wait for it to be created.
                    let catalog = LogCatalog(store: store)
                    let created = try await store.watch(options.log.path)
                    var events = created.makeAsyncIterator()
                    while try await !catalog.exists(options.log) { _ = await events.next() }
                }
                let subscriptions = LogSubscriptions(store: store)
                var start = from.readerStart
                if let subscriber = options.subscriber,
                   let committed = try await subscriptions.committed(options.log, subscriber: subscriber) {
                    start = .after(committed)
                }
                let connections = BookieConnections()
                let reader = try await LogReader(options.log, store: store, connections: connections, from: start,
                                                 follow: following)
                var printed = 0
                var lastPrinted: DLSN?
                // Output is buffered while records are at hand and written out as soon as the
                // reader has to wait, so a follower sees each record promptly.
                var output = Data()
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                func writeOut() async throws {
                    FileHandle.standardOutput.write(output)
                    output.removeAll(keepingCapacity: true)
                    if let subscriber = options.subscriber, let lastPrinted {
                        try await subscriptions.commit(options.log, subscriber: subscriber, dlsn: lastPrinted)
                    }
                }
                while let record = try await reader.next() {
                    if let template {
                        template.render(record, into: &output)
                    } else if options.json {
                        output += try encoder.encode(Line(dlsn: record.dlsn.description, txid: record.record.txid,
                                                          payload: String(decoding: record.record.payload, as: UTF8.self)))
                        output.append(0x0A)
                    } else {
                        output += record.record.payload
                        output.append(0x0A)
                    }
                    printed += 1
                    lastPrinted = record.dlsn
                    if let count = options.count, printed >= count { break }
                    if !reader.hasBufferedRecords || output.count >= 64 * 1024 { try await writeOut() }
                }
                try await writeOut()
                await connections.closeAll()
            }
        }
    }
}
