import ArgumentParser
import DLCore
import Foundation

struct WriteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "write",
        abstract: "Append records to a log: from standard input (one per line by default), or the given ones.",
        discussion: """
            Prints the last DLSN (with --acks, each record's DLSN as it is acknowledged); exits 0 only when every \
            record was acknowledged by an ack quorum. Creates the \
            log if needed. Input modes: lines, raw (all of the input is one record), length-prefixed (4-byte \
            big-endian length, then the bytes), json (one object per line, the line is the payload), json-envelope (what 'tail --output json' prints: \
            the payload decoded as its encoding says, the txid taken from it). Txids are \
            assigned (one past the last) unless --txid-field, --txid-delimiter or --txid-clock says otherwise; \
            a txid lower than the last is refused and nothing after it is written.

            When the cluster has write proxies (dlctl proxy list), the records go through the log's owning proxy: \
            any number of writers can append to one log at once, into the same segment, and a write retried after a \
            lost answer is never appended twice. --timeout bounds each write there (redirects and a failover \
            included; 30 s unless given, which outlasts a failed owner's session and a burst of clients on a busy machine). --direct makes this process the log's writer instead (it takes the lock: --lock-timeout, \
            --codec, --roll-size and --roll-interval apply only then; a proxy has its own, see 'dlctl proxy start').
            """
    )

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "NAMESPACE/LOG", completion: LiveNames.completion(.logs), transform: LogArgument.parse) var log: LogName
    @Argument(help: "Records to write instead of reading standard input.") var records: [String] = []
    @Option(help: "How standard input is split into records: lines, raw, length-prefixed or json.")
    var input: RecordInputMode = .lines
    @Option(name: .customLong("txid-field"), help: "json input: the integer field holding each record's txid.")
    var txidField: String?
    @Option(name: .customLong("txid-delimiter"), help: "lines input: each line is TXID, this character, then the payload.")
    var txidDelimiter: String?
    @Flag(name: .customLong("txid-clock"), help: "Assign txids from the wall clock (milliseconds since the epoch).")
    var txidClock = false
    @Option(name: .customLong("lock-timeout"), help: "Seconds to wait for another writer's lock.") var lockTimeout: Seconds = 30
    @Flag(help: "Send each record as its own entry at once (no batching).") var immediate = false
    @Flag(help: "Be the log's writer in this process instead of going through a write proxy.") var direct = false
    @Option(help: "Compression of record sets: none or lz4.") var codec = "none"
    @Option(name: .customLong("roll-size"), help: "Roll to a new segment after this many MiB.") var rollSize = 1024
    @Option(name: .customLong("roll-interval"), help: "Roll to a new segment after this many seconds.") var rollInterval: Seconds = 7200
    @Flag(help: ArgumentHelp("Print each record's DLSN as soon as it is acknowledged (instead of the last DLSN at the end).",
                             discussion: "One line per record, in the order the acknowledgements come: its line number in the input (records given as arguments: their place, from 1), a tab, its DLSN. Each line is written at once, so a process killed later has printed every acknowledgement it received."))
    var acks = false

    func validate() throws {
        if txidField != nil && input != .json { throw ValidationError("--txid-field needs --input json") }
        if let txidDelimiter, txidDelimiter.utf8.count != 1 || input != .lines {
            throw ValidationError("--txid-delimiter takes one ASCII character and needs --input lines")
        }
        if txidClock && (txidField != nil || txidDelimiter != nil) {
            throw ValidationError("--txid-clock cannot be combined with --txid-field or --txid-delimiter")
        }
        if rollSize <= 0 || rollInterval.value == 0 { throw ValidationError("--roll-size and --roll-interval must be positive") }
        if CompressionCodec(name: codec) == nil { throw ValidationError("unknown codec \(codec) (none or lz4)") }
    }

    func run() async throws {
        let options = self
        try await reportingErrors(timeout: nil) {
            // Through a proxy this process needs no metadata session (nor the write it costs).
            let proxied = try await options.cluster.withStore(sessionless: true) { store -> Bool in
                let catalog = LogCatalog(store: store)
                if try await !catalog.exists(options.log) {
                    do { try await catalog.createLog(options.log) } catch LogError.logExists {}
                }
                guard !options.direct, try await !ProxyRegistration.all(in: store).isEmpty else { return false }
                let client = ProxyClient(store: store)
                let writer = ProxyLogWriter(log: options.log.description, client: client, timeout: options.cluster.proxiedWriteTimeout,
                                            flushInterval: options.immediate ? .zero : .milliseconds(2))
                let last: DLSN?
                do { last = try await options.pump(into: writer) } catch {
                    await client.close()
                    throw error
                }
                await client.close()
                if !options.acks { print(last?.description ?? "no records written") }
                return true
            }
            if proxied { return }
            try await options.cluster.withStore { store in
                let connections = BookieConnections()
                let writer = try await LogWriter.open(options.log, store: store, connections: connections,
                                                      options: options.writerOptions)
                let last = try await options.pump(into: writer)
                await connections.closeAll()
                if !options.acks { print(last?.description ?? "no records written") }
            }
        }
    }

    var writerOptions: LogWriter.Options {
        var writerOptions = LogWriter.Options()
        writerOptions.lockTimeout = lockTimeout.duration
        if immediate { writerOptions.flushInterval = .zero }
        writerOptions.codec = CompressionCodec(name: codec) ?? .none
        writerOptions.rollBytes = Int64(rollSize) << 20
        writerOptions.rollInterval = rollInterval.duration
        return writerOptions
    }

    /// Queues every input record in order, then closes the writer: returns the last DLSN once
    /// all are acknowledged, or throws the first failure (what was acknowledged stays).
    private func pump(into writer: some LogAppender) async throws -> DLSN? {
        let failure = Locked<(any Error)?>(nil)
        let last = Locked<DLSN?>(nil)
        let acknowledged = Locked(0)
        let printsAcks = acks
        /// The completion of input record `number`.
        func completion(_ number: Int) -> LogWriter.Completion {
            { result in
                switch result {
                case let .success(dlsn):
                    acknowledged.withLock { $0 += 1 }
                    last.withLock { current in if current.map({ $0 < dlsn }) ?? true { current = dlsn } }
                    if printsAcks {
                        // Handed over at once: a process killed later has printed every acknowledgement it had.
                        StandardOutput.write("\(number)\t\(dlsn)\n")
                        StandardOutput.flush()
                    }
                case let .failure(error): failure.withLock { if $0 == nil { $0 = error } }
                }
            }
        }
        var clock: Int64 = 0
        func txid(for record: InputRecord) -> Int64? {
            guard txidClock else { return record.txid }
            clock = max(clock, Int64(Date().timeIntervalSince1970 * 1000))
            return clock
        }
        // The input record being queued: a failure to queue it is that record's.
        var current: String?
        let unit = input == .lines || input == .json || input == .jsonEnvelope ? "line" : "record"
        do {
            if records.isEmpty {
                let input = RecordInput(mode: input, txidField: txidField, txidDelimiter: txidDelimiter?.utf8.first)
                reading: for try await batch in input.batches() {
                    for record in batch {
                        if failure.withLock({ $0 }) != nil { break reading }
                        current = "\(unit) \(record.number)"
                        try await writer.enqueue(record.payload, txid: txid(for: record), completion: completion(record.number))
                        current = nil
                    }
                }
            } else {
                for (index, record) in records.enumerated() {
                    current = "record \(index + 1)"
                    try await writer.enqueue(Array(record.utf8), txid: txid(for: InputRecord(payload: [])), completion: completion(index + 1))
                    current = nil
                }
            }
        } catch {
            // A malformed input names its line itself; an earlier record's failure is not this one's.
            if error is RecordInput.Malformed { current = nil }
            failure.withLock { if $0 == nil { $0 = error } else { current = nil } }
        }
        await writer.flush()
        let closing: (any Error)?
        do { _ = try await writer.close(); closing = nil } catch { closing = error }
        if let error = failure.withLock({ $0 }) ?? closing {
            throw WriteFailure(cause: error, record: current, acknowledged: acknowledged.withLock { $0 }, last: last.withLock { $0 })
        }
        return last.withLock { $0 }
    }
}
