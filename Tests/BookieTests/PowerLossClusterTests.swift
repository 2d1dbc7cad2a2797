import Bookie
import DLCore
import Foundation
import Testing
import TestSupport

extension PowerLossSuites {
    /// A log on three bookies and the embedded store, written while a power loss hits the
    /// metadata disk, one bookie's disk, or every disk, at a random file operation (mid-commit,
    /// mid-checkpoint, mid-roll, mid-journal-write). After each loss the lost parts restart from
    /// what their disks kept, and every acknowledged record must read back at its DLSN, in order,
    /// with nothing missing before it; `dlctl check` (LogCheck) must find nothing.
    ///
    /// Rounds: DLCTL_POWER_LOSS_ROUNDS (CI runs the default); seed: DLCTL_POWER_LOSS_SEED.
    @Suite("Power loss: a cluster", .serialized)
    struct PowerLossClusterTests {
        enum Victim: CustomStringConvertible {
            case metadata, bookie(Int), everything
            var description: String {
                switch self {
                case .metadata: return "the metadata disk"
                case let .bookie(index): return "bookie \(index)'s disk"
                case .everything: return "every disk"
                }
            }
        }

        /// The log's writer with its own metadata session and bookie connections.
        struct WriterSession {
            var store: any MetadataStore
            var connections: BookieConnections
            var writer: LogWriter
            /// Every record this writer acknowledged: sequence number -> DLSN.
            var acknowledged = Locked<[Int: DLSN]>([:])
            /// The error that stopped a burst, if one did.
            var failure = Locked<String?>(nil)

            static func open(_ cluster: PowerLossCluster, _ name: LogName) async throws -> WriterSession {
                let store = try await cluster.openStore()
                let connections = BookieConnections()
                var options = LogWriter.Options()
                options.bufferBytes = 2048
                options.flushInterval = .milliseconds(1)
                options.rollBytes = 24 * 1024
                options.lockTimeout = .seconds(30)
                let writer = try await LogWriter.open(name, store: store, connections: connections, options: options)
                return WriterSession(store: store, connections: connections, writer: writer)
            }

            /// A reader's session and connections, no writer.
            static func reader(_ cluster: PowerLossCluster) async throws -> (store: any MetadataStore, connections: BookieConnections) {
                (try await cluster.openStore(), BookieConnections())
            }

            /// The writer's process dies: its connections and session go, nothing is closed cleanly.
            func crash() async {
                await connections.closeAll()
                await store.close()
            }
        }

        static var rounds: Int { Int(ProcessInfo.processInfo.environment["DLCTL_POWER_LOSS_ROUNDS"] ?? "") ?? 60 }
        static var seed: UInt64 { UInt64(ProcessInfo.processInfo.environment["DLCTL_POWER_LOSS_SEED"] ?? "") ?? 20261201 }

        /// Losses per cluster: a fresh cluster after that many keeps every round's read-back short.
        static let roundsPerCluster = 12

        struct Tally {
            var metadata = 0, bookie = 0, everything = 0
            var acknowledged = 0, readBack = 0
            /// Reads before recovery that ended with "segment needs recovery" (the others read everything).
            var unrecoveredReported = 0
            /// Writers that failed because two bookies of their ledger failed in turn, and were replaced.
            var writersReopened = 0
        }

        @Test func acknowledgedRecordsSurvivePowerLosses() async throws {
            var random = SeededGenerator(seed: Self.seed)
            var tally = Tally()
            var remaining = Self.rounds
            while remaining > 0 {
                let rounds = min(remaining, Self.roundsPerCluster)
                try await Self.run(rounds: rounds, tally: &tally, using: &random)
                remaining -= rounds
            }
            #expect(tally.metadata + tally.bookie + tally.everything == Self.rounds)
            #expect(tally.acknowledged > Self.rounds * 5, "too few records acknowledged for the test to mean much")
            print("power loss, cluster: \(Self.rounds) losses (metadata \(tally.metadata), one bookie \(tally.bookie), "
                  + "everything \(tally.everything)); \(tally.acknowledged) records acknowledged, \(tally.readBack) read back, "
                  + "none missing or moved; \(tally.unrecoveredReported) reads before recovery said the last segment needs it; "
                  + "\(tally.writersReopened) writers reopened after two bookies failed in turn")
        }

        /// One cluster through `rounds` power losses.
        static func run(rounds: Int, tally: inout Tally, using random: inout SeededGenerator) async throws {
            let cluster = try await PowerLossCluster(bookies: 3)
            for index in 0..<3 { try await cluster.startBookie(index) }
            let name = try LogName(parsing: "power/log")
            let admin = try await cluster.openStore()
            try await LogCatalog(store: admin).createLog(name)
            await admin.close()

            var session = try await WriterSession.open(cluster, name)
            var generations: [Locked<[Int: DLSN]>] = [session.acknowledged]
            var next = 1
            for round in 0..<rounds {
                let victim: Victim = switch Int.random(in: 0..<10, using: &random) {
                case 0..<3: .metadata
                case 3..<6: .bookie(Int.random(in: 0..<3, using: &random))
                default: .everything
                }
                let disks: [PowerLossDisk] = switch victim {
                case .metadata: [cluster.metadata]
                case let .bookie(index): [cluster.bookieDisks[index]]
                case .everything: [cluster.metadata] + cluster.bookieDisks
                }
                let trigger = disks[Int.random(in: 0..<disks.count, using: &random)].circuit
                trigger.cut(afterOperations: Int.random(in: 0..<300, using: &random))

                let quota = Int.random(in: 20..<1200, using: &random)
                let first = next
                let workload = Self.write(records: first..<(first + quota), to: session, stopWhen: trigger,
                                          seed: random.next())
                // The loss comes at the armed operation, or at the end of the burst.
                let done = await waitUntil(timeout: .seconds(120)) { trigger.isDown || workload.isFinished }
                #expect(done, "round \(round): the workload neither finished nor met the power loss")
                for disk in disks { disk.circuit.cutNow() }

                switch victim {
                case let .bookie(index):
                    tally.bookie += 1
                    try await finishing(within: .seconds(60), "round \(round): stopping bookie \(index) after its power went") {
                        await cluster.stopBookie(index)
                    }
                    // The writer lives on without the bookie: the burst ends.
                    let written = try await finishing(within: .seconds(120), "round \(round): the burst after bookie \(index) lost power") {
                        await workload.value
                    }
                    try Self.recover(disks, using: &random)
                    try await finishing(within: .seconds(60), "round \(round): restarting bookie \(index)") {
                        try await cluster.startBookie(index)
                    }
                    if session.failure.withLock({ $0 }) == nil {
                        // The writer lives on: every record it acknowledged is readable while it writes.
                        let maxAcknowledged = session.acknowledged.withLock { $0.keys.max() } ?? 0
                        let records = try await Self.readLive(name, session, through: maxAcknowledged)
                        Self.verify(records, generations, round: round, victim: victim, phase: "tail while the writer lives on")
                        next = written.upperBound
                    } else {
                        // Another bookie of its ledger failed before this one was back (the previous
                        // round's, not yet taken back): the writer gave up, as it must without an ack
                        // quorum. Its application opens a new writer, which recovers the segment.
                        tally.writersReopened += 1
                        try await finishing(within: .seconds(60), "round \(round): the failed writer's crash") { [session] in
                            await session.crash()
                        }
                        session = try await finishing(within: .seconds(120), "round \(round): opening a writer after one failed") {
                            try await WriterSession.open(cluster, name)
                        }
                        generations.append(session.acknowledged)
                        let records = try await finishing(within: .seconds(120), "round \(round): the read after a writer failed") {
                            [session] in try await Self.readAll(name, session)
                        }
                        next = Self.verify(records, generations, round: round, victim: victim, phase: "read after a failed writer's successor recovered") + 1
                    }
                case .metadata, .everything:
                    if case .metadata = victim { tally.metadata += 1 } else { tally.everything += 1 }
                    try await finishing(within: .seconds(60), "round \(round): the writer's crash after \(victim) lost power") {
                        [session] in await session.crash()
                    }
                    try await finishing(within: .seconds(60), "round \(round): stopping the bookies after \(victim) lost power") {
                        for index in 0..<3 { await cluster.stopBookie(index) }
                    }
                    let ended = await waitUntil(timeout: .seconds(60)) { workload.isFinished }
                    #expect(ended, "round \(round): the writer did not give up after \(victim) lost power")
                    try Self.recover(disks, using: &random)
                    // The machine stays off longer than a session timeout: the dead writer's lock and
                    // the bookies' registrations are gone when everything comes back.
                    try SQLiteDowntime.expireEverySession(cluster.metadataPath)
                    try await finishing(within: .seconds(60), "round \(round): restarting the bookies") {
                        for index in 0..<3 { try await cluster.startBookie(index) }
                    }
                    // Before anyone recovers the dead writer's segment, a reader gets every acknowledged
                    // record or an error saying the segment needs recovery; never a quiet early end.
                    let reader = try await WriterSession.reader(cluster)
                    do {
                        let records = try await finishing(within: .seconds(120), "round \(round): the read before recovery") {
                            try await Self.readAll(name, store: reader.store, connections: reader.connections)
                        }
                        Self.verify(records, generations, round: round, victim: victim, phase: "read before recovery")
                    } catch LogError.unrecoveredSegment {
                        tally.unrecoveredReported += 1
                    }
                    await reader.connections.closeAll()
                    await reader.store.close()
                    do {
                        session = try await finishing(within: .seconds(120), "round \(round): opening a new writer") {
                            try await WriterSession.open(cluster, name)
                        }
                    } catch {
                        Issue.record("round \(round): after \(victim) lost power the log cannot be written again: \(error)")
                        throw error
                    }
                    generations.append(session.acknowledged)
                    let records = try await finishing(within: .seconds(120), "round \(round): the read after recovery") {
                        [session] in try await Self.readAll(name, session)
                    }
                    let last = Self.verify(records, generations, round: round, victim: victim, phase: "read after a new writer recovered")
                    next = last + 1
                    let findings = try await finishing(within: .seconds(120), "round \(round): the check after recovery") {
                        [session] in try await LogCheck.check(name, store: session.store, connections: session.connections, repair: false)
                    }
                    #expect(findings.isEmpty, "round \(round) after \(victim): \(findings)")
                }
            }

            // The end: a clean close completes the last segment; everything reads back; check is clean.
            let writer = session.writer
            _ = try await finishing(within: .seconds(60), "closing the last writer") { try await writer.close() }
            let records = try await Self.readAll(name, session)
            Self.verify(records, generations, round: rounds, victim: .everything, phase: "read after the last writer closed")
            let findings = try await LogCheck.check(name, store: session.store, connections: session.connections, repair: false)
            #expect(findings.isEmpty, "at the end: \(findings)")
            tally.acknowledged += generations.reduce(0) { $0 + $1.withLock { $0.count } }
            tally.readBack += records.count
            await session.crash()
            for index in 0..<3 { await cluster.stopBookie(index) }
        }

        private static func recover(_ disks: [PowerLossDisk], using random: inout SeededGenerator) throws {
            for disk in disks {
                try disk.recover(unsynced: Bool.random(using: &random) ? .someInOrder : .lost, using: &random)
            }
            for disk in disks { disk.circuit.restore() }
        }

        /// A handle on a running burst of writes.
        final class Workload: Sendable {
            let task: Task<Range<Int>, Never>
            private let finished = Locked(false)
            init(_ body: @escaping @Sendable () async -> Range<Int>) {
                let finished = self.finished
                task = Task {
                    let result = await body()
                    finished.withLock { $0 = true }
                    return result
                }
            }
            var isFinished: Bool { finished.withLock { $0 } }
            /// The sequence numbers submitted.
            var value: Range<Int> { get async { await task.value } }
        }

        /// Writes records `seq` (payload: the number, a colon, filler) until done, the writer fails or the power goes:
        /// mostly pipelined, some awaited one by one, some flushes.
        static func write(records: Range<Int>, to session: WriterSession, stopWhen circuit: PowerCircuit, seed: UInt64) -> Workload {
            let writer = session.writer
            let acknowledged = session.acknowledged
            let failure = session.failure
            return Workload {
                var random = SeededGenerator(seed: seed)
                for seq in records {
                    if circuit.isDown { return records.lowerBound..<seq }
                    let payload = Array("\(seq):".utf8) + [UInt8](repeating: UInt8(seq % 251), count: Int.random(in: 0..<200, using: &random))
                    do {
                        switch Int.random(in: 0..<100, using: &random) {
                        case 0..<8:
                            let dlsn = try await writer.write(payload)
                            acknowledged.withLock { $0[seq] = dlsn }
                        default:
                            try await writer.enqueue(payload) { result in
                                if case let .success(dlsn) = result { acknowledged.withLock { $0[seq] = dlsn } }
                            }
                        }
                    } catch {
                        failure.withLock { $0 = "\(error)" }
                        return records.lowerBound..<(seq + 1)
                    }
                }
                await writer.flush()
                return records
            }
        }

        static func readAll(_ name: LogName, _ session: WriterSession) async throws -> [PositionedRecord] {
            try await readAll(name, store: session.store, connections: session.connections)
        }

        static func readAll(_ name: LogName, store: any MetadataStore, connections: BookieConnections) async throws -> [PositionedRecord] {
            let reader = try await LogReader(name, store: store, connections: connections, from: .beginning, follow: false)
            var records: [PositionedRecord] = []
            while let record = try await reader.next() { records.append(record) }
            return records
        }

        /// Tails the log until record `last` arrives (or a deadline passes).
        static func readLive(_ name: LogName, _ session: WriterSession, through last: Int) async throws -> [PositionedRecord] {
            let reader = try await LogReader(name, store: session.store, connections: session.connections, from: .beginning, follow: true)
            var records: [PositionedRecord] = []
            let deadline = ContinuousClock.now + .seconds(60)
            while records.count < last {
                // A follower waits for more without end: the deadline bounds each wait too.
                let outcome = try await within(max(deadline - ContinuousClock.now, .zero)) { try await reader.next() }
                guard case let .finished(record) = outcome else {
                    Issue.record("""
                        the tail stopped at record \(records.count) of \(last) acknowledged: nothing more within 60 s; \
                        the writer's failure: \(session.failure.withLock { $0 } ?? "none"); \
                        \(try await Self.describeSegments(name, session))
                        """)
                    break
                }
                guard let record else { break }
                records.append(record)
            }
            return records
        }

        /// The log's segments, each with its ledger's state, ensembles and the highest LAC its bookies report.
        static func describeSegments(_ name: LogName, _ session: WriterSession) async throws -> String {
            var lines: [String] = []
            for (segment, _) in try await LogCatalog(store: session.store).segments(name) {
                let ledger = try await LedgerReader.open(store: session.store, connections: session.connections, ledgerId: segment.ledgerId)
                let ensembles = ledger.metadata.ensembles.map { "\($0.firstEntryId): \($0.bookies.joined(separator: ","))" }
                lines.append("segment \(segment.sequenceNumber) \(segment.state) ledger \(segment.ledgerId) \(ledger.metadata.state) "
                             + "last \(ledger.metadata.lastEntryId) LAC \(await ledger.lastAddConfirmed()) [\(ensembles.joined(separator: "; "))]")
            }
            return lines.joined(separator: "\n")
        }

        /// Records 1...M in order with nothing missing, and every acknowledged record at its DLSN.
        /// Returns M.
        @discardableResult
        static func verify(_ records: [PositionedRecord], _ generations: [Locked<[Int: DLSN]>], round: Int, victim: Victim,
                           phase: String) -> Int {
            let sequence = records.map { Int(String(decoding: $0.record.payload.prefix { $0 != UInt8(ascii: ":") }, as: UTF8.self)) ?? -1 }
            let inOrder = sequence.enumerated().first { $0.element != $0.offset + 1 }
            #expect(inOrder == nil, "round \(round) after \(victim), \(phase): record \(inOrder.map { $0.offset + 1 } ?? 0) is \(inOrder?.element ?? 0)")
            var lost = 0
            var moved = 0
            for generation in generations {
                for (seq, dlsn) in generation.withLock({ $0 }) {
                    if seq > records.count { lost += 1 } else if records[seq - 1].dlsn != dlsn { moved += 1 }
                }
            }
            #expect(lost == 0, "round \(round) after \(victim), \(phase): \(lost) acknowledged records missing (log ends at \(records.count))")
            #expect(moved == 0, "round \(round) after \(victim), \(phase): \(moved) acknowledged records at another DLSN")
            return records.count
        }
    }
}
