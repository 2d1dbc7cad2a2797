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
            and where the metadata ends a ledger before what its bookies hold, with status 5. Every reader of a \
            sealed log, followers too, ends at its end with status 0 (at once when started there); a DLSN past \
            the end of a completed segment or of the log is refused with status 2. When standard output's \
            reader goes away (| head) the command ends at once with status 141.

            With -f, when the cluster has write proxies, the records come through them: the log's owner pushes each \
            record as soon as it is acknowledged, and readers of one log share the proxy's reads of the bookies. A \
            follower that falls too far behind (its output not read) is cut off with status 1 and a line saying \
            where to resume. When the owner moves, the follow moves with it, missing nothing. --direct reads the \
            bookies from this process instead.
            """
    )

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "NAMESPACE/LOG", completion: LiveNames.completion(.logs), transform: LogArgument.parse) var log: LogName
    @Option(help: "Where to start: start, end, a DLSN or txid:N.") var from = "end"
    @Flag(name: .shortAndLong, help: "Follow: wait for new records.") var follow = false
    @Flag(name: .short, help: "Exit at the end of the log (the default without -f).") var exitAtEnd = false
    @Option(name: [.customShort("n"), .long], help: "Stop after this many records.") var count: Int?
    @Option(help: "lines (payload and newline), json (dlsn, txid, payload, encoding utf8|base64), length-prefixed (4-byte big-endian length, then the bytes) or raw (one record's bytes exactly).")
    var output: RecordOutputMode = .lines
    @Flag(help: "The same as --output json.") var json = false
    @Option(help: "Print each record with this template: {txid} {dlsn} {dlsn64} {payload} {size} {timestamp}, \\t.")
    var format: String?
    @Option(help: "Read as this subscriber: start after its committed position and commit as records are printed.")
    var subscriber: String?
    @Flag(help: "With -f: read the bookies from this process instead of following through a write proxy.") var direct = false

    var outputMode: RecordOutputMode { json ? .json : output }

    func validate() throws {
        if json && output != .lines && output != .json { throw ValidationError("--json and --output \(output.rawValue) disagree") }
        if format != nil && outputMode != .lines { throw ValidationError("--format prints lines: it cannot be combined with --output \(outputMode.rawValue)") }
        if outputMode == .raw && (count ?? 1) != 1 {
            throw ValidationError("--output raw prints one record (use --output length-prefixed for more)")
        }
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
    }

    private static func waitUntilCreated(_ log: LogName, store: any MetadataStore) async throws {
        let catalog = LogCatalog(store: store)
        let created = try await store.watch(log.path)
        var events = created.makeAsyncIterator()
        while try await !catalog.exists(log) { _ = await events.next() }
    }

    func run() async throws {
        let options = self
        try await reportingErrors(timeout: nil) {
            let from = try LogPosition(parsing: options.from)
            let template = try options.format.map { try RecordTemplate(parsing: $0) }
            if let subscriber = options.subscriber {
                do { try LogName.validate(subscriber) } catch { throw CommandFailure(.usage, "--subscriber: \(error)") }
            }
            // No session: a reader creates no ephemeral node, and a thousand followers starting at
            // once do not queue on the embedded store's write lock (or starve the servers' renewals).
            try await options.cluster.withStore(sessionless: true) { store in
                let following = options.follow && !options.exitAtEnd
                if following {
                    // A follower may wait long between records: it ends as soon as its reader goes.
                    StandardOutput.endWhenReaderGoes()
                    // Following a log that does not exist yet: wait for it to be created. The
                    // watch ends with this block (an idle follower polls nothing).
                    try await Self.waitUntilCreated(options.log, store: store)
                }
                let subscriptions = LogSubscriptions(store: store)
                var start = from.readerStart
                if let subscriber = options.subscriber,
                   let committed = try await subscriptions.committed(options.log, subscriber: subscriber) {
                    start = .after(committed)
                }
                let connections = BookieConnections()
                let reader: any RecordSource
                var follower: (ProxyLogFollower, ProxyClient)?
                // Following through a proxy, the loop below runs on its connection's event loop: a
                // pushed batch is printed in the turn that read it (one thread woken per batch).
                var executor: EventLoopTaskExecutor?
                if following, !options.direct, try await ProxiedRequest.available(store) {
                    let loop = EventLoopTaskExecutor()
                    executor = loop
                    let client = ProxyClient(store: store, group: loop.eventLoop)
                    let proxied = ProxyLogFollower(log: options.log.description, client: client, from: start,
                                                   reconnectTimeout: options.cluster.commandTimeout)
                    follower = (proxied, client)
                    reader = proxied
                } else {
                    reader = try await LogReader(options.log, store: store, connections: connections, from: start, follow: following)
                }
                var printed = 0
                var lastPrinted: DLSN?
                // Output is buffered while records are at hand and written out as soon as the
                // reader has to wait, so a follower sees each record promptly.
                var output = Data()
                let mode = options.outputMode
                let limit = mode == .raw ? 1 : options.count
                func writeOut() async throws {
                    StandardOutput.write(output)
                    StandardOutput.flush()
                    output.removeAll(keepingCapacity: true)
                    if let subscriber = options.subscriber, let lastPrinted {
                        try await subscriptions.commit(options.log, subscriber: subscriber, dlsn: lastPrinted)
                    }
                }
                try await withTaskExecutorPreference(executor) {
                    reading: while let batch = try await reader.nextBatch() {
                        for record in batch {
                            if let template {
                                template.render(record, into: &output)
                            } else {
                                try RecordEnvelope.append(record, as: mode, to: &output)
                            }
                            printed += 1
                            lastPrinted = record.dlsn
                            if let limit, printed >= limit { break reading }
                            if output.count >= 64 * 1024 { try await writeOut() }
                        }
                        if !reader.hasBufferedRecords { try await writeOut() }
                    }
                }
                try await writeOut()
                if let (proxied, client) = follower {
                    proxied.close()
                    await client.close()
                }
                await connections.closeAll()
            }
        }
    }
}
