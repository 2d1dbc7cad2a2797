import Bookie
import DLCore
import Foundation
import NIOPosix
import Testing
import TestSupport

extension PowerLossSuites {
    /// One bookie whose disk loses power at a random file operation while clients add entries to
    /// several ledgers and fence some (journal groups, rollovers, checkpoints, entry logs, index,
    /// checkpoint state, cookie): after each restart every acknowledged add reads back as sent,
    /// and every ledger whose fencing was acknowledged still refuses normal adds.
    ///
    /// Rounds: DLCTL_POWER_LOSS_ROUNDS x 4 (CI runs the default).
    @Suite("Power loss: one bookie", .serialized)
    struct BookiePowerLossTests {
        static var rounds: Int { 4 * (Int(ProcessInfo.processInfo.environment["DLCTL_POWER_LOSS_ROUNDS"] ?? "") ?? 60) }

        /// Losses per bookie: a fresh one after that many keeps restarts short (every checkpoint
        /// leaves an entry log).
        static let roundsPerBookie = 30

        @Test func acknowledgedAddsAndFencesSurvivePowerLosses() async throws {
            var random = SeededGenerator(seed: PowerLossClusterTests.seed &+ 1)
            var remaining = Self.rounds
            var acknowledged = 0
            while remaining > 0 {
                let rounds = min(remaining, Self.roundsPerBookie)
                acknowledged += try await Self.run(rounds: rounds, using: &random)
                remaining -= rounds
            }
            #expect(acknowledged > Self.rounds * 5, "too few adds acknowledged for the test to mean much: \(acknowledged)")
            print("power loss, one bookie: \(Self.rounds) losses, \(acknowledged) adds acknowledged, every one read back, fences kept")
        }

        /// One bookie through `rounds` power losses; returns the adds acknowledged.
        static func run(rounds: Int, using random: inout SeededGenerator) async throws -> Int {
            let cluster = try await PowerLossCluster(bookies: 1)
            let disk = cluster.bookieDisks[0]
            var ledgers: [Int64] = [11, 12, 13, 14]
            let key = Array("power-loss-key".utf8)
            var stored: [Int64: [Int64: [UInt8]]] = [:]
            var fenced = Set<Int64>()
            var nextEntry: [Int64: Int64] = [:]
            var acknowledged = 0
            try await cluster.startBookie(0)

            for round in 0..<rounds {
                disk.circuit.cut(afterOperations: Int.random(in: 0..<120, using: &random))
                let client = try await cluster.client(0)
                // Adds in flight on all ledgers at once, so journal groups carry several.
                var batch: [(Int64, StoredEntry)] = []
                for _ in 0..<Int.random(in: 1..<80, using: &random) {
                    let ledger = ledgers.filter { !fenced.contains($0) }.randomElement(using: &random) ?? ledgers[0]
                    guard !fenced.contains(ledger) else { break }
                    let entryId = nextEntry[ledger, default: 0]
                    nextEntry[ledger] = entryId + 1
                    let payload = [UInt8](repeating: UInt8(truncatingIfNeeded: entryId), count: Int.random(in: 1..<3000, using: &random))
                    batch.append((ledger, StoredEntry(ledgerId: ledger, entryId: entryId, lastAddConfirmed: entryId - 1,
                                                      length: Int64(payload.count), payload: payload)))
                }
                let answers = await withTaskGroup(of: (Int64, StoredEntry, BookieStatus?).self) { group in
                    for (ledger, entry) in batch {
                        group.addTask {
                            let response = try? await client.send(.add(ledgerKey: key, entry: entry, recovery: false), timeout: .seconds(10))
                            return (ledger, entry, response?.status)
                        }
                    }
                    var answers: [(Int64, StoredEntry, BookieStatus?)] = []
                    for await answer in group { answers.append(answer) }
                    return answers
                }
                for (ledger, entry, status) in answers where status == .ok {
                    stored[ledger, default: [:]][entry.entryId] = entry.payload
                    acknowledged += 1
                }
                // Sometimes a recovering writer fences a ledger; an acknowledged fence must hold.
                if Int.random(in: 0..<6, using: &random) == 0, let victim = ledgers.filter({ !fenced.contains($0) }).randomElement(using: &random) {
                    if case let .read(status, _, _, _)? = try? await client.send(.read(ledgerId: victim, entryId: -1, fence: true, ledgerKey: key),
                                                                                 timeout: .seconds(10)),
                       status == .ok || status == .noSuchEntry {
                        fenced.insert(victim)
                    }
                }
                await client.close()
                disk.circuit.cutNow()
                await cluster.stopBookie(0)
                try disk.recover(unsynced: Bool.random(using: &random) ? .someInOrder : .lost, using: &random)
                disk.circuit.restore()
                try await cluster.startBookie(0)

                let reader = try await cluster.client(0)
                // Every acknowledged entry, read back pipelined.
                let wanted = stored.flatMap { ledger, entries in entries.map { (ledger, $0.key, $0.value) } }
                let wrong = await withTaskGroup(of: String?.self) { group in
                    for (ledger, entryId, payload) in wanted {
                        group.addTask {
                            let response = try? await reader.send(.read(ledgerId: ledger, entryId: entryId, fence: false, ledgerKey: key),
                                                                  timeout: .seconds(10))
                            guard case let .read(.ok, _, _, entry?)? = response, entry.payload == payload, entry.hasValidDigest else {
                                return "\(ledger)/\(entryId): \(response.map { "\($0.status)" } ?? "no answer")"
                            }
                            return nil
                        }
                    }
                    var wrong: [String] = []
                    for await answer in group { if let answer { wrong.append(answer) } }
                    return wrong
                }
                #expect(wrong.isEmpty, "round \(round): acknowledged entries lost or changed: \(wrong.prefix(5))")
                for ledger in fenced {
                    let entryId = nextEntry[ledger, default: 0]
                    nextEntry[ledger] = entryId + 1
                    let entry = StoredEntry(ledgerId: ledger, entryId: entryId, lastAddConfirmed: entryId - 1, length: 1, payload: [1])
                    let response = try await reader.send(.add(ledgerKey: key, entry: entry, recovery: false), timeout: .seconds(10))
                    #expect(response.status == .fenced, "round \(round): ledger \(ledger) was fenced, now answers \(response.status)")
                }
                await reader.close()
                // Every ledger fenced: go on with new ones (the fenced ones are still checked).
                if ledgers.allSatisfy(fenced.contains) { ledgers = ledgers.map { $0 + 100 } }
            }
            await cluster.stopBookie(0)
            #expect(disk.circuit.losses == rounds)
            return acknowledged
        }
    }
}
