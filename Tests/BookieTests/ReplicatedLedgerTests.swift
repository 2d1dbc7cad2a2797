import DLCore
import Foundation
import Synchronization
import Testing
import TestSupport

/// Replicated ledgers on real bookie processes: kill -9 during writes, recovery with a frozen
/// bookie, fencing of a zombie writer, concurrent recoverers.
@Suite(.serialized) struct ReplicatedLedgerTests {
    /// Rounds of the kill-and-restart chaos test: a few in CI, more by hand
    /// (DLCTL_CHAOS_ROUNDS=10 swift test --filter ReplicatedLedgerTests).
    static let rounds = Int(ProcessInfo.processInfo.environment["DLCTL_CHAOS_ROUNDS"] ?? "") ?? 2

    static func startCluster(_ count: Int) async throws -> LocalBookies {
        let cluster = try await LocalBookies()
        for index in 0..<count { try await cluster.start("b\(index)") }
        return cluster
    }

    static func store(_ cluster: LocalBookies) async throws -> any MetadataStore {
        try await MetadataURI(parsing: cluster.metadataURI).open()
    }

    static func name(of bookie: String, in cluster: LocalBookies, count: Int) -> String {
        (0..<count).map { "b\($0)" }.first { cluster.address($0) == bookie }!
    }

    /// Appends `count` entries (payload = "tag-i") with `window` in flight; calls `onAck` with
    /// the running acknowledgement count; returns acknowledged ids in completion order and the
    /// first failure.
    static func write(_ writer: LedgerWriter, count: Int, tag: String, window: Int = 2000,
                      onAck: @escaping @Sendable (Int) -> Void = { _ in }) async -> (acked: [Int64], failure: LedgerError?) {
        let acked = Locked<[Int64]>([])
        let failure = Locked<LedgerError?>(nil)
        for index in 0..<count {
            await writer.waitUntilAccepting()
            writer.appendAsync(Array("\(tag)-\(index)".utf8)) { result in
                switch result {
                case let .success(id):
                    let n = acked.withLock { $0.append(id); return $0.count }
                    onAck(n)
                case let .failure(error):
                    failure.withLock { if $0 == nil { $0 = error } }
                }
            }
        }
        _ = try? await writer.close()
        return (acked.withLock { $0 }, failure.withLock { $0 })
    }

    @Test func killNineOfABookieDuringAWriteLosesNothingAcknowledged() async throws {
        try #require(Binaries.dlctlExists)
        let cluster = try await Self.startCluster(4)
        let store = try await Self.store(cluster)
        let connections = BookieConnections()
        for round in 0..<Self.rounds {
            // A loaded 2-core CI machine runs this debug build slowly: a generous add timeout keeps
            // slowness from being taken for a failure.
            let writer = try await LedgerWriter.create(store: store, connections: connections, ensembleSize: 3, writeQuorum: 3,
                                                       ackQuorum: 2, addTimeout: .seconds(30))
            let victim = Self.name(of: writer.ensemble[round % 3], in: cluster, count: 4)
            let killed = Atomic<Bool>(false)
            let count = 100_000
            let (acked, failure) = await Self.write(writer, count: count, tag: "r\(round)", window: 1000) { n in
                if n >= 20_000 && !killed.exchange(true, ordering: .relaxed) { cluster.processes[victim]?.kill(SIGKILL) }
            }
            #expect(failure == nil, "round \(round), victim \(cluster.address(victim)), ensemble \(writer.ensemble): \(String(describing: failure))")
            let inOrder = acked.elementsEqual(0..<Int64(count))
            #expect(inOrder, "round \(round): \(acked.count) acknowledgements; in order, each once: \(inOrder)")
            let reader = try await LedgerReader.open(store: store, connections: connections, ledgerId: writer.ledgerId)
            #expect(reader.metadata.state == .closed)
            #expect(reader.metadata.lastEntryId == Int64(count - 1))
            #expect(reader.metadata.ensembles.count >= 2, "round \(round): the metadata shows the ensemble change")
            var next: Int64 = 0
            while next < Int64(count) {
                let batch = try await reader.read(from: next, through: min(Int64(count) - 1, next + 499))
                for entry in batch {
                    #expect(entry.payload == Array("r\(round)-\(entry.entryId)".utf8))
                }
                next += 500
            }
            // Restart the killed bookie for the next round.
            await cluster.kill(victim)
            try await cluster.start(victim)
        }
        await connections.closeAll()
        await store.close()
    }

    @Test func recoveryCompletesWithAFrozenBookie() async throws {
        try #require(Binaries.dlctlExists)
        let cluster = try await Self.startCluster(3)
        let store = try await Self.store(cluster)
        let connections = BookieConnections()
        let writer = try await LedgerWriter.create(store: store, connections: connections, ensembleSize: 3, writeQuorum: 3, ackQuorum: 2)
        var lastAcked: Int64 = -1
        for index in 0..<500 { lastAcked = try await writer.append(Array("entry-\(index)".utf8)) }
        // The writer dies without closing; one bookie hangs.
        let frozen = Self.name(of: writer.ensemble[1], in: cluster, count: 3)
        cluster.processes[frozen]?.kill(SIGSTOP)
        defer { cluster.processes[frozen]?.kill(SIGCONT) }
        let recovering = ContinuousClock.now
        let outcome = try await LedgerRecovery.recover(store: store, connections: BookieConnections(), ledgerId: writer.ledgerId,
                                                       timeout: .seconds(60))
        #expect(outcome.lastEntryId == lastAcked, "recovered \(outcome.lastEntryId), acknowledged \(lastAcked)")
        #expect(ContinuousClock.now - recovering < .seconds(30))
        let reader = try await LedgerReader.open(store: store, connections: connections, ledgerId: writer.ledgerId)
        #expect(reader.metadata.state == .closed)
        let entries = try await reader.read(from: 0, through: outcome.lastEntryId)
        let intact = entries.map(\.payload) == (0...Int(lastAcked)).map { Array("entry-\($0)".utf8) }
        #expect(intact, "\(entries.count) entries read back")
        await connections.closeAll()
        await store.close()
    }

    @Test func fencingStopsAZombieWriterAndConcurrentRecoverersAgree() async throws {
        try #require(Binaries.dlctlExists)
        let cluster = try await Self.startCluster(3)
        let store = try await Self.store(cluster)
        let connections = BookieConnections()
        let writerA = try await LedgerWriter.create(store: store, connections: connections, ensembleSize: 3, writeQuorum: 3, ackQuorum: 2)
        for index in 0..<100 { try await writerA.append(Array("a-\(index)".utf8)) }
        // Two recoverers at once, as a new writer and an operator might.
        async let first = LedgerRecovery.recover(store: store, connections: BookieConnections(), ledgerId: writerA.ledgerId)
        async let second = LedgerRecovery.recover(store: store, connections: BookieConnections(), ledgerId: writerA.ledgerId)
        let (one, two) = try await (first, second)
        #expect(one.lastEntryId == 99 && two.lastEntryId == 99)
        #expect(one.length == two.length)
        #expect([one.closedByThisRecovery, two.closedByThisRecovery].filter { $0 }.count <= 1)
        // The zombie writer resumes: its adds are refused as fenced.
        do {
            try await writerA.append(Array("late".utf8))
            Issue.record("a fenced writer's add was acknowledged")
        } catch {
            #expect(error == .fenced(writerA.ledgerId), "\(error)")
        }
        let metadata = try LedgerMetadata(decoding: try await store.get(ClusterLayout.ledgerPath(writerA.ledgerId)).data)
        #expect(metadata.state == .closed && metadata.lastEntryId == 99)
        await connections.closeAll()
        await store.close()
    }
}
