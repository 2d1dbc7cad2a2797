import DLCore
import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing
import TestSupport

/// A bookie as a real process: durability across kill -9, fencing across restarts, identity
/// checks, connection isolation and long polls.
@Suite struct BookieProcessTests {
    static let key = Array("process-test".utf8)

    @Test func killNineLosesNothingAcknowledged() async throws {
        try #require(Binaries.dlctlExists)
        let cluster = try await LocalBookies()
        try await cluster.start("b")
        let ledgerId = try await cluster.createLedgerMetadata(ensemble: [cluster.address("b")], key: Self.key)
        let entries = TestEntries.make(ledgerId: ledgerId, count: 40_000, payloadSize: 100)
        let client = try await cluster.client("b")
        let killed = Atomic<Bool>(false)
        let acked = await PipelinedAdds.run(client, ledgerKey: Self.key, entries: entries, window: 2000) { count in
            if count >= 10_000 && !killed.exchange(true, ordering: .relaxed) {
                cluster.processes["b"]?.kill(SIGKILL)
            }
        }.acknowledged
        await client.close()
        #expect(acked.count >= 10_000, "only \(acked.count) acknowledged before the kill")
        #expect(acked.count < entries.count, "the kill came after everything was acknowledged")
        await cluster.kill("b")
        try await cluster.start("b")
        let reader = try await cluster.client("b")
        for entryId in acked {
            let response = try await reader.send(.read(ledgerId: ledgerId, entryId: entryId, fence: false, ledgerKey: Self.key))
            guard case let .read(.ok, _, _, entry?) = response else {
                Issue.record("acknowledged entry \(entryId) is gone: \(response.status)")
                break
            }
            #expect(entry.hasValidDigest)
            #expect(entry == entries[Int(entryId)])
        }
        await reader.close()
    }

    /// `bookie start --power-loss-recorder`: SIGUSR2 cuts the bookie's power (exit 137, its data
    /// directory as a power loss leaves it); restarted, it has every acknowledged entry, and a
    /// fence acknowledged before the cut holds. Several cuts in a row, each while adds keep
    /// coming (writers send until their connection dies, so the cut always finds some in
    /// flight), with checkpoints running every 0.2 s.
    @Test func aPowerCutBySignalKeepsEveryAcknowledgedEntry() async throws {
        try #require(Binaries.dlctlExists)
        let cluster = try await LocalBookies()
        let flags = ["--power-loss-recorder", "--checkpoint-interval", "0.2"]
        try await cluster.start("b", extraArguments: flags)
        let ledgerId = try await cluster.createLedgerMetadata(ensemble: [cluster.address("b")], key: Self.key)
        let fencedId = try await cluster.createLedgerMetadata(ensemble: [cluster.address("b")], key: Self.key)
        let nextEntryId = Locked<Int64>(0)
        var acknowledged: [StoredEntry] = []
        var unanswered = 0
        for cut in 0..<3 {
            let client = try await cluster.client("b")
            if cut == 0 {
                _ = try await client.send(.add(ledgerKey: Self.key, entry: TestEntries.make(ledgerId: fencedId, count: 1)[0], recovery: false))
                let fence = try await client.send(.read(ledgerId: fencedId, entryId: -1, fence: true, ledgerKey: Self.key))
                #expect(fence.status == .ok)
            }
            let answered = Locked(0)
            let (acked, failed) = await withTaskGroup(of: ([StoredEntry], Int).self) { group in
                for _ in 0..<16 {
                    group.addTask {
                        var acked: [StoredEntry] = []
                        while true {
                            let entryId = nextEntryId.withLock { id in
                                defer { id += 1 }
                                return id
                            }
                            let entry = TestEntries.make(ledgerId: ledgerId, count: 1, payloadSize: 700, startingAt: entryId)[0]
                            let status = try? await client.send(.add(ledgerKey: Self.key, entry: entry, recovery: false), timeout: .seconds(30)).status
                            guard status == .ok else { return (acked, 1) }
                            acked.append(entry)
                            answered.withLock { $0 += 1 }
                        }
                    }
                }
                // The cut once adds flow: after the first 200 answers of this round.
                _ = await waitUntil(timeout: .seconds(30)) { answered.withLock { $0 } >= 200 }
                cluster.processes["b"]?.kill(SIGUSR2)
                var all: ([StoredEntry], Int) = ([], 0)
                for await (acked, failed) in group {
                    all.0 += acked
                    all.1 += failed
                }
                return all
            }
            acknowledged += acked
            unanswered += failed
            await client.close()
            let status = await cluster.processes["b"]?.waitForExit(timeout: 30)
            #expect(status == 137, "a power cut exits 137")
            try await cluster.start("b", extraArguments: flags)
        }
        let reader = try await cluster.client("b")
        var missing = 0
        for entry in acknowledged {
            let response = try await reader.send(.read(ledgerId: ledgerId, entryId: entry.entryId, fence: false, ledgerKey: Self.key))
            guard case let .read(.ok, _, _, read?) = response, read == entry else {
                if missing < 5 { Issue.record("acknowledged entry \(entry.entryId) after the power cuts: \(response.status)") }
                missing += 1
                continue
            }
        }
        #expect(missing == 0, "\(missing) of \(acknowledged.count) acknowledged entries lost")
        let late = try await reader.send(.add(ledgerKey: Self.key, entry: TestEntries.make(ledgerId: fencedId, count: 2)[1], recovery: false))
        #expect(late.status == .fenced, "the fence survives the cuts")
        await reader.close()
        #expect(acknowledged.count >= 600, "too few adds acknowledged before the cuts: \(acknowledged.count)")
        #expect(unanswered == 3 * 16, "every writer stops at a cut, with its add unanswered")
        print("power cuts by signal: 3, \(acknowledged.count) adds acknowledged around them, every one read back")
    }

    /// Every entry here was acknowledged (synced): a cut or flipped journal is damage at rest,
    /// never a crash's torn tail. The bookie starts, serves what it has exactly, and answers the
    /// rest with I/O errors (in doubt), never "no such entry".
    @Test func damagedJournalsNeverStopAStartNorServeCorruptionOrNegatives() async throws {
        try #require(Binaries.dlctlExists)
        let cluster = try await LocalBookies()
        let slowCheckpoints = ["--checkpoint-interval", "3600"]
        try await cluster.start("b", extraArguments: slowCheckpoints)
        let ledgerId = try await cluster.createLedgerMetadata(ensemble: [cluster.address("b")], key: Self.key)
        let entries = TestEntries.make(ledgerId: ledgerId, count: 200, payloadSize: 300)
        let client = try await cluster.client("b")
        for entry in entries {
            let response = try await client.send(.add(ledgerKey: Self.key, entry: entry, recovery: false))
            #expect(response.status == .ok)
        }
        await client.close()
        await cluster.kill("b")
        let data = cluster.dataDirectory("b")
        let pristine = cluster.directory.file("pristine")
        try FileManager.default.copyItem(atPath: data, toPath: pristine)
        let journals = try FileManager.default.contentsOfDirectory(atPath: pristine + "/journal").sorted()
        let lastJournal = try #require(journals.last)
        let journalBytes = try Array(Data(contentsOf: URL(fileURLWithPath: pristine + "/journal/" + lastJournal)))
        let used = journalBytes.lastIndex { $0 != 0 }.map { $0 + 1 } ?? 0
        #expect(used > 200 * 300)
        var damages: [(String, ([UInt8]) -> [UInt8])] = []
        // (A cut exactly between two records leaves nothing to find: the journal keeps no record
        // of where it ended. Records here are 363 bytes; none of these cuts falls between two.)
        for cut in [used - 1, used - 37, used - 300, used - 333, used / 2 + 5, used / 2 + 17, 9] {
            damages.append(("truncate at \(cut)", { Array($0.prefix(cut)) }))
        }
        for flip in [used - 2, used - 150, used - 700, used - 1000] {
            damages.append(("flip byte \(flip)", { bytes in
                var copy = bytes
                copy[flip] ^= 0x5A
                return copy
            }))
        }
        for (label, damage) in damages {
            try? FileManager.default.removeItem(atPath: data)
            try FileManager.default.copyItem(atPath: pristine, toPath: data)
            try Data(damage(journalBytes)).write(to: URL(fileURLWithPath: data + "/journal/" + lastJournal))
            try await cluster.start("b", extraArguments: slowCheckpoints)
            let reader = try await cluster.client("b")
            var present = 0
            var missing = 0
            for entry in entries {
                let response = try await reader.send(.read(ledgerId: ledgerId, entryId: entry.entryId, fence: false, ledgerKey: Self.key))
                switch response {
                case let .read(.ok, _, _, read?):
                    #expect(read == entry && read.hasValidDigest, "\(label): entry \(entry.entryId) differs")
                    present += 1
                case .read(.ioError, _, _, _):
                    missing += 1
                default:
                    Issue.record("\(label): acknowledged entry \(entry.entryId) answered \(response.status)")
                }
            }
            #expect(present > 0 || label.contains("at 9"), "\(label): nothing survived")
            #expect(missing > 0, "\(label): the damage went unseen")
            await reader.close()
            await cluster.kill("b")
        }
    }

    @Test func fencedLedgerRefusesNormalAddsAlsoAfterRestart() async throws {
        try #require(Binaries.dlctlExists)
        let cluster = try await LocalBookies()
        try await cluster.start("b")
        let ledgerId = try await cluster.createLedgerMetadata(ensemble: [cluster.address("b")], key: Self.key)
        let entries = TestEntries.make(ledgerId: ledgerId, count: 8)
        var client = try await cluster.client("b")
        for entry in entries.prefix(4) {
            #expect(try await client.send(.add(ledgerKey: Self.key, entry: entry, recovery: false)).status == .ok)
        }
        let wrongKey = try await client.send(.read(ledgerId: ledgerId, entryId: -1, fence: true, ledgerKey: Array("bad".utf8)))
        #expect(wrongKey.status == .badKey)
        let fence = try await client.send(.read(ledgerId: ledgerId, entryId: -1, fence: true, ledgerKey: Self.key))
        guard case let .read(.ok, _, lastId, last?) = fence else { Issue.record("fence read: \(fence)"); return }
        #expect(lastId == 3 && last == entries[3])
        #expect(try await client.send(.add(ledgerKey: Self.key, entry: entries[4], recovery: false)).status == .fenced)
        #expect(try await client.send(.add(ledgerKey: Self.key, entry: entries[4], recovery: true)).status == .ok)
        await client.close()
        for signal in [SIGKILL, SIGTERM] {
            await cluster.kill("b", signal: signal)
            try await cluster.start("b")
            client = try await cluster.client("b")
            #expect(try await client.send(.add(ledgerKey: Self.key, entry: entries[5], recovery: false)).status == .fenced)
            #expect(try await client.send(.add(ledgerKey: Self.key, entry: entries[5], recovery: true)).status == .ok)
            let read = try await client.send(.read(ledgerId: ledgerId, entryId: 4, fence: false, ledgerKey: Self.key))
            #expect(read.status == .ok)
            await client.close()
        }
        // Fencing a ledger this bookie never saw creates it fenced.
        client = try await cluster.client("b")
        let unknown = try await client.send(.read(ledgerId: ledgerId + 1000, entryId: 0, fence: true, ledgerKey: Self.key))
        #expect(unknown.status == .noSuchEntry)
        let late = TestEntries.make(ledgerId: ledgerId + 1000, count: 1)[0]
        #expect(try await client.send(.add(ledgerKey: Self.key, entry: late, recovery: false)).status == .fenced)
        await client.close()
    }

    @Test func aWipedDataDirectoryRefusesToStart() async throws {
        try #require(Binaries.dlctlExists)
        let cluster = try await LocalBookies()
        try await cluster.start("b")
        await cluster.kill("b", signal: SIGTERM)
        let data = cluster.dataDirectory("b")
        for name in try FileManager.default.contentsOfDirectory(atPath: data) {
            try FileManager.default.removeItem(atPath: data + "/" + name)
        }
        let refused = try await cluster.start("b", expectFailure: true)
        #expect(await refused.waitForExit(timeout: 60) == 5)
        #expect(refused.stderr.contains("no cookie"), "\(refused.stderr)")
        #expect(refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
        // Formatting releases the identity; it then starts as a new, empty bookie.
        let format = try await ChildProcess.run(Binaries.dlctl, ["bookie", "format", "--data-dir", data, "--force",
                                                                    "--bookie-id", cluster.address("b"), "--uri", cluster.metadataURI])
        #expect(format.status == 0, "\(format.stderr)")
        try await cluster.start("b")
    }

    /// Several tasks share one connection (senders on different threads encode into the same
    /// writes; the bookie admits a burst of adds of several ledgers together): every add is
    /// answered once and stored as sent, and an add with the wrong key is refused alone.
    @Test func concurrentSendersOnOneConnectionAreEachAnsweredOnce() async throws {
        try #require(Binaries.dlctlExists)
        let cluster = try await LocalBookies()
        try await cluster.start("b")
        let client = try await cluster.client("b")
        var ledgers: [(id: Int64, key: [UInt8])] = []
        for sender in 0..<4 {
            let key = Array("sender-\(sender)".utf8)
            ledgers.append((try await cluster.createLedgerMetadata(ensemble: [cluster.address("b")], key: key), key))
        }
        let count = 5000
        let outcomes = await withTaskGroup(of: (Int64, PipelinedAdds.Outcome).self) { group in
            for (id, key) in ledgers {
                group.addTask {
                    (id, await PipelinedAdds.run(client, ledgerKey: key, entries: TestEntries.make(ledgerId: id, count: count),
                                                 window: 300))
                }
            }
            return await group.reduce(into: [(Int64, PipelinedAdds.Outcome)]()) { $0.append($1) }
        }
        for (id, outcome) in outcomes {
            #expect(outcome.failures.isEmpty, "ledger \(id): \(outcome.failures.prefix(3))")
            #expect(outcome.acknowledged.sorted() == Array(0..<Int64(count)))
        }
        for (id, key) in ledgers {
            let expected = TestEntries.make(ledgerId: id, count: count)
            for entryId in [0, count / 2, count - 1] {
                let response = try await client.send(.read(ledgerId: id, entryId: Int64(entryId), fence: false, ledgerKey: key))
                guard case let .read(.ok, _, _, entry?) = response else {
                    Issue.record("ledger \(id) entry \(entryId): \(response.status)")
                    continue
                }
                #expect(entry == expected[entryId])
            }
        }
        // One burst: a good add, an add under another ledger's key, another good add.
        let (a, b) = (ledgers[0], ledgers[1])
        let next = Int64(count)
        async let first = client.send(.add(ledgerKey: a.key, entry: TestEntries.make(ledgerId: a.id, count: 1, startingAt: next)[0],
                                           recovery: false))
        async let wrong = client.send(.add(ledgerKey: b.key, entry: TestEntries.make(ledgerId: a.id, count: 1, startingAt: next + 1)[0],
                                           recovery: false))
        async let last = client.send(.add(ledgerKey: b.key, entry: TestEntries.make(ledgerId: b.id, count: 1, startingAt: next)[0],
                                          recovery: false))
        let statuses = try await [first.status, wrong.status, last.status]
        #expect(statuses == [.ok, .badKey, .ok])
        await client.close()
    }

    @Test func aMalformedFrameClosesOnlyItsConnection() async throws {
        try #require(Binaries.dlctlExists)
        let cluster = try await LocalBookies()
        try await cluster.start("b")
        let good = try await cluster.client("b")
        let bad = try await cluster.client("b")
        let rawChannel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: Int(cluster.address("b").split(separator: ":")[1])!).get()
        var garbage = ByteBuffer()
        garbage.writeInteger(UInt32(20))
        garbage.writeBytes([UInt8](repeating: 0xEE, count: 20))
        try await rawChannel.writeAndFlush(garbage)
        try await rawChannel.closeFuture.get()
        var oversized = ByteBuffer()
        oversized.writeInteger(UInt32(64 * 1024 * 1024))
        let second = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: Int(cluster.address("b").split(separator: ":")[1])!).get()
        try await second.writeAndFlush(oversized)
        try await second.closeFuture.get()
        #expect(try await good.send(.info).status == .ok)
        #expect(try await bad.send(.info).status == .ok)
        await good.close()
        await bad.close()
    }

    @Test func longPollWakesOnANewLACAndTimesOutOnTime() async throws {
        try #require(Binaries.dlctlExists)
        let cluster = try await LocalBookies()
        try await cluster.start("b")
        let ledgerId = try await cluster.createLedgerMetadata(ensemble: [cluster.address("b")], key: Self.key)
        let entries = TestEntries.make(ledgerId: ledgerId, count: 3)
        let writer = try await cluster.client("b")
        let poller = try await cluster.client("b")
        #expect(try await poller.send(.readLAC(ledgerId: ledgerId, previous: -1, timeoutMillis: 0, piggyback: false)).status == .noSuchLedger)
        #expect(try await writer.send(.add(ledgerKey: Self.key, entry: entries[0], recovery: false)).status == .ok)
        // Parked until entry 1 (carrying LAC 0) lands, well before its 20 s timeout.
        let parked = Task { () -> (BookieResponse, Duration) in
            let start = ContinuousClock.now
            let response = try await poller.send(.readLAC(ledgerId: ledgerId, previous: -1, timeoutMillis: 20_000, piggyback: true))
            return (response, ContinuousClock.now - start)
        }
        #expect(try await writer.send(.add(ledgerKey: Self.key, entry: entries[1], recovery: false)).status == .ok)
        let (woken, waited) = try await parked.value
        guard case let .readLAC(.ok, _, lac, piggybacked) = woken else { Issue.record("\(woken)"); return }
        #expect(lac == 0)
        #expect(piggybacked == entries[0])
        #expect(waited < .seconds(5), "woke after \(waited)")
        // Nothing newer comes: the poll answers with the current LAC at its timeout.
        let start = ContinuousClock.now
        let idle = try await poller.send(.readLAC(ledgerId: ledgerId, previous: 0, timeoutMillis: 300, piggyback: false))
        let elapsed = ContinuousClock.now - start
        guard case let .readLAC(.ok, _, idleLAC, nil) = idle else { Issue.record("\(idle)"); return }
        #expect(idleLAC == 0)
        // Not before its 300 ms; the upper bound only says it does answer (a loaded 2-core machine
        // running the whole suite has stalled it for seconds).
        #expect(elapsed >= .milliseconds(290) && elapsed < .seconds(15), "timed out after \(elapsed)")
        await writer.close()
        await poller.close()
    }
}
