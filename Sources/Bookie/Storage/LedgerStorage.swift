import DLCore
import Foundation
import Logging

/// The bookie's ledger storage: a write cache of entries made durable by the journal, and
/// entry logs that checkpoints move them into.
///
/// Entries become readable as soon as their journal group is durable (`apply`). A checkpoint
/// writes every cached entry, sorted by ledger, into a new entry log with its index, then
/// records (atomically, in `checkpoint.json`) the journal position it covers with the ledger
/// states; journal files before that position are then removed. A restart loads the
/// checkpoint and replays the journal from its position.
///
/// Negatives are explicit: `noSuchLedger`/`noSuchEntry` only when the index says so; a failed
/// or corrupt read throws.
public final class LedgerStorage: @unchecked Sendable {
    enum Location {
        case cached(StoredEntry)
        case logged(logId: UInt64, offset: Int64, length: UInt32)
    }

    /// One ledger's state. A class, so updates happen in place: a struct in a dictionary
    /// would copy its whole entry index on every change.
    final class Ledger {
        var key: [UInt8]
        var fenced: Bool
        var lastAddConfirmed: Int64
        var entries = EntryLocations<Location>()
        /// Entries cached since the last checkpoint took them, in the order they were applied
        /// (increasing ids, unless an entry was rewritten: then it appears again, the later one
        /// current). A checkpoint takes the whole array in one swap.
        var cached: [StoredEntry] = []
        var lastEntryId: Int64 = -1
        var adds: UInt64 = 0

        init(key: [UInt8], fenced: Bool = false, lastAddConfirmed: Int64 = -1) {
            self.key = key
            self.fenced = fenced
            self.lastAddConfirmed = lastAddConfirmed
        }
    }

    public enum ReadResult: Sendable {
        case entry(StoredEntry)
        case noSuchLedger
        case noSuchEntry
    }

    public enum Admission: Sendable, Equatable {
        case accepted
        case refused(BookieStatus)
    }

    public let directory: String
    public let entryLogs: EntryLogs
    private let files: any FileLayer
    private let logger: Logger
    private let lock = NSLock()
    private var ledgers: [Int64: Ledger] = [:]
    /// Ledgers with entries in the write cache.
    private var ledgersWithCache: Set<Int64> = []
    private var cachedBytes = 0
    /// The position after the last journal record applied.
    private var journalMark = JournalMark.start
    /// The position the last checkpoint written (or loaded) covers: everything before it is in
    /// entry logs. Entries still in the write cache are only in the journal after it.
    private var coveredMark = JournalMark.start
    private var logIds: [UInt64] = []
    private var nextEntryLogId: UInt64 = 1
    /// Per entry log: entries still referenced by the index, and all it holds.
    private var logOccupancy: [UInt64: (live: Int, total: Int)] = [:]
    /// The entry log a checkpoint is indexing, not yet in `logIds` (never retired while so).
    private var unpublished: (logId: UInt64, released: Int)?
    /// Entry logs dropped from the index, deleted once a checkpoint no longer lists them.
    private var retiredLogs: [UInt64] = []
    private let maintenance = NSLock()

    /// While set, this bookie may have lost acknowledged entries of ledgers with smaller ids
    /// (its journal was found damaged, not merely torn): a read it cannot answer for such a
    /// ledger is an I/O error, never "no such entry" or "no such ledger", so readers and
    /// recovery ask the other replicas instead of taking a negative. Ledgers created later have
    /// larger ids. Kept in the checkpoint; cleared once no ledger below it is left in metadata.
    public var doubtBelowLedgerId: Int64? { lock.withLock { doubtBound } }
    private var doubtBound: Int64?

    /// Called (outside the lock) when a ledger's LAC advances: ledger id, new LAC.
    public var onLastAddConfirmed: (@Sendable (Int64, Int64) -> Void)?

    /// Bytes of entries waiting in the write cache for a checkpoint.
    public var writeCacheBytes: Int { lock.withLock { cachedBytes } }

    /// Loads the last checkpoint and its entry logs' indexes (no journal replay yet).
    public init(directory: String, files: any FileLayer = PosixFiles(), logger: Logger) throws {
        self.directory = directory
        self.files = files
        self.logger = logger
        entryLogs = try EntryLogs(directory: directory + "/entrylogs", files: files)
        let state: CheckpointState
        let path = directory + "/" + CheckpointState.fileName
        if let data = try files.contents(path) {
            do { state = try CheckpointState(decoding: ChecksummedFile.open(data, path: path)) } catch {
                throw JournalError.io("cannot load the checkpoint: \(error) (\(path)); refusing to start, since fences and "
                                      + "LACs of this bookie's ledgers would be lost; format the bookie and let autorecovery copy its ledgers")
            }
        } else {
            state = .empty
        }
        journalMark = state.journalMark
        coveredMark = state.journalMark
        doubtBound = state.doubtBelowLedgerId
        nextEntryLogId = state.nextEntryLogId
        logIds = state.entryLogs
        for ledger in state.ledgers {
            ledgers[ledger.ledgerId] = Ledger(key: Hex.decode(ledger.keyHex) ?? [], fenced: ledger.fenced,
                                              lastAddConfirmed: ledger.lastAddConfirmed)
        }
        for id in logIds {
            let items = try entryLogs.loadIndex(id)
            for item in items {
                let ledger = ledger(item.ledgerId, key: [])
                ledger.entries[item.entryId] = .logged(logId: id, offset: item.offset, length: item.length)
                ledger.lastEntryId = max(ledger.lastEntryId, item.entryId)
            }
            logOccupancy[id] = (items.count, items.count)
        }
        // Entry logs a crashed checkpoint wrote but never listed.
        for orphan in entryLogs.listOnDisk() where !logIds.contains(orphan) {
            logger.info("removing entry log not covered by the checkpoint", metadata: ["log": "\(orphan)"])
            entryLogs.delete(orphan)
        }
    }

    var checkpointPath: String { directory + "/" + CheckpointState.fileName }

    /// The ledger's state, created (with `key`) when unknown. Call with the lock held (or in init).
    private func ledger(_ id: Int64, key: [UInt8]) -> Ledger {
        if let existing = ledgers[id] { return existing }
        let created = Ledger(key: key)
        ledgers[id] = created
        return created
    }

    /// The journal position the last checkpoint covers: replay starts here.
    public var checkpointMark: JournalMark { lock.withLock { coveredMark } }

    // MARK: Admission (before journaling)

    /// Decides whether an add may be journaled. A new ledger takes the key at once, so a
    /// concurrent add with another key is refused.
    public func admitAdd(ledgerKey: [UInt8], entry: StoredEntry, recovery: Bool) -> Admission {
        admitting { admit in admit(ledgerKey, entry, recovery) }
    }

    /// Runs `body` under the storage lock with a function that admits one add (as `admitAdd`):
    /// a burst of adds is admitted under one lock. LACs that the admitted adds carry forward
    /// are announced (`onLastAddConfirmed`) once the lock is released.
    public func admitting<Result>(_ body: (_ admit: (_ ledgerKey: [UInt8], _ entry: StoredEntry, _ recovery: Bool) -> Admission)
        -> Result) -> Result
    {
        let (result, advanced) = lock.withLock { () -> (Result, [Int64: Int64]) in
            let result = body(admitLocked)
            defer { advancedOnArrival.removeAll(keepingCapacity: true) }
            return (result, advancedOnArrival)
        }
        if let listener = onLastAddConfirmed {
            for (ledgerId, lac) in advanced { listener(ledgerId, lac) }
        }
        return result
    }

    /// LACs advanced by adds admitted under the current lock, by ledger (see `admitting`).
    private var advancedOnArrival: [Int64: Int64] = [:]

    private func admitLocked(ledgerKey: [UInt8], entry: StoredEntry, recovery: Bool) -> Admission {
        if let ledger = ledgers[entry.ledgerId] {
            if ledger.key.isEmpty && !ledgerKey.isEmpty {
                ledger.key = ledgerKey
            } else if ledger.key != ledgerKey {
                return .refused(.badKey)
            }
            if ledger.fenced && !recovery { return .refused(.fenced) }
            if !recovery { advanceOnArrival(ledger, entry) }
            return .accepted
        }
        ledgers[entry.ledgerId] = Ledger(key: ledgerKey)
        return .accepted
    }

    /// The LAC an arriving add carries says that the writer's entries up to it are on an ack
    /// quorum already: true whether or not this add is ever journaled. So it is taken at once,
    /// as far as this bookie holds that entry (a reader told the LAC reads it here next), and
    /// tailing readers do not wait for this add's own journal sync (for an idle writer's control
    /// record, that sync was most of the delay from acknowledgement to reader). The same LAC is
    /// applied again with the journaled add; a bookie that restarts before that falls back to
    /// the LAC of what it journaled, as ever.
    private func advanceOnArrival(_ ledger: Ledger, _ entry: StoredEntry) {
        let lac = entry.lastAddConfirmed
        guard lac > ledger.lastAddConfirmed, lac < entry.entryId, ledger.entries[lac] != nil else { return }
        ledger.lastAddConfirmed = lac
        advancedOnArrival[entry.ledgerId] = max(advancedOnArrival[entry.ledgerId] ?? lac, lac)
    }

    /// Fences a ledger in memory at once (so no later add is admitted); the caller journals
    /// the fence and replies after it is durable. An unknown ledger is created fenced.
    public func admitFence(ledgerId: Int64, ledgerKey: [UInt8]) -> Admission {
        lock.withLock {
            if let ledger = ledgers[ledgerId] {
                if !ledger.key.isEmpty && ledger.key != ledgerKey { return .refused(.badKey) }
                if ledger.key.isEmpty { ledger.key = ledgerKey }
                ledger.fenced = true
            } else {
                ledgers[ledgerId] = Ledger(key: ledgerKey, fenced: true)
            }
            return .accepted
        }
    }

    // MARK: Applying durable records

    /// Applies records that are durable in the journal, in order, and advances the mark.
    public func apply(_ records: [JournalRecord], mark: JournalMark) { apply([records], mark: mark) }

    /// Applies a durable journal group, batch by batch in order, under one lock, and then
    /// advances the mark (so a checkpoint never covers a record not yet applied).
    public func apply(_ batches: [[JournalRecord]], mark: JournalMark) {
        // The highest LAC each ledger reached in this batch: listeners hear once per ledger.
        var advanced: [Int64: Int64] = [:]
        lock.withLock {
            // A burst is mostly one ledger's entries: look it up once per run of them.
            var current: (id: Int64, ledger: Ledger, advanced: Bool)?
            func endRun() {
                if let current, current.advanced { advanced[current.id] = current.ledger.lastAddConfirmed }
                current = nil
            }
            for batch in batches {
                for record in batch {
                    switch record {
                    case let .entry(key, entry):
                        let ledger: Ledger
                        if let current, current.id == entry.ledgerId {
                            ledger = current.ledger
                        } else {
                            endRun()
                            ledger = self.ledger(entry.ledgerId, key: key)
                            current = (entry.ledgerId, ledger, false)
                        }
                        if ledger.key.isEmpty { ledger.key = key }
                        switch ledger.entries.updateValue(.cached(entry), forKey: entry.entryId) {
                        case let .cached(old)?: cachedBytes -= old.encodedLength
                        case let .logged(logId, _, _)?: release(logId)
                        case nil: break
                        }
                        if ledger.cached.isEmpty { ledgersWithCache.insert(entry.ledgerId) }
                        ledger.cached.append(entry)
                        cachedBytes += entry.encodedLength
                        ledger.lastEntryId = max(ledger.lastEntryId, entry.entryId)
                        ledger.adds += 1
                        if entry.lastAddConfirmed > ledger.lastAddConfirmed {
                            ledger.lastAddConfirmed = entry.lastAddConfirmed
                            current?.advanced = true
                        }
                    case let .fence(ledgerId, key):
                        endRun()
                        let ledger = ledger(ledgerId, key: key)
                        if ledger.key.isEmpty { ledger.key = key }
                        ledger.fenced = true
                    }
                }
            }
            endRun()
            journalMark = max(journalMark, mark)
        }
        if let listener = onLastAddConfirmed {
            for (ledgerId, lac) in advanced { listener(ledgerId, lac) }
        }
    }

    /// After replay: everything before `mark` (the new journal file's start) is applied.
    public func setJournalMark(_ mark: JournalMark) { lock.withLock { journalMark = mark } }

    // MARK: Reads

    /// Reads entry `entryId` (-1: the last entry this bookie has) of a ledger.
    public func read(ledgerId: Int64, entryId: Int64) throws -> ReadResult {
        let location: Location? = try lock.withLock {
            guard let ledger = ledgers[ledgerId] else { throw LookupMiss.noLedger }
            let id = entryId == -1 ? ledger.lastEntryId : entryId
            return ledger.entries[id]
        }.self
        switch location {
        case nil: return .noSuchEntry
        case let .cached(entry)?: return .entry(entry)
        case let .logged(logId, offset, length)?:
            let entry = try entryLogs.read(logId, offset: offset, length: length)
            guard entry.ledgerId == ledgerId, entryId == -1 || entry.entryId == entryId else {
                throw JournalError.io("index of entry log \(logId) points at the wrong entry")
            }
            return .entry(entry)
        }
    }

    private enum LookupMiss: Error { case noLedger }

    /// Like `read`, but an unknown ledger is `.noSuchLedger` rather than thrown, and a miss on
    /// a ledger in doubt is thrown (`InDoubt`).
    public func lookup(ledgerId: Int64, entryId: Int64) throws -> ReadResult {
        let result: ReadResult
        do { result = try read(ledgerId: ledgerId, entryId: entryId) } catch LookupMiss.noLedger { result = .noSuchLedger }
        if case .entry = result { return result }
        if isInDoubt(ledgerId) { throw InDoubt(ledgerId: ledgerId) }
        return result
    }

    /// A read this bookie cannot answer with a negative: it may have lost the entry.
    public struct InDoubt: Error, CustomStringConvertible {
        public var ledgerId: Int64
        public var description: String {
            "ledger \(ledgerId) may have lost entries on this bookie (its journal was damaged): no negative answers for it"
        }
    }

    public func isInDoubt(_ ledgerId: Int64) -> Bool { lock.withLock { doubtBound.map { ledgerId < $0 } ?? false } }

    /// Enters doubt for every ledger below `ledgerId` (kept by the next checkpoint).
    public func enterDoubt(below ledgerId: Int64) { lock.withLock { doubtBound = max(doubtBound ?? ledgerId, ledgerId) } }

    /// Leaves doubt (kept by the next checkpoint): no ledger below the bound is left.
    public func clearDoubt() { lock.withLock { doubtBound = nil } }

    public func lastAddConfirmed(_ ledgerId: Int64) -> Int64? { lock.withLock { ledgers[ledgerId]?.lastAddConfirmed } }

    public func isFenced(_ ledgerId: Int64) -> Bool { lock.withLock { ledgers[ledgerId]?.fenced ?? false } }

    public var ledgerIds: [Int64] { lock.withLock { Array(ledgers.keys) } }

    public func addCounts() -> [Int64: UInt64] { lock.withLock { ledgers.mapValues(\.adds) } }

    // MARK: Checkpoint

    /// Moves the write cache into a new entry log and records the journal position covered.
    /// Returns the mark, so the caller can delete older journal files. With `spreadOver` (a
    /// periodic checkpoint: its interval), the entry log is written out paced over half of it
    /// (`WritePacing`), so the journals sharing the disk are not stalled behind it.
    @discardableResult
    public func checkpoint(spreadOver interval: Duration? = nil) throws -> JournalMark {
        maintenance.lock()
        defer { maintenance.unlock() }
        // Take every ledger's cached entries in one swap each: adds wait only that long.
        let (taken, mark, logId) = lock.withLock { () -> ([(Int64, [StoredEntry])], JournalMark, UInt64) in
            var taken: [(Int64, [StoredEntry])] = []
            for id in ledgersWithCache {
                guard let ledger = ledgers[id], !ledger.cached.isEmpty else { continue }
                taken.append((id, ledger.cached))
                ledger.cached = []
            }
            ledgersWithCache.removeAll()
            let id = nextEntryLogId
            if !taken.isEmpty { nextEntryLogId += 1 }
            return (taken, journalMark, id)
        }
        // Ordered by ledger and entry id (the order they go to the log); of a rewritten entry
        // only the latest.
        var snapshot: [StoredEntry] = []
        snapshot.reserveCapacity(taken.reduce(0) { $0 + $1.1.count })
        for (_, entries) in taken.sorted(by: { $0.0 < $1.0 }) {
            if zip(entries, entries.dropFirst()).allSatisfy({ $0.entryId < $1.entryId }) {
                snapshot += entries
            } else {
                var latest: [Int64: StoredEntry] = [:]
                for entry in entries { latest[entry.entryId] = entry }
                snapshot += latest.values.sorted { $0.entryId < $1.entryId }
            }
        }
        if !snapshot.isEmpty {
            let items: [EntryLogs.IndexItem]
            let pacing = interval.map { WritePacing.spreading(snapshot.reduce(0) { $0 + 8 + $1.encodedLength }, over: $0) }
            do { items = try entryLogs.write(id: logId, entries: snapshot, pacing: pacing) } catch {
                // Not written: the entries stay cached for the next checkpoint.
                lock.withLock {
                    for (id, entries) in taken {
                        guard let ledger = ledgers[id] else { continue }
                        if ledger.cached.isEmpty { ledgersWithCache.insert(id) }
                        ledger.cached = entries + ledger.cached
                    }
                }
                throw error
            }
            // Re-index in slices, so adds are never held up for the whole log. The log is published
            // (and so can be retired) only when all of it is indexed; entries of it released
            // meanwhile (dropped ledgers) are counted aside.
            lock.withLock { unpublished = (logId, 0) }
            var live = 0
            var start = 0
            while start < snapshot.count {
                let end = min(start + 8192, snapshot.count)
                lock.withLock {
                    for index in start..<end {
                        let (entry, item) = (snapshot[index], items[index])
                        // Still the entry we wrote out (not replaced meanwhile, which caches it again)?
                        // Its digest, length and LAC say so without comparing the payload byte by byte.
                        guard let ledger = ledgers[entry.ledgerId], case let .cached(current)? = ledger.entries[entry.entryId],
                              current.digest == entry.digest, current.length == entry.length,
                              current.lastAddConfirmed == entry.lastAddConfirmed, current.payload.count == entry.payload.count
                        else { continue }
                        ledger.entries[entry.entryId] = .logged(logId: logId, offset: item.offset, length: item.length)
                        cachedBytes -= entry.encodedLength
                        live += 1
                    }
                }
                start = end
            }
            lock.withLock {
                logIds.append(logId)
                logOccupancy[logId] = (live - (unpublished?.released ?? 0), items.count)
                unpublished = nil
            }
        }
        try writeCheckpoint(mark: mark)
        return mark
    }

    private func writeCheckpoint(mark: JournalMark) throws {
        let (state, retired) = lock.withLock { () -> (CheckpointState, [UInt64]) in
            let states = ledgers.map { id, ledger in
                CheckpointState.LedgerState(ledgerId: id, keyHex: Hex.encode(ledger.key), fenced: ledger.fenced,
                                            lastAddConfirmed: ledger.lastAddConfirmed)
            }.sorted { $0.ledgerId < $1.ledgerId }
            defer { retiredLogs.removeAll() }
            var state = CheckpointState(journalMark: mark, entryLogs: logIds, nextEntryLogId: nextEntryLogId, ledgers: states)
            state.doubtBelowLedgerId = doubtBound
            return (state, retiredLogs)
        }
        try files.writeAtomically(ChecksummedFile.seal(state.encoded()), to: checkpointPath)
        lock.withLock { coveredMark = mark }
        for id in retired { entryLogs.delete(id) }
    }

    // MARK: Garbage collection and compaction

    private func release(_ logId: UInt64) {
        if var occupancy = logOccupancy[logId] {
            occupancy.live -= 1
            logOccupancy[logId] = occupancy
        } else if unpublished?.logId == logId {
            unpublished?.released += 1
        }
    }

    /// Forgets ledgers (deleted from metadata); entry logs left without live entries are
    /// retired, to be deleted after the next checkpoint.
    public func dropLedgers(_ ids: [Int64]) {
        lock.withLock {
            for id in ids {
                guard let ledger = ledgers.removeValue(forKey: id) else { continue }
                ledgersWithCache.remove(id)
                for (_, location) in ledger.entries.all {
                    switch location {
                    case let .cached(entry): cachedBytes -= entry.encodedLength
                    case let .logged(logId, _, _): release(logId)
                    }
                }
            }
            retireEmptyLogs()
        }
    }

    private func retireEmptyLogs() {
        for (id, occupancy) in logOccupancy where occupancy.live <= 0 {
            logOccupancy.removeValue(forKey: id)
            logIds.removeAll { $0 == id }
            retiredLogs.append(id)
        }
    }

    /// Rewrites entry logs whose live share is below `threshold` (0...1) into one new log.
    /// Returns how many logs were compacted.
    @discardableResult
    public func compact(threshold: Double) throws -> Int {
        maintenance.lock()
        defer { maintenance.unlock() }
        let victims = lock.withLock {
            logOccupancy.filter { $0.value.total > 0 && Double($0.value.live) / Double($0.value.total) < threshold }.map(\.key)
        }
        guard !victims.isEmpty else { return 0 }
        let victimSet = Set(victims)
        let live: [(Int64, Int64, UInt64, Int64, UInt32)] = lock.withLock {
            var result: [(Int64, Int64, UInt64, Int64, UInt32)] = []
            for (ledgerId, ledger) in ledgers {
                for (entryId, location) in ledger.entries.all {
                    if case let .logged(logId, offset, length) = location, victimSet.contains(logId) {
                        result.append((ledgerId, entryId, logId, offset, length))
                    }
                }
            }
            return result.sorted { ($0.0, $0.1) < ($1.0, $1.1) }
        }
        let entries = try live.map { try entryLogs.read($0.2, offset: $0.3, length: $0.4) }
        let newId = lock.withLock { () -> UInt64 in
            defer { nextEntryLogId += 1 }
            return nextEntryLogId
        }
        let items = entries.isEmpty ? [] : try entryLogs.write(id: newId, entries: entries)
        let mark = lock.withLock { () -> JournalMark in
            var moved = 0
            for (reference, item) in zip(live, items) {
                guard let ledger = ledgers[reference.0],
                      case let .logged(logId, offset, _)? = ledger.entries[reference.1],
                      logId == reference.2, offset == reference.3 else { continue }
                ledger.entries[reference.1] = .logged(logId: newId, offset: item.offset, length: item.length)
                moved += 1
            }
            for id in victims {
                logOccupancy.removeValue(forKey: id)
                logIds.removeAll { $0 == id }
                retiredLogs.append(id)
            }
            if !items.isEmpty {
                logIds.append(newId)
                logOccupancy[newId] = (moved, items.count)
            }
            // Not the journal's current position: entries in the write cache are in no entry log
            // yet, and a restart must still replay them.
            return coveredMark
        }
        try writeCheckpoint(mark: mark)
        logger.info("compacted entry logs", metadata: ["logs": "\(victims.sorted())", "liveEntries": "\(items.count)"])
        return victims.count
    }

    /// Entry log ids with their live and total entry counts (for stats and tests).
    public func occupancy() -> [UInt64: (live: Int, total: Int)] { lock.withLock { logOccupancy } }
}
