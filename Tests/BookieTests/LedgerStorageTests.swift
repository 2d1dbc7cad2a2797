import Bookie
import DLCore
import Foundation
import Logging
import Testing
import TestSupport

@Suite struct LedgerStorageTests {
    let logger = Logger(label: "test")
    static let key = Array("storage-test".utf8)

    func records(_ entries: [StoredEntry]) -> [JournalRecord] { entries.map { .entry(ledgerKey: Self.key, entry: $0) } }

    /// `first` checkpointed at full speed, then `second` paced over `interval`; the write cache
    /// is empty after.
    func checkpointTwice(_ first: [StoredEntry], _ second: [StoredEntry], in directory: TemporaryDirectory,
                         pacedOver interval: Duration) throws {
        let storage = try LedgerStorage(directory: directory.path, logger: logger)
        storage.apply(records(first), mark: JournalMark(fileId: 1, offset: 100))
        try storage.checkpoint()
        storage.apply(records(second), mark: JournalMark(fileId: 1, offset: 200))
        try storage.checkpoint(spreadOver: interval)
        #expect(storage.writeCacheBytes == 0)
    }

    func expectEveryEntry(_ entries: [StoredEntry], in storage: LedgerStorage) throws {
        for entry in entries {
            guard case let .entry(read) = try storage.lookup(ledgerId: entry.ledgerId, entryId: entry.entryId) else {
                Issue.record("missing \(entry.ledgerId):\(entry.entryId)")
                continue
            }
            #expect(read == entry)
        }
    }

    @Test func entriesSurviveCheckpointAndReopen() throws {
        let directory = TemporaryDirectory("dlctl-storage")
        let first = TestEntries.make(ledgerId: 1, count: 50)
        let second = TestEntries.make(ledgerId: 2, count: 30, payloadSize: 3000)
        // The second, a periodic checkpoint: its entry log written out paced (WritePacing), same result.
        try checkpointTwice(first, second, in: directory, pacedOver: .seconds(5))
        let reopened = try LedgerStorage(directory: directory.path, logger: logger)
        #expect(reopened.checkpointMark == JournalMark(fileId: 1, offset: 200))
        try expectEveryEntry(first + second, in: reopened)
        guard case let .entry(last) = try reopened.lookup(ledgerId: 1, entryId: -1) else { Issue.record("no last entry"); return }
        #expect(last.entryId == 49)
        #expect(reopened.lastAddConfirmed(1) == 48)
        if case .noSuchEntry = try reopened.lookup(ledgerId: 1, entryId: 50) {} else { Issue.record("entry 50 should be absent") }
        if case .noSuchLedger = try reopened.lookup(ledgerId: 99, entryId: 0) {} else { Issue.record("ledger 99 should be unknown") }
    }

    /// A compaction writes checkpoint.json too: it must not claim the journal up to its current
    /// position, since entries still in the write cache are in no entry log yet. (It did: a crash
    /// between a compaction and the next checkpoint lost them; found by the crash-point suite.)
    @Test func aCompactionCheckpointStillReplaysTheWriteCache() throws {
        let directory = TemporaryDirectory("dlctl-storage")
        let kept = TestEntries.make(ledgerId: 1, count: 10)
        let dropped = TestEntries.make(ledgerId: 2, count: 10)
        let cached = TestEntries.make(ledgerId: 3, count: 10)
        do {
            let storage = try LedgerStorage(directory: directory.path, logger: logger)
            storage.apply(records(kept + dropped), mark: JournalMark(fileId: 1, offset: 100))
            try storage.checkpoint()
            storage.apply(records(cached), mark: JournalMark(fileId: 1, offset: 200))
            storage.dropLedgers([2])
            #expect(try storage.compact(threshold: 0.9) == 1)
            // The crash: no checkpoint after the compaction.
        }
        let reopened = try LedgerStorage(directory: directory.path, logger: logger)
        #expect(reopened.checkpointMark == JournalMark(fileId: 1, offset: 100), "replay must start before the cached entries")
        for entry in kept {
            guard case let .entry(read) = try reopened.lookup(ledgerId: 1, entryId: entry.entryId) else {
                Issue.record("compacted entry 1:\(entry.entryId) missing")
                continue
            }
            #expect(read == entry)
        }
    }

    /// Doubt (after a damaged journal): misses on older ledgers are errors, not negatives; it
    /// survives restarts in the checkpoint until cleared.
    @Test func doubtTurnsMissesIntoErrorsAndIsKeptUntilCleared() throws {
        let directory = TemporaryDirectory("dlctl-storage")
        do {
            let storage = try LedgerStorage(directory: directory.path, logger: logger)
            storage.apply(records(TestEntries.make(ledgerId: 3, count: 5)), mark: JournalMark(fileId: 1, offset: 100))
            storage.enterDoubt(below: 10)
            #expect(throws: LedgerStorage.InDoubt.self) { try storage.lookup(ledgerId: 3, entryId: 7) }
            #expect(throws: LedgerStorage.InDoubt.self) { try storage.lookup(ledgerId: 9, entryId: 0) }
            if case .entry = try storage.lookup(ledgerId: 3, entryId: 4) {} else { Issue.record("an entry it has is still read") }
            if case .noSuchLedger = try storage.lookup(ledgerId: 10, entryId: 0) {} else { Issue.record("a newer ledger gets negatives") }
            try storage.checkpoint()
        }
        do {
            let reopened = try LedgerStorage(directory: directory.path, logger: logger)
            #expect(reopened.doubtBelowLedgerId == 10)
            #expect(throws: LedgerStorage.InDoubt.self) { try reopened.lookup(ledgerId: 3, entryId: 7) }
            reopened.clearDoubt()
            try reopened.checkpoint()
        }
        let cleared = try LedgerStorage(directory: directory.path, logger: logger)
        #expect(cleared.doubtBelowLedgerId == nil)
        if case .noSuchEntry = try cleared.lookup(ledgerId: 3, entryId: 7) {} else { Issue.record("out of doubt, a miss is a negative") }
    }

    @Test func rewrittenAndInterleavedEntriesCheckpointToTheirLatestContent() throws {
        let directory = TemporaryDirectory("dlctl-storage")
        var expected: [String: StoredEntry] = [:]
        do {
            let storage = try LedgerStorage(directory: directory.path, logger: logger)
            // Two ledgers applied interleaved and out of order, then entries rewritten (as a
            // recovery does) before and after a checkpoint.
            let a = TestEntries.make(ledgerId: 7, count: 20)
            let b = TestEntries.make(ledgerId: 4, count: 20, payloadSize: 500)
            storage.apply(records(Array(a[10...]) + Array(b[..<10])), mark: JournalMark(fileId: 1, offset: 10))
            storage.apply(records(Array(a[..<10]) + Array(b[10...])), mark: JournalMark(fileId: 1, offset: 20))
            var rewritten = a[3]
            rewritten.payload = Array("rewritten before the checkpoint".utf8)
            storage.apply(records([rewritten]), mark: JournalMark(fileId: 1, offset: 30))
            try storage.checkpoint()
            #expect(storage.writeCacheBytes == 0)
            var later = b[15]
            later.payload = Array("rewritten after it".utf8)
            storage.apply(records([later]), mark: JournalMark(fileId: 1, offset: 40))
            try storage.checkpoint()
            for entry in a + b { expected["\(entry.ledgerId):\(entry.entryId)"] = entry }
            expected["7:3"] = rewritten
            expected["4:15"] = later
        }
        let reopened = try LedgerStorage(directory: directory.path, logger: logger)
        for (_, entry) in expected {
            guard case let .entry(read) = try reopened.lookup(ledgerId: entry.ledgerId, entryId: entry.entryId) else {
                Issue.record("missing \(entry.ledgerId):\(entry.entryId)")
                continue
            }
            #expect(read == entry, "\(entry.ledgerId):\(entry.entryId)")
        }
    }

    @Test func corruptEntryLogReadsAreErrorsNotNegatives() throws {
        let directory = TemporaryDirectory("dlctl-storage")
        let storage = try LedgerStorage(directory: directory.path, logger: logger)
        storage.apply(records(TestEntries.make(ledgerId: 3, count: 10)), mark: JournalMark(fileId: 1, offset: 1))
        try storage.checkpoint()
        let log = storage.entryLogs.logPath(storage.entryLogs.listOnDisk()[0])
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: log)))
        bytes[bytes.count - 5] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: log))
        let reopened = try LedgerStorage(directory: directory.path, logger: logger)
        #expect(throws: (any Error).self) { try reopened.lookup(ledgerId: 3, entryId: 9) }
        guard case .entry = try reopened.lookup(ledgerId: 3, entryId: 0) else { Issue.record("intact entry unreadable"); return }
    }

    /// An entry log is written a chunk at a time (never in memory whole): entries that span
    /// several chunks, paced and not, read back at the offsets the index gives.
    @Test func anEntryLogLargerThanAChunkReadsBackWhole() throws {
        let directory = TemporaryDirectory("dlctl-storage")
        let first = TestEntries.make(ledgerId: 3, count: 40, payloadSize: 70_000)
        let second = TestEntries.make(ledgerId: 4, count: 90, payloadSize: 33_333)
        try checkpointTwice(first, second, in: directory, pacedOver: .milliseconds(10))
        #expect((first + second).reduce(0) { $0 + $1.payload.count } > 5 * EntryLogs.chunkBytes)
        let reopened = try LedgerStorage(directory: directory.path, logger: logger)
        try expectEveryEntry(first + second, in: reopened)
    }

    /// An arriving add's LAC is taken before the add is journaled (tailing readers do not wait
    /// for its sync), but only as far as this bookie holds that entry, and never from a
    /// recovery add.
    @Test func anArrivingAddCarriesItsLACForwardBeforeItIsJournaled() throws {
        let directory = TemporaryDirectory("dlctl-storage")
        let storage = try LedgerStorage(directory: directory.path, logger: logger)
        let heard = Locked<[(Int64, Int64)]>([])
        storage.onLastAddConfirmed = { ledgerId, lac in heard.withLock { $0.append((ledgerId, lac)) } }
        let entries = TestEntries.make(ledgerId: 7, count: 6)
        storage.apply(records(Array(entries[0...2])), mark: JournalMark(fileId: 1, offset: 100))
        #expect(storage.lastAddConfirmed(7) == 1)
        heard.withLock { $0.removeAll() }
        // Entry 3 carries LAC 2: held here, so taken at admission.
        #expect(storage.admitAdd(ledgerKey: Self.key, entry: entries[3], recovery: false) == .accepted)
        #expect(storage.lastAddConfirmed(7) == 2)
        #expect(heard.withLock { $0.map { [$0.0, $0.1] } } == [[7, 2]])
        // Entry 5 carries LAC 4, which this bookie does not hold yet: not taken.
        #expect(storage.admitAdd(ledgerKey: Self.key, entry: entries[5], recovery: false) == .accepted)
        #expect(storage.lastAddConfirmed(7) == 2)
        // A recovery add's LAC is the recovering writer's, not the ledger's progress: not taken.
        storage.apply(records([entries[3], entries[4]]), mark: JournalMark(fileId: 1, offset: 200))
        #expect(storage.lastAddConfirmed(7) == 3)
        #expect(storage.admitAdd(ledgerKey: Self.key, entry: entries[5], recovery: true) == .accepted)
        #expect(storage.lastAddConfirmed(7) == 3)
        // Journaled, entry 5 brings its LAC as ever; a refused add brings nothing.
        storage.apply(records([entries[5]]), mark: JournalMark(fileId: 1, offset: 300))
        #expect(storage.lastAddConfirmed(7) == 4)
        var stale = TestEntries.make(ledgerId: 7, count: 1, startingAt: 6)[0]
        stale.lastAddConfirmed = 5
        #expect(storage.admitAdd(ledgerKey: Array("other".utf8), entry: stale, recovery: false) == .refused(.badKey))
        #expect(storage.lastAddConfirmed(7) == 4)
    }

    @Test func fencesAndKeysPersist() throws {
        let directory = TemporaryDirectory("dlctl-storage")
        do {
            let storage = try LedgerStorage(directory: directory.path, logger: logger)
            let entry = TestEntries.make(ledgerId: 5, count: 1)[0]
            #expect(storage.admitAdd(ledgerKey: Self.key, entry: entry, recovery: false) == .accepted)
            #expect(storage.admitAdd(ledgerKey: Array("other".utf8), entry: entry, recovery: false) == .refused(.badKey))
            #expect(storage.admitFence(ledgerId: 5, ledgerKey: Self.key) == .accepted)
            #expect(storage.admitAdd(ledgerKey: Self.key, entry: entry, recovery: false) == .refused(.fenced))
            #expect(storage.admitAdd(ledgerKey: Self.key, entry: entry, recovery: true) == .accepted)
            storage.apply([.fence(ledgerId: 5, ledgerKey: Self.key)], mark: JournalMark(fileId: 1, offset: 10))
            try storage.checkpoint()
        }
        let reopened = try LedgerStorage(directory: directory.path, logger: logger)
        #expect(reopened.isFenced(5))
        let entry = TestEntries.make(ledgerId: 5, count: 1)[0]
        #expect(reopened.admitAdd(ledgerKey: Self.key, entry: entry, recovery: false) == .refused(.fenced))
        #expect(reopened.admitAdd(ledgerKey: Array("other".utf8), entry: entry, recovery: true) == .refused(.badKey))
    }

    @Test func droppedLedgersAreCollectedAndLogsCompacted() throws {
        let directory = TemporaryDirectory("dlctl-storage")
        let storage = try LedgerStorage(directory: directory.path, logger: logger)
        let keep = TestEntries.make(ledgerId: 10, count: 10)
        let dropMostly = TestEntries.make(ledgerId: 11, count: 90)
        storage.apply(records(keep + dropMostly), mark: JournalMark(fileId: 1, offset: 1))
        try storage.checkpoint()
        let onlyLedger = TestEntries.make(ledgerId: 12, count: 5)
        storage.apply(records(onlyLedger), mark: JournalMark(fileId: 1, offset: 2))
        try storage.checkpoint()
        #expect(storage.entryLogs.listOnDisk().count == 2)
        storage.dropLedgers([11, 12])
        try storage.checkpoint()
        // The log of ledger 12 alone is gone; the mixed one is 10% live.
        #expect(storage.entryLogs.listOnDisk().count == 1)
        #expect(try storage.compact(threshold: 0.5) == 1)
        let logs = storage.entryLogs.listOnDisk()
        #expect(logs.count == 1)
        #expect(storage.occupancy()[logs[0]]?.live == 10)
        let reopened = try LedgerStorage(directory: directory.path, logger: logger)
        for entry in keep {
            guard case let .entry(read) = try reopened.lookup(ledgerId: 10, entryId: entry.entryId) else {
                Issue.record("lost \(entry.entryId)")
                continue
            }
            #expect(read == entry)
        }
        if case .noSuchLedger = try reopened.lookup(ledgerId: 11, entryId: 0) {} else { Issue.record("ledger 11 still there") }
    }
}
