import Bookie
import DLCore
import Foundation
import Testing
import TestSupport

extension PowerLossSuites.CrashPointTests {
    /// The file kinds a bookie keeps at rest, to flip a bit in.
    enum FileKind: String, CaseIterable, CustomStringConvertible {
        case journal, entryLog = "entry log", index = "entry log index", checkpoint = "checkpoint state", cookie
        var description: String { rawValue }
    }

    /// One bit flipped at rest in each file kind, after a crash: the checksums find it. The
    /// bookie either refuses to start naming the damaged file (checkpoint state, cookie), or
    /// starts and answers every acknowledged entry exactly or with an error (the reader then
    /// goes to another replica); never "no such entry", never other bytes.
    ///
    /// Flips: DLCTL_CRASH_POINTS / 10 (at least 10), spread over the kinds.
    @Test func flippedBitsAtRestAreFoundByChecksums() async throws {
        var random = SeededGenerator(seed: Self.seed &+ 7)
        let flips = max(10, Self.points / 10)
        var refused: [FileKind: Int] = [:], errors: [FileKind: Int] = [:], exact: [FileKind: Int] = [:]
        for round in 0..<flips {
            let kind = FileKind.allCases[round % FileKind.allCases.count]
            let outcome = try await Self.flipOneBit(in: kind, round: round, using: &random)
            refused[kind, default: 0] += outcome.refused ? 1 : 0
            errors[kind, default: 0] += outcome.errors
            exact[kind, default: 0] += outcome.exact
        }
        // A flipped entry log record is that entry's read error; a flipped checkpoint or cookie
        // is a refusal; a flipped index is rebuilt from its log (every read exact).
        #expect(errors[.entryLog, default: 0] > 0)
        #expect(refused[.checkpoint, default: 0] == flips / FileKind.allCases.count)
        #expect(refused[.cookie, default: 0] == flips / FileKind.allCases.count)
        let rows = FileKind.allCases.map { "\($0): \(refused[$0, default: 0]) refused, \(errors[$0, default: 0]) read errors, \(exact[$0, default: 0]) exact reads" }
        print("bit flips: \(flips); \(rows.joined(separator: "; ")); no negative, no changed entry")
    }

    /// A bookie with entries in entry logs and in its journal, crashed; one bit of one file of
    /// `kind` flipped; restarted and read back.
    static func flipOneBit(in kind: FileKind, round: Int, using random: inout SeededGenerator) async throws
        -> (refused: Bool, errors: Int, exact: Int)
    {
        let cluster = try await PowerLossCluster(bookies: 1)
        cluster.tune = { configuration in configuration.checkpointInterval = .seconds(3600) }
        let disk = cluster.bookieDisks[0]
        let store = try await cluster.openStore()
        defer { Task { await store.close() } }
        var expected = Expected()
        for _ in 0..<3 { try await Self.addLedger(&expected, store: store) }
        try await cluster.startBookie(0)
        let client = try await cluster.client(0)
        _ = await Self.addBurst(&expected, client: client, using: &random)
        try #require(cluster.nodes[0]).checkpointNow()
        _ = await Self.addBurst(&expected, client: client, using: &random)
        await Self.fenceOne(&expected, client: client, using: &random)
        _ = await Self.addBurst(&expected, client: client, using: &random)
        await client.close()
        disk.circuit.cutNow()
        await cluster.stopBookie(0)
        try disk.recover(unsynced: .lost, using: &random)
        disk.circuit.restore()

        let (path, range) = try Self.target(kind, root: disk.root, using: &random)
        let offset = Int.random(in: range, using: &random)
        let bit = UInt8(1) << UInt8.random(in: 0..<8, using: &random)
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        try handle.seek(toOffset: UInt64(offset))
        let byte = try #require(try handle.read(upToCount: 1)?.first)
        try handle.seek(toOffset: UInt64(offset))
        try handle.write(contentsOf: [byte ^ bit])
        try handle.close()
        let at = "round \(round): bit \(bit) of byte \(offset) of \(path)"

        do { try await cluster.startBookie(0) } catch {
            let names = ["\(error)"].first { $0.contains(CheckpointState.fileName) || $0.contains(CookieCheck.fileName) }
            #expect(kind == .checkpoint || kind == .cookie, "\(at): the bookie refused to start: \(error)")
            #expect(names != nil, "\(at): the refusal does not name the damaged file: \(error)")
            return (true, 0, 0)
        }
        #expect(kind != .checkpoint && kind != .cookie, "\(at): a damaged \(kind) went unnoticed")
        let reader = try await cluster.client(0)
        var errors = 0, exact = 0
        for (ledger, entries) in expected.entries {
            for (entryId, payload) in entries {
                let response = try? await reader.send(.read(ledgerId: ledger, entryId: entryId, fence: false, ledgerKey: Self.key),
                                                      timeout: .seconds(10))
                if case let .read(.ok, _, _, entry?)? = response {
                    #expect(entry.payload == payload && entry.hasValidDigest, "\(at): \(ledger)/\(entryId) read back changed")
                    exact += 1
                } else {
                    let status = response.map { "\($0.status)" } ?? "no answer"
                    #expect(response?.status != .noSuchEntry && response?.status != .noSuchLedger,
                            "\(at): acknowledged \(ledger)/\(entryId) answered \(status)")
                    errors += 1
                }
            }
        }
        // The damaged journal's doubt lasts while a ledger older than it is in metadata; once they
        // are all deleted, garbage collection ends it and unknown ledgers are negatives again.
        let node = try #require(cluster.nodes[0])
        if kind == .journal {
            let bound = try #require(node.storage.doubtBelowLedgerId, "\(at): a damaged journal left no doubt")
            for ledger in expected.ledgers { try await store.delete(ClusterLayout.ledgerPath(ledger), expectedVersion: nil) }
            try await node.collectGarbageNow()
            #expect(node.storage.doubtBelowLedgerId == nil, "\(at): still in doubt (below \(bound)) with its ledgers deleted")
            let response = try await reader.send(.read(ledgerId: bound - 1, entryId: 0, fence: false, ledgerKey: Self.key), timeout: .seconds(10))
            #expect(response.status == .noSuchLedger)
        }
        await reader.close()
        await cluster.stopBookie(0)
        return (false, errors, exact)
    }

    /// A file of `kind` under the bookie's `root` and the byte range to flip in: for the journal,
    /// what replay reads (from the checkpoint's mark to the last byte written).
    static func target(_ kind: FileKind, root: String, using random: inout SeededGenerator) throws -> (String, ClosedRange<Int>) {
        let files = FileManager.default
        func pick(_ directory: String, _ suffix: String) throws -> String {
            let names = try files.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(suffix) }.sorted()
            return directory + "/" + (try #require(names.randomElement(using: &random), "no \(suffix) file in \(directory)"))
        }
        let path: String
        var lower = 0
        switch kind {
        case .journal:
            let data = try #require(files.contents(atPath: root + "/" + CheckpointState.fileName))
            let mark = try CheckpointState(decoding: ChecksummedFile.open(Array(data), path: "checkpoint")).journalMark
            let journal = root + "/journal/" + JournalFiles.name(mark.fileId)
            path = files.fileExists(atPath: journal) ? journal : try pick(root + "/journal", ".jnl")
            if path == journal { lower = Int(mark.offset) }
        case .entryLog: path = try pick(root + "/entrylogs", ".log")
        case .index: path = try pick(root + "/entrylogs", ".idx")
        case .checkpoint: path = root + "/" + CheckpointState.fileName
        case .cookie: path = root + "/" + CookieCheck.fileName
        }
        let bytes = try #require(files.contents(atPath: path))
        let upper = try #require(bytes.lastIndex { $0 != 0 }, "\(path) holds nothing")
        try #require(lower <= upper, "nothing written after the checkpoint in \(path)")
        return (path, lower...upper)
    }
}
