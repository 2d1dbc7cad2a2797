import Bookie
import DLCore
import Foundation
import Testing
import TestSupport

extension PowerLossSuites {
    /// Crash points at named stages of a bookie's work (`CrashStage`): each round arms one
    /// stage's n-th file operation, runs adds, fences, a checkpoint, an autorecovery copy and a
    /// garbage collection with compaction, and the power goes off at that operation (or at the
    /// end of the round when the stage had fewer). The bookie restarts from what its disk kept;
    /// every acknowledged entry of a ledger not deleted must read back exactly, never "no such
    /// entry" or "no such ledger", and every acknowledged fence must hold.
    ///
    /// Points: DLCTL_CRASH_POINTS (CI: 100); seed: DLCTL_CRASH_POINT_SEED.
    @Suite("Crash points", .serialized)
    struct CrashPointTests {
        static var points: Int { Int(ProcessInfo.processInfo.environment["DLCTL_CRASH_POINTS"] ?? "") ?? 100 }
        static var seed: UInt64 { UInt64(ProcessInfo.processInfo.environment["DLCTL_CRASH_POINT_SEED"] ?? "") ?? 20261207 }
        /// Rounds per bookie data directory: a fresh one after that many keeps restarts short.
        static let roundsPerBookie = 25
        static let key = Array("crash-point-key".utf8)

        struct Tally {
            var reached: [CrashStage: Int] = [:]
            var endOfRound: [CrashStage: Int] = [:]
            var acknowledged = 0, copied = 0, readBack = 0, fencesChecked = 0, ledgersCollected = 0
            var rounds: Int { reached.values.reduce(0, +) + endOfRound.values.reduce(0, +) }
        }

        @Test func acknowledgedEntriesSurviveCrashesAtEveryStage() async throws {
            var random = SeededGenerator(seed: Self.seed)
            var tally = Tally()
            /// Per stage, how many of its operations a whole round had (to draw the n-th from).
            var seen: [CrashStage: Int] = [:]
            var remaining = Self.points
            while remaining > 0 {
                let rounds = min(remaining, Self.roundsPerBookie)
                try await Self.run(rounds: rounds, seen: &seen, tally: &tally, using: &random)
                remaining -= rounds
            }
            #expect(tally.rounds == Self.points)
            #expect(tally.acknowledged > Self.points * 10, "too few entries acknowledged for the test to mean much")
            if Self.points >= 10 * CrashStage.allCases.count {
                let never = CrashStage.allCases.filter { tally.reached[$0, default: 0] == 0 }
                #expect(never.isEmpty, "stages never cut at: \(never)")
            }
            let stages = CrashStage.allCases.map { "\($0): \(tally.reached[$0, default: 0]) (+\(tally.endOfRound[$0, default: 0]) at the end)" }
            print("crash points: \(tally.rounds), seed \(Self.seed); by stage: \(stages.joined(separator: "; ")); "
                  + "\(tally.acknowledged) adds and \(tally.copied) copied entries acknowledged, \(tally.readBack) reads after restarts, "
                  + "all exact, no negative; \(tally.fencesChecked) fence checks held; \(tally.ledgersCollected) ledgers collected")
        }

        struct CrashPointFailure: Error, CustomStringConvertible { var description: String }

        /// Acknowledged entries of the ledgers still in metadata, and the fences to keep.
        struct Expected {
            var entries: [Int64: [Int64: [UInt8]]] = [:]
            var fenced = Set<Int64>()
            /// Ledgers an autorecovery copy wrote (closed: no other adds).
            var closed = Set<Int64>()
            var nextEntry: [Int64: Int64] = [:]
            var ledgers: [Int64] = []

            var writable: [Int64] { ledgers.filter { !fenced.contains($0) && !closed.contains($0) } }
        }

        /// One bookie through `rounds` crash points.
        static func run(rounds: Int, seen: inout [CrashStage: Int], tally: inout Tally, using random: inout SeededGenerator) async throws {
            let cluster = try await PowerLossCluster(bookies: 1)
            // Checkpoints only when a round asks (so each stage's operations come when armed); any
            // dropped ledger leaves its entry log below the compaction threshold.
            cluster.tune = { configuration in
                configuration.checkpointInterval = .seconds(3600)
                configuration.compactionThreshold = 0.99
                configuration.journal.fileSize = 64 * 1024
            }
            let disk = cluster.bookieDisks[0]
            let store = try await cluster.openStore()
            var expected = Expected()
            for _ in 0..<4 { try await Self.addLedger(&expected, store: store) }
            try await cluster.startBookie(0)

            for round in 0..<rounds {
                let stage = CrashStage.allCases.randomElement(using: &random)!
                let occurrence = Int.random(in: 0..<max(1, seen[stage] ?? 40), using: &random)
                let arm = { disk.circuit.cut(atOccurrence: occurrence, of: stage.matches) }
                if stage.armedAt == .start { arm() }
                let client = try await cluster.client(0)
                let node = try #require(cluster.nodes[0])

                tally.acknowledged += await Self.addBurst(&expected, client: client, using: &random)
                if Int.random(in: 0..<5, using: &random) == 0 { await Self.fenceOne(&expected, client: client, using: &random) }
                if !disk.circuit.isDown { try? node.checkpointNow() }
                tally.acknowledged += await Self.addBurst(&expected, client: client, using: &random)
                if stage.armedAt == .copy { arm() }
                tally.copied += await Self.copyBurst(&expected, store: store, client: client, using: &random)
                if stage.armedAt == .collection { arm() }
                if !disk.circuit.isDown, expected.ledgers.count > 2 {
                    let victim = expected.ledgers.randomElement(using: &random)!
                    try await store.delete(ClusterLayout.ledgerPath(victim), expectedVersion: nil)
                    expected.ledgers.removeAll { $0 == victim }
                    expected.entries[victim] = nil
                    expected.fenced.remove(victim)
                    expected.closed.remove(victim)
                    try? await node.collectGarbageNow()
                    tally.ledgersCollected += 1
                    try await Self.addLedger(&expected, store: store)
                }
                await client.close()

                if disk.circuit.cutAt != nil {
                    tally.reached[stage, default: 0] += 1
                } else {
                    tally.endOfRound[stage, default: 0] += 1
                    seen[stage] = disk.circuit.matched
                    disk.circuit.cutNow()
                }
                await cluster.stopBookie(0)
                try disk.recover(unsynced: Bool.random(using: &random) ? .someInOrder : .lost, using: &random)
                disk.circuit.restore()
                do { try await cluster.startBookie(0) } catch {
                    Issue.record("round \(round), crash at \(stage) #\(occurrence): the bookie does not restart: \(error)")
                    throw error
                }
                let check = try await Self.verify(expected, cluster: cluster, round: round, stage: stage, occurrence: occurrence)
                tally.readBack += check.reads
                tally.fencesChecked += check.fences
                // Fenced ledgers stay checked; writes go on in new ones.
                while expected.writable.count < 3 { try await Self.addLedger(&expected, store: store) }
            }
            await cluster.stopBookie(0)
            await store.close()
        }

        /// A new ledger with metadata (garbage collection drops ledgers without it).
        static func addLedger(_ expected: inout Expected, store: any MetadataStore) async throws {
            let id = try await LedgerIds.next(store)
            let metadata = LedgerMetadata(ensembleSize: 1, writeQuorum: 1, ackQuorum: 1, ensemble: ["crash-point"],
                                          ledgerKeyHex: "", createdAtMillis: 0)
            try await store.create(ClusterLayout.ledgerPath(id), data: metadata.encoded(), mode: .persistent)
            expected.ledgers.append(id)
        }

        static func entry(_ ledger: Int64, _ entryId: Int64, using random: inout SeededGenerator) -> StoredEntry {
            let payload = [UInt8](repeating: UInt8(truncatingIfNeeded: entryId &+ ledger), count: Int.random(in: 1..<3000, using: &random))
            return StoredEntry(ledgerId: ledger, entryId: entryId, lastAddConfirmed: entryId - 1, length: Int64(payload.count),
                               payload: payload)
        }

        /// Adds in flight on every writable ledger at once (journal groups carry several); the
        /// number acknowledged.
        static func addBurst(_ expected: inout Expected, client: BookieClient, using random: inout SeededGenerator) async -> Int {
            let writable = expected.writable
            guard !writable.isEmpty else { return 0 }
            var batch: [StoredEntry] = []
            for _ in 0..<Int.random(in: 10..<80, using: &random) {
                let ledger = writable.randomElement(using: &random)!
                let entryId = expected.nextEntry[ledger, default: 0]
                expected.nextEntry[ledger] = entryId + 1
                batch.append(Self.entry(ledger, entryId, using: &random))
            }
            return await Self.send(batch, recovery: false, to: client, into: &expected)
        }

        /// An autorecovery worker's copy into this bookie: recovery adds of a closed ledger's
        /// entries, in flight together.
        static func copyBurst(_ expected: inout Expected, store: any MetadataStore, client: BookieClient,
                              using random: inout SeededGenerator) async -> Int {
            do { try await Self.addLedger(&expected, store: store) } catch { return 0 }
            let ledger = expected.ledgers.last!
            expected.closed.insert(ledger)
            let count = Int64.random(in: 5..<60, using: &random)
            let batch = (0..<count).map { Self.entry(ledger, $0, using: &random) }
            expected.nextEntry[ledger] = count
            return await Self.send(batch, recovery: true, to: client, into: &expected)
        }

        static func send(_ batch: [StoredEntry], recovery: Bool, to client: BookieClient, into expected: inout Expected) async -> Int {
            let key = Self.key
            let acknowledged = await withTaskGroup(of: StoredEntry?.self) { group in
                for entry in batch {
                    group.addTask {
                        let response = try? await client.send(.add(ledgerKey: key, entry: entry, recovery: recovery), timeout: .seconds(10))
                        return response?.status == .ok ? entry : nil
                    }
                }
                var acknowledged: [StoredEntry] = []
                for await entry in group { if let entry { acknowledged.append(entry) } }
                return acknowledged
            }
            for entry in acknowledged { expected.entries[entry.ledgerId, default: [:]][entry.entryId] = entry.payload }
            return acknowledged.count
        }

        /// A recovering writer fences a writable ledger; kept as fenced when acknowledged.
        static func fenceOne(_ expected: inout Expected, client: BookieClient, using random: inout SeededGenerator) async {
            guard let victim = expected.writable.randomElement(using: &random) else { return }
            if case let .read(status, _, _, _)? = try? await client.send(.read(ledgerId: victim, entryId: -1, fence: true, ledgerKey: Self.key),
                                                                         timeout: .seconds(10)),
               status == .ok || status == .noSuchEntry {
                expected.fenced.insert(victim)
            }
        }

        /// Reads every acknowledged entry back (pipelined) and tries an add on every fenced ledger.
        static func verify(_ expected: Expected, cluster: PowerLossCluster, round: Int, stage: CrashStage,
                           occurrence: Int) async throws -> (reads: Int, fences: Int) {
            let reader = try await cluster.client(0)
            let wanted = expected.entries.flatMap { ledger, entries in entries.map { (ledger, $0.key, $0.value) } }
            let key = Self.key
            let (negatives, wrong) = await withTaskGroup(of: (negative: String?, wrong: String?).self) { group in
                for (ledger, entryId, payload) in wanted {
                    group.addTask {
                        let response = try? await reader.send(.read(ledgerId: ledger, entryId: entryId, fence: false, ledgerKey: key),
                                                              timeout: .seconds(10))
                        if case let .read(.ok, _, _, entry?)? = response, entry.payload == payload, entry.hasValidDigest { return (nil, nil) }
                        let what = "\(ledger)/\(entryId): \(response.map { "\($0.status)" } ?? "no answer")"
                        let negative = response?.status == .noSuchEntry || response?.status == .noSuchLedger
                        return negative ? (what, nil) : (nil, what)
                    }
                }
                var negatives: [String] = [], wrong: [String] = []
                for await answer in group {
                    if let negative = answer.negative { negatives.append(negative) }
                    if let other = answer.wrong { wrong.append(other) }
                }
                return (negatives, wrong)
            }
            let at = "round \(round), crash at \(stage) #\(occurrence)"
            #expect(negatives.isEmpty, "\(at): \(negatives.count) acknowledged entries answered as absent: \(negatives.sorted().prefix(8))")
            #expect(wrong.isEmpty, "\(at): \(wrong.count) acknowledged entries unreadable or changed: \(wrong.prefix(5))")
            // Later rounds would only repeat the loss.
            if !negatives.isEmpty || !wrong.isEmpty { throw CrashPointFailure(description: at) }
            var fences = 0
            for ledger in expected.fenced {
                let entry = StoredEntry(ledgerId: ledger, entryId: expected.nextEntry[ledger, default: 0], lastAddConfirmed: -1, length: 1, payload: [1])
                let response = try await reader.send(.add(ledgerKey: key, entry: entry, recovery: false), timeout: .seconds(10))
                #expect(response.status == .fenced, "\(at): ledger \(ledger) was fenced, now answers \(response.status)")
                fences += 1
            }
            await reader.close()
            return (wanted.count, fences)
        }
    }
}
