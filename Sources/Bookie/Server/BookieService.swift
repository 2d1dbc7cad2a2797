import DLCore
import Foundation
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// What a bookie does with each request, apart from the network: admission, journaling,
/// reads, fencing, long polls. Replies go through the `respond` closure each request comes
/// with, called exactly once, on any thread.
public final class BookieService: Sendable {
    public let bookieId: String
    public let storage: LedgerStorage
    public let journal: Journal
    public let counters = BookieCounters()
    let longPolls = LongPolls()
    /// Reads from entry logs run here, off the event loops; nil runs them inline (tests).
    private let readPool: NIOThreadPool?
    /// Fencing (recovery) reads run here, apart from bulk reads: a recovery never waits behind
    /// a catch-up reader. Nil: on `readPool`.
    private let recoveryPool: NIOThreadPool?
    private let readOnly = Atomic<Bool>(false)
    /// Held from admitting an add or fence until it is queued in the journal.
    private let admission = Mutex<Void>(())
    /// Adds are refused with tooManyRequests while the write cache holds more than this.
    private let maxWriteCacheBytes: Int
    public let authToken: [UInt8]?
    private let logger: Logger

    public init(bookieId: String, storage: LedgerStorage, journal: Journal, readPool: NIOThreadPool?,
                recoveryPool: NIOThreadPool? = nil, authToken: [UInt8]?, maxWriteCacheBytes: Int = 512 * 1024 * 1024,
                logger: Logger) {
        self.bookieId = bookieId
        self.storage = storage
        self.journal = journal
        self.readPool = readPool
        self.recoveryPool = recoveryPool
        self.authToken = authToken
        self.maxWriteCacheBytes = maxWriteCacheBytes
        self.logger = logger
    }

    public var isReadOnly: Bool {
        get { readOnly.load(ordering: .relaxed) }
    }

    public func setReadOnly(_ value: Bool) { readOnly.store(value, ordering: .relaxed) }

    /// Called by storage when a ledger's LAC advances.
    public func lastAddConfirmedAdvanced(ledgerId: Int64, to lac: Int64) {
        longPolls.lastAddConfirmedAdvanced(ledgerId: ledgerId, to: lac)
    }

    public typealias Respond = @Sendable (BookieResponse) -> Void

    /// One add of a connection's burst; `tag` is the caller's (its request id), handed back
    /// with the reply.
    public struct AddRequest: Sendable {
        public var tag: UInt64
        public var ledgerKey: [UInt8]
        public var entry: StoredEntry
        public var recovery: Bool

        public init(tag: UInt64, ledgerKey: [UInt8], entry: StoredEntry, recovery: Bool) {
            self.tag = tag
            self.ledgerKey = ledgerKey
            self.entry = entry
            self.recovery = recovery
        }
    }

    /// Replies to some adds of a burst, each with its tag; called once for refusals (at once)
    /// and once for the journaled rest (when durable, or failed), on any thread.
    public typealias RespondToAdds = @Sendable ([(tag: UInt64, response: BookieResponse)]) -> Void

    /// Handles one authenticated request.
    public func handle(_ request: BookieRequest, on eventLoop: any EventLoop, respond: @escaping Respond) {
        switch request {
        case let .add(key, entry, recovery):
            add([AddRequest(tag: 0, ledgerKey: key, entry: entry, recovery: recovery)]) { replies in
                for reply in replies { respond(reply.response) }
            }
        case let .read(ledgerId, entryId, fence, key):
            if fence {
                fenceThenRead(ledgerId: ledgerId, entryId: entryId, key: key, on: eventLoop, respond: respond)
            } else {
                read(ledgerId: ledgerId, entryId: entryId, on: eventLoop, respond: respond)
            }
        case let .readLAC(ledgerId, previous, timeout, piggyback):
            readLastAddConfirmed(ledgerId: ledgerId, previous: previous, timeoutMillis: timeout, piggyback: piggyback,
                                 on: eventLoop, respond: respond)
        case .info:
            respond(.info(.ok, json: infoJSON()))
        case .auth:
            respond(.auth(.ok))
        }
    }

    /// Adds a burst of entries: checked, admitted under one lock, journaled as one batch and
    /// answered together once durable. Refusals are answered at once.
    public func add(_ requests: [AddRequest], respond: @escaping RespondToAdds) {
        guard !requests.isEmpty else { return }
        let arrived = DispatchTime.now().uptimeNanoseconds
        let counters = self.counters
        var refusals: [(tag: UInt64, response: BookieResponse)] = []
        func refuse(_ request: Int, _ status: BookieStatus) {
            let entry = requests[request].entry
            refusals.append((requests[request].tag, .add(status, ledgerId: entry.ledgerId, entryId: entry.entryId)))
        }
        let cacheFull = storage.writeCacheBytes > maxWriteCacheBytes
        let readOnly = isReadOnly
        var checked: [Int] = []
        checked.reserveCapacity(requests.count)
        for index in requests.indices {
            if readOnly && !requests[index].recovery {
                refuse(index, .readOnly)
            } else if requests[index].entry.ledgerId < 0 || requests[index].entry.entryId < 0
                        || !requests[index].entry.hasValidDigest {
                refuse(index, .badRequest)
            } else if cacheFull {
                refuse(index, .tooManyRequests)
            } else {
                checked.append(index)
            }
        }
        /// What the reply to a journaled add needs (no payload kept alive for it).
        struct Journaled {
            var tag: UInt64
            var ledgerId: Int64
            var entryId: Int64
        }
        // Admission and journaling under one lock: the journal's order is the order of
        // admission, so a fence journaled after an add is durable after it too.
        admission.withLock { _ in
            var records: [JournalRecord] = []
            var journaled: [Journaled] = []
            var payloadBytes: UInt64 = 0
            records.reserveCapacity(checked.count)
            journaled.reserveCapacity(checked.count)
            storage.admitting { admit in
                for index in checked {
                    let request = requests[index]
                    if case let .refused(status) = admit(request.ledgerKey, request.entry, request.recovery) {
                        refuse(index, status)
                    } else {
                        records.append(.entry(ledgerKey: request.ledgerKey, entry: request.entry))
                        journaled.append(Journaled(tag: request.tag, ledgerId: request.entry.ledgerId,
                                                   entryId: request.entry.entryId))
                        payloadBytes += UInt64(request.entry.payload.count)
                    }
                }
            }
            guard !records.isEmpty else { return }
            let replies = journaled
            let bytes = payloadBytes
            let queued = journal.append(records) { outcome in
                let status: BookieStatus = outcome == .durable ? .ok : .ioError
                if status == .ok {
                    counters.count(counters.adds, UInt64(replies.count))
                    counters.count(counters.addBytes, bytes)
                    counters.addLatency.record(nanos: DispatchTime.now().uptimeNanoseconds - arrived, count: UInt64(replies.count))
                }
                respond(replies.map { ($0.tag, .add(status, ledgerId: $0.ledgerId, entryId: $0.entryId)) })
            }
            if !queued {
                let status: BookieStatus = journal.failureReason == nil ? .tooManyRequests : .ioError
                refusals += replies.map { ($0.tag, .add(status, ledgerId: $0.ledgerId, entryId: $0.entryId)) }
            }
        }
        if !refusals.isEmpty {
            counters.count(counters.addsRefused, UInt64(refusals.count))
            respond(refusals)
        }
    }

    private func read(ledgerId: Int64, entryId: Int64, on eventLoop: any EventLoop, recovery: Bool = false,
                      respond: @escaping Respond) {
        guard entryId >= -1 else {
            return respond(.read(.badRequest, ledgerId: ledgerId, entryId: entryId, entry: nil))
        }
        let storage = self.storage
        let counters = self.counters
        let logger = self.logger
        let work: @Sendable (NIOThreadPool.WorkItemState) -> Void = { state in
            guard state == .active else {
                return respond(.read(.ioError, ledgerId: ledgerId, entryId: entryId, entry: nil))
            }
            do {
                switch try storage.lookup(ledgerId: ledgerId, entryId: entryId) {
                case let .entry(entry):
                    counters.count(counters.reads)
                    counters.count(counters.readBytes, UInt64(entry.payload.count))
                    respond(.read(.ok, ledgerId: ledgerId, entryId: entry.entryId, entry: entry))
                case .noSuchEntry:
                    respond(.read(.noSuchEntry, ledgerId: ledgerId, entryId: entryId, entry: nil))
                case .noSuchLedger:
                    respond(.read(.noSuchLedger, ledgerId: ledgerId, entryId: entryId, entry: nil))
                }
            } catch {
                logger.error("read failed", metadata: ["ledger": "\(ledgerId)", "entry": "\(entryId)", "error": "\(error)"])
                respond(.read(.ioError, ledgerId: ledgerId, entryId: entryId, entry: nil))
            }
        }
        if let pool = recovery ? recoveryPool ?? readPool : readPool { pool.submit(work) } else { work(.active) }
    }

    /// Fences at once in memory, journals the fence, and reads only once it is durable.
    private func fenceThenRead(ledgerId: Int64, entryId: Int64, key: [UInt8], on eventLoop: any EventLoop,
                               respond: @escaping Respond) {
        let queued: Bool? = admission.withLock { _ in
            if case let .refused(status) = storage.admitFence(ledgerId: ledgerId, ledgerKey: key) {
                respond(.read(status, ledgerId: ledgerId, entryId: entryId, entry: nil))
                return nil
            }
            return journal.append(.fence(ledgerId: ledgerId, ledgerKey: key)) { [self] outcome in
                switch outcome {
                case .durable: read(ledgerId: ledgerId, entryId: entryId, on: eventLoop, recovery: true, respond: respond)
                case .failed: respond(.read(.ioError, ledgerId: ledgerId, entryId: entryId, entry: nil))
                }
            }
        }
        if queued == false { respond(.read(.ioError, ledgerId: ledgerId, entryId: entryId, entry: nil)) }
    }

    private func readLastAddConfirmed(ledgerId: Int64, previous: Int64, timeoutMillis: UInt32, piggyback: Bool,
                                      on eventLoop: any EventLoop, respond: @escaping Respond) {
        let storage = self.storage
        @Sendable func reply(_ lac: Int64) {
            var entry: StoredEntry?
            if piggyback, lac > previous, case let .entry(next)? = try? storage.lookup(ledgerId: ledgerId, entryId: previous + 1) {
                entry = next
            }
            respond(.readLAC(.ok, ledgerId: ledgerId, lastAddConfirmed: lac, entry: entry))
        }
        guard let current = storage.lastAddConfirmed(ledgerId) else {
            let status: BookieStatus = storage.isInDoubt(ledgerId) ? .ioError : .noSuchLedger
            return respond(.readLAC(status, ledgerId: ledgerId, lastAddConfirmed: -1, entry: nil))
        }
        if current > previous || timeoutMillis == 0 { return reply(current) }
        let token = longPolls.park(ledgerId: ledgerId, previous: previous) { lac in reply(lac) }
        // A LAC applied between the check above and parking must not be missed.
        if let now = storage.lastAddConfirmed(ledgerId), now > previous {
            longPolls.lastAddConfirmedAdvanced(ledgerId: ledgerId, to: now)
        }
        let longPolls = self.longPolls
        eventLoop.scheduleTask(in: .milliseconds(Int64(timeoutMillis))) {
            if longPolls.cancel(ledgerId: ledgerId, token: token) {
                reply(storage.lastAddConfirmed(ledgerId) ?? -1)
            }
        }
    }

    // MARK: Info

    public var registrationState: BookieRegistration.State { isReadOnly ? .readonly : .available }

    public let startedAtMillis = Int64(Date().timeIntervalSince1970 * 1000)

    public func info() -> BookieInfo {
        let addsPerLedger = storage.addCounts().sorted { $0.value > $1.value }.prefix(20)
        let stats = BookieInfo.Stats(
            adds: counters.adds.load(ordering: .relaxed), addBytes: counters.addBytes.load(ordering: .relaxed),
            reads: counters.reads.load(ordering: .relaxed), readBytes: counters.readBytes.load(ordering: .relaxed),
            addsRefused: counters.addsRefused.load(ordering: .relaxed), journalSyncs: journal.syncCount,
            journalSyncLatency: journal.syncLatency.snapshot(), addLatency: counters.addLatency.snapshot(),
            journalQueueDepth: journal.queueDepth,
            addsPerLedger: Dictionary(uniqueKeysWithValues: addsPerLedger.map { (String($0.key), $0.value) }))
        var info = BookieInfo(bookieId: bookieId, state: registrationState, dataDirectory: storage.directory, pid: getpid(),
                              startedAtMillis: startedAtMillis, disk: DiskUsage.measure(storage.directory),
                              ledgers: storage.ledgerIds.count, writeCacheBytes: storage.writeCacheBytes, stats: stats)
        info.doubtBelowLedgerId = storage.doubtBelowLedgerId
        return info
    }

    func infoJSON() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array((try? encoder.encode(info())) ?? Data("{}".utf8))
    }
}

/// Disk usage of the file system holding a directory.
public enum DiskUsage {
    public static func measure(_ path: String) -> BookieInfo.Disk {
        var stats = statvfs()
        guard statvfs(path, &stats) == 0 else { return BookieInfo.Disk(totalBytes: 0, usedBytes: 0) }
        let total = Int64(stats.f_blocks) * Int64(stats.f_frsize)
        let available = Int64(stats.f_bavail) * Int64(stats.f_frsize)
        return BookieInfo.Disk(totalBytes: total, usedBytes: total - available)
    }
}
