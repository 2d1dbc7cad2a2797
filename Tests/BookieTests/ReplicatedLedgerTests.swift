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

    /// 3/3/2 on three bookies, restarted one after the other (a rolling restart): with no
    /// bookie outside the ensemble, the writer goes on without each one while it is down and
    /// takes it back once it answers again (a new fragment listing it), so the next restart
    /// never leaves it short of an ack quorum. Entries after the last return are on all three.
    @Test func aRollingRestartOfEveryBookieKeepsTheWriterAlive() async throws {
        try #require(Binaries.dlctlExists)
        let cluster = try await Self.startCluster(3)
        let store = try await Self.store(cluster)
        let connections = BookieConnections()
        let writer = try await LedgerWriter.create(store: store, connections: connections, ensembleSize: 3, writeQuorum: 3,
                                                   ackQuorum: 2, addTimeout: .seconds(30))
        var next = 0
        func append(_ count: Int) async throws {
            for _ in 0..<count {
                _ = try await writer.append(Array("entry-\(next)".utf8))
                next += 1
            }
        }
        func fragments() async throws -> [LedgerMetadata.Ensemble] {
            try LedgerMetadata(decoding: try await store.get(ClusterLayout.ledgerPath(writer.ledgerId)).data).ensembles
        }
        try await append(200)
        for member in writer.ensemble {
            let name = Self.name(of: member, in: cluster, count: 3)
            await cluster.kill(name)
            try await append(200)
            let before = try await fragments().count
            try await cluster.start(name)
            let back = try await waitUntil(timeout: .seconds(30)) {
                let now = try await fragments()
                return now.count > before && now.last!.bookies.contains(member)
            }
            let now = try await fragments()
            #expect(back, "\(member) takes entries again after its restart: \(now)")
            try await append(200)
        }
        let last = try await writer.close()
        #expect(last.lastEntryId == Int64(next - 1))
        let reader = try await LedgerReader.open(store: store, connections: connections, ledgerId: writer.ledgerId)
        let entries = try await reader.read(from: 0, through: Int64(next - 1))
        #expect(entries.map(\.payload) == (0..<next).map { Array("entry-\($0)".utf8) }, "every entry, in order")
        // The last entry is on every member: each returned bookie took it.
        let key = try #require(LedgerKey.parse(reader.metadata.ledgerKeyHex))
        for name in ["b0", "b1", "b2"] {
            let answer = try await cluster.client(name).send(.read(ledgerId: writer.ledgerId, entryId: Int64(next - 1), fence: false,
                                                                   ledgerKey: key))
            guard case let .read(status, _, _, entry) = answer else { Issue.record("\(name): \(answer)"); continue }
            #expect(status == .ok && entry?.payload == Array("entry-\(next - 1)".utf8), "\(name): \(status)")
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

    /// A zombie whose metadata session is gone and whose bookie failed while it was paused is
    /// still told the first cause: a recovery fenced its ledger (not "could not be replaced:
    /// session expired").
    @Test func aZombieWhoseSessionAndBookieFailedIsToldItWasFenced() async throws {
        try #require(Binaries.dlctlExists)
        let cluster = try await Self.startCluster(3)
        let writerStore = try await Self.store(cluster)
        let store = try await Self.store(cluster)
        let connections = BookieConnections()
        let writer = try await LedgerWriter.create(store: writerStore, connections: connections, ensembleSize: 3, writeQuorum: 3,
                                                   ackQuorum: 2)
        for index in 0..<10 { try await writer.append(Array("a-\(index)".utf8)) }
        _ = try await LedgerRecovery.recover(store: store, connections: BookieConnections(), ledgerId: writer.ledgerId)
        // While it was paused: its session ended, and one of its bookies died.
        await writerStore.close()
        let dead = Self.name(of: writer.ensemble[0], in: cluster, count: 3)
        await cluster.kill(dead)
        do {
            try await writer.append(Array("late".utf8))
            Issue.record("a fenced writer's add was acknowledged")
        } catch {
            #expect(error == .fenced(writer.ledgerId), "\(error)")
        }
        await connections.closeAll()
        await store.close()
    }
}

/// Entries written to fewer than Qa bookies, and a zombie writer process.
@Suite(.serialized) struct LedgerRecoveryEdgeTests {
    @Test func underReplicatedEntriesAreRecoveredOrCutAndReadersAgree() async throws {
        try #require(Binaries.dlctlExists)
        let cluster = try await ReplicatedLedgerTests.startCluster(3)
        let store = try await ReplicatedLedgerTests.store(cluster)
        let connections = BookieConnections()
        for (extraOnOneBookie, expectedLast) in [(10, Int64(10)), (11, Int64(9))] {
            let writer = try await LedgerWriter.create(store: store, connections: connections, ensembleSize: 3, writeQuorum: 3, ackQuorum: 2)
            for index in 0..<10 { try await writer.append(Array("e-\(index)".utf8)) }
            // The writer "sent" one more entry that reached a single bookie, then died.
            // With entry 10 on one bookie it is recovered; with only entry 11 there, 10 is
            // missing everywhere and the ledger is cut at 9.
            let metadata = try LedgerMetadata(decoding: try await store.get(ClusterLayout.ledgerPath(writer.ledgerId)).data)
            let key = LedgerKey.parse(metadata.ledgerKeyHex)!
            let partial = StoredEntry(ledgerId: writer.ledgerId, entryId: Int64(extraOnOneBookie), lastAddConfirmed: 9,
                                      length: 1000, payload: Array("partial".utf8))
            let lonely = try await connections.client(metadata.ensembles[0].bookies[0])
            #expect(try await lonely.send(.add(ledgerKey: key, entry: partial, recovery: false)).status == .ok)
            let outcome = try await LedgerRecovery.recover(store: store, connections: BookieConnections(), ledgerId: writer.ledgerId)
            #expect(outcome.lastEntryId == expectedLast)
            // Every reader, from any replica, now sees the same end.
            let reader = try await LedgerReader.open(store: store, connections: BookieConnections(), ledgerId: writer.ledgerId)
            #expect(await reader.lastAddConfirmed() == expectedLast)
            // The recovered last entry is on at least an ack quorum of its replicas.
            var holders = 0
            for bookie in metadata.ensembles[0].bookies {
                let client = try await connections.client(bookie)
                let last = try await client.send(.read(ledgerId: writer.ledgerId, entryId: expectedLast, fence: false, ledgerKey: key))
                if last.status == .ok { holders += 1 }
            }
            #expect(holders >= metadata.ackQuorum, "only \(holders) replicas hold the recovered last entry")
            let entries = try await reader.read(from: 0, through: expectedLast)
            #expect(entries.count == Int(expectedLast + 1))
        }
        await connections.closeAll()
        await store.close()
    }

    @Test func aFrozenWriterProcessIsFencedWhenItResumes() async throws {
        try #require(Binaries.dlctlExists)
        let cluster = try await ReplicatedLedgerTests.startCluster(3)
        let writer = try ChildProcess(Binaries.dlctl, ["ledger", "write", "--ensemble", "3", "--write-quorum", "3",
                                                        "--ack-quorum", "2", "--print-id", "--uri", cluster.metadataURI])
        #expect(await writer.waitForOutput(containing: "\n", timeout: 30))
        let ledgerId = try #require(Int64(writer.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        let stdin = writer.stdinHandle
        for index in 0..<500 { stdin.write(Data("line-\(index)\n".utf8)) }
        // Wait until the writer's entries are on the bookies, then freeze it mid-stream.
        let store = try await ReplicatedLedgerTests.store(cluster)
        // (A try that fails, a connect timing out on a loaded machine, is tried again.)
        let stored = await waitUntil(timeout: .seconds(30)) {
            guard let reader = try? await LedgerReader.open(store: store, connections: BookieConnections(), ledgerId: ledgerId)
            else { return false }
            return (try? await reader.read(499)) != nil
        }
        #expect(stored)
        writer.kill(SIGSTOP)
        let recovery = try await ChildProcess.run(Binaries.dlctl, ["ledger", "recover", "\(ledgerId)", "--uri", cluster.metadataURI])
        #expect(recovery.status == 0, "\(recovery.stderr)")
        let closed = try LedgerMetadata(decoding: try await store.get(ClusterLayout.ledgerPath(ledgerId)).data)
        #expect(closed.state == .closed)
        writer.kill(SIGCONT)
        for index in 500..<600 { stdin.write(Data("line-\(index)\n".utf8)) }
        writer.closeStdin()
        let status = await writer.waitForExit(timeout: 60)
        #expect(status == 3, "the resumed writer must fail as fenced: \(writer.stderr)")
        #expect(writer.stderr.contains("fenced"), "\(writer.stderr)")
        // The ledger is exactly what recovery closed: nothing the zombie sent later.
        let after = try LedgerMetadata(decoding: try await store.get(ClusterLayout.ledgerPath(ledgerId)).data)
        #expect(after == closed)
        let entries = try await LedgerReader.open(store: store, connections: BookieConnections(), ledgerId: ledgerId)
            .read(from: 0, through: closed.lastEntryId)
        #expect(entries.enumerated().allSatisfy { $0.element.payload == Array("line-\($0.offset)".utf8) })
        await store.close()
    }
}
