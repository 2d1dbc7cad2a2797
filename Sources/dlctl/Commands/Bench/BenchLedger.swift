import ArgumentParser
import DLCore
import Foundation

struct BenchLedger: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "Replicated ledger writes: one-in-flight latency, pipelined entries/s, recovery time, ensemble-change stall.",
        discussion: """
            Uses the cluster's bookies with E/Qw/Qa (default 3/3/2); each workload starts once every bookie's \
            write cache is checkpointed (unless --no-wait-idle). With --kill-a-bookie it then runs the pipelined \
            workload again on a new ledger, kills (SIGKILL) one ensemble member a third of the way in and reports the \
            longest pause between acknowledgements (needs more bookies than the ensemble; a sandbox restarts the \
            killed one).
            """
    )

    @OptionGroup var cluster: ClusterOptions
    @OptionGroup var quorum: QuorumOptions
    @Option(name: .customLong("latency-entries"), help: "Entries for the one-in-flight run.") var latencyEntries = 3000
    @Option(name: .customLong("pipelined-entries"), help: "Entries for the pipelined run.") var pipelinedEntries = 100_000
    @Option(help: "Entries in flight in the pipelined run.") var window = 5000
    @Option(name: .customLong("recovery-entries"), help: "Entries in the ledger whose writer dies before recovery.") var recoveryEntries = 10_000
    @Option(name: .customLong("entry-size"), help: "Payload bytes.") var entrySize = 100
    @Flag(name: .customLong("kill-a-bookie"), help: "Kill an ensemble bookie during the pipelined run.") var killABookie = false
    @Flag(inversion: .prefixedNo, help: "Wait for every bookie's write cache to be checkpointed before each workload.")
    var waitIdle = true
    @Option(name: .shortAndLong, help: "Output format: table or json.") var output: OutputFormat = .table

    struct Result: Encodable {
        var quorum: String
        var latency: LatencySummary
        var pipelined: LatencySummary
        var recoverySeconds: Double
        var recoveredLastEntry: Int64
        var ensembleChangeStallMillis: Double?
    }

    func run() async throws {
        let options = self
        try await reportingErrors(timeout: nil) {
            let result = try await options.cluster.withStore { store -> Result in
                let connections = BookieConnections()
                defer { Task { await connections.closeAll() } }
                let payload = [UInt8](repeating: 0x61, count: options.entrySize)
                func writer() async throws -> LedgerWriter {
                    try await LedgerWriter.create(store: store, connections: connections, ensembleSize: options.quorum.ensemble,
                                                  writeQuorum: options.quorum.writeQuorum, ackQuorum: options.quorum.ackQuorum,
                                                  customMetadata: ["purpose": "bench"], maxOutstanding: options.window)
                }
                try await options.start("latency: \(options.latencyEntries) entries, one in flight", store: store)
                let first = try await writer()
                var samples: [UInt64] = []
                let latencyStart = MonotonicClock.nanos()
                for _ in 0..<options.latencyEntries {
                    let start = MonotonicClock.nanos()
                    try await first.append(payload)
                    samples.append(MonotonicClock.nanos() - start)
                }
                let latency = LatencySummary(nanos: samples, elapsedNanos: MonotonicClock.nanos() - latencyStart)
                try await first.close()

                try await options.start("pipelined: \(options.pipelinedEntries) entries, \(options.window) in flight", store: store)
                let second = try await writer()
                let (pipelined, _) = try await options.pipelined(second, payload: payload, killAt: nil, store: store)
                try await second.close()
                var stall: Double?
                var ledgers = [first.ledgerId, second.ledgerId]
                if options.killABookie {
                    try await options.start("ensemble change: the pipelined run again, one bookie killed a third of the way in",
                                            store: store)
                    let changing = try await writer()
                    (_, stall) = try await options.pipelined(changing, payload: payload, killAt: changing.ensemble.first,
                                                             store: store)
                    try await changing.close()
                    ledgers.append(changing.ledgerId)
                }

                options.progress("recovery: \(options.recoveryEntries) entries, writer abandoned")
                let third = try await writer()
                for _ in 0..<options.recoveryEntries {
                    await third.waitUntilAccepting()
                    third.appendAsync(payload) { _ in }
                }
                while third.lastAddConfirmed < Int64(options.recoveryEntries - 1) { await Task.yield() }
                let recoveryStart = MonotonicClock.nanos()
                let outcome = try await LedgerRecovery.recover(store: store, connections: BookieConnections(), ledgerId: third.ledgerId)
                let recoverySeconds = Double(MonotonicClock.nanos() - recoveryStart) / 1e9
                for id in ledgers + [third.ledgerId] {
                    try? await store.delete(ClusterLayout.ledgerPath(id), expectedVersion: nil)
                }
                return Result(quorum: "\(options.quorum.ensemble)/\(options.quorum.writeQuorum)/\(options.quorum.ackQuorum)",
                              latency: latency, pipelined: pipelined, recoverySeconds: recoverySeconds,
                              recoveredLastEntry: outcome.lastEntryId, ensembleChangeStallMillis: stall)
            }
            switch options.output {
            case .json: try JSONOutput.print(result)
            case .table:
                print(LatencySummary.header)
                print(result.latency.row("ledger \(result.quorum), 1 in flight"))
                print(result.pipelined.row("ledger \(result.quorum), \(options.window) in flight"))
                print(String(format: "recovery of %d entries: %.3f s (last entry %lld)", options.recoveryEntries,
                             result.recoverySeconds, result.recoveredLastEntry))
                if let stall = result.ensembleChangeStallMillis {
                    print(String(format: "ensemble change: longest pause between acknowledgements %.1f ms", stall))
                }
            }
        }
    }

    private func progress(_ text: String) {
        if output == .table { StandardError.write("running \(text)...\n") }
    }

    /// Starts a workload: once every available bookie is idle (unless --no-wait-idle).
    private func start(_ text: String, store: any MetadataStore) async throws {
        if waitIdle {
            try await IdleBookies.waitForAvailable(in: store, cluster: cluster)
        }
        progress(text)
    }

    /// Appends with a window; records each add's latency and the longest gap between
    /// consecutive acknowledgements (the stall a bookie failure causes).
    private func pipelined(_ writer: LedgerWriter, payload: [UInt8], killAt victim: String?, store: any MetadataStore)
        async throws -> (LatencySummary, Double?)
    {
        struct Progress {
            var samples: [UInt64] = []
            var lastAck: UInt64 = 0
            var longestGap: UInt64 = 0
            var failure: LedgerError?
        }
        let state = Locked(Progress())
        let start = MonotonicClock.nanos()
        state.withLock { $0.lastAck = start }
        var killed = false
        for index in 0..<pipelinedEntries {
            if let victim, !killed, index == pipelinedEntries / 3 {
                killed = true
                if let node = try await store.getIfExists(BookieRegistration.path(victim, .available)) {
                    let pid = try BookieRegistration(decoding: node.data).pid
                    kill(pid, SIGKILL)
                }
            }
            await writer.waitUntilAccepting()
            let sent = MonotonicClock.nanos()
            writer.appendAsync(payload) { result in
                let now = MonotonicClock.nanos()
                state.withLock { s in
                    switch result {
                    case .success:
                        s.samples.append(now - sent)
                        s.longestGap = max(s.longestGap, now - s.lastAck)
                        s.lastAck = now
                    case let .failure(error):
                        if s.failure == nil { s.failure = error }
                    }
                }
            }
        }
        while writer.lastAddConfirmed < Int64(pipelinedEntries - 1) && state.withLock({ $0.failure == nil }) {
            await Task.yield()
        }
        if let failure = state.withLock({ $0.failure }) { throw failure }
        let (samples, gap) = state.withLock { ($0.samples, $0.longestGap) }
        return (LatencySummary(nanos: samples, elapsedNanos: MonotonicClock.nanos() - start),
                victim == nil ? nil : Double(gap) / 1e6)
    }
}
