import Foundation
import Logging
import NIOCore
import Synchronization

/// The single writer of a replicated ledger: stripes entries over the ensemble, completes each
/// at Qa acknowledgements, strictly in entry order, and replaces a failed bookie through an
/// ensemble change (DESIGN.md section 5).
///
/// The quorum decisions live in `AddQuorum`; this class is the I/O shell around it.
public final class LedgerWriter: @unchecked Sendable {
    public typealias Completion = @Sendable (Result<Int64, LedgerError>) -> Void

    public let ledgerId: Int64
    private let key: [UInt8]
    private let store: any MetadataStore
    private let connections: BookieConnections
    private let addTimeout: Duration
    private let maxOutstanding: Int

    private let lock = NSLock()
    private var metadata: LedgerMetadata { didSet { targets = [] } }
    private var metadataVersion: Int64
    private var quorum: AddQuorum
    /// Sent and not yet complete, in entry order (ids contiguous: the quorum's outstanding).
    private var outstanding = CircularBuffer<PendingAdd>()
    /// A struct, not a tuple: a closure inside a tuple in a generic container is stored
    /// re-wrapped, one allocation per add.
    private struct PendingAdd {
        var entry: StoredEntry
        var completion: Completion
    }
    /// Adds a bookie answered "too many requests", with how often.
    private struct BusyAdd: Hashable {
        var entryId: Int64
        var index: Int
    }
    private var busyRetries: [BusyAdd: Int] = [:]
    private var clients: [Int: BookieClient] = [:] { didSet { targets = [] } }
    /// The current ensemble's members by index, as adds reach them; rebuilt on first use after
    /// the ensemble or a connection changed.
    private var targets: [Target] = []
    private struct Target {
        var bookie: String
        var client: BookieClient?
        var callback: BookieClient.Callback?
    }
    private var length: Int64 = 0
    private var confirmedLength: Int64 = 0
    private var failure: LedgerError?
    private var replacing: Set<Int> = []
    /// How often each member came back after a failure (see `replace`): each return doubles the
    /// wait before the next one, so a bookie that keeps failing adds no fragment a second.
    private var rejoined: [Int: Int] = [:]
    private var windowWaiters: [CheckedContinuation<Void, Never>] = []
    /// Completions taken out of `outstanding` whose callbacks have not finished yet: `close`
    /// waits for them too, so its caller sees every acknowledgement.
    private var completing = 0
    /// Completed adds waiting to be delivered, in entry order, and whether a thread is delivering.
    private var ready: [PendingAdd] = []
    private var delivering = false
    private let changes = Mutex<Task<Void, Never>?>(nil)
    private let decommissionWatch = Mutex<Task<Void, any Error>?>(nil)

    /// Bookie ids in the ensemble that now takes new entries.
    public var ensemble: [String] { lock.withLock { metadata.ensembles.last?.bookies ?? [] } }
    public var lastAddConfirmed: Int64 { lock.withLock { quorum.lastAddConfirmed } }

    /// Creates a ledger (metadata first, so bookies never hold data of an unknown ledger) and
    /// connects to its ensemble, chosen at random among available bookies.
    public static func create(store: any MetadataStore, connections: BookieConnections, ensembleSize: Int,
                              writeQuorum: Int, ackQuorum: Int, password: [UInt8] = [],
                              customMetadata: [String: String] = [:], addTimeout: Duration = .seconds(10),
                              maxOutstanding: Int = 10_000) async throws -> LedgerWriter {
        guard ackQuorum >= 1, writeQuorum >= ackQuorum, ensembleSize >= writeQuorum else {
            throw LedgerError.invalidQuorum("need E >= Qw >= Qa >= 1, got \(ensembleSize)/\(writeQuorum)/\(ackQuorum)")
        }
        guard writeQuorum <= AddQuorum.maxWriteQuorum else {
            throw LedgerError.invalidQuorum("a write quorum of at most \(AddQuorum.maxWriteQuorum), got \(writeQuorum)")
        }
        let available = try await WritableBookies.list(store)
        guard available.count >= ensembleSize else {
            throw LedgerError.notEnoughBookies(needed: ensembleSize, available: available.count)
        }
        let ensemble = Array(available.shuffled().prefix(ensembleSize))
        let ledgerId = try await LedgerIds.next(store)
        let key = LedgerKey.derive(password)
        let metadata = LedgerMetadata(ensembleSize: ensembleSize, writeQuorum: writeQuorum, ackQuorum: ackQuorum,
                                      ensemble: ensemble, ledgerKeyHex: LedgerKey.hex(key),
                                      createdAtMillis: Int64(Date().timeIntervalSince1970 * 1000), customMetadata: customMetadata)
        try await store.create(ClusterLayout.ledgerPath(ledgerId), data: metadata.encoded(), mode: .persistent)
        let writer = LedgerWriter(ledgerId: ledgerId, key: key, store: store, connections: connections, metadata: metadata,
                                  version: 0, addTimeout: addTimeout, maxOutstanding: maxOutstanding)
        for (index, bookie) in ensemble.enumerated() {
            // A bookie that cannot be reached now is replaced by the first add's failure.
            if let client = try? await connections.client(bookie) { writer.lock.withLock { writer.clients[index] = client } }
        }
        writer.followDecommissions()
        return writer
    }

    /// Moves the ensemble off bookies being decommissioned (`dlctl bookie decommission`), as
    /// off a failed bookie: their data then moves without this ledger being fenced.
    private func followDecommissions() {
        let task = Task { [weak self, store] in
            guard try await store.exists(WritableBookies.decommissioning) != nil else { return }
            let events = try await store.watchChildren(WritableBookies.decommissioning)
            await self?.leaveDecommissioned()
            for await event in events {
                guard let self, !Task.isCancelled else { return }
                if case .sessionExpired = event { return }
                await self.leaveDecommissioned()
            }
        }
        decommissionWatch.withLock { $0 = task }
    }

    private func leaveDecommissioned() async {
        guard let leaving = try? await store.children(WritableBookies.decommissioning), !leaving.isEmpty else { return }
        let bookies = lock.withLock { failure == nil ? metadata.ensembles.last?.bookies ?? [] : [] }
        for (index, bookie) in bookies.enumerated() where leaving.contains(bookie) {
            bookieFailed(index: index, bookie: bookie, reason: "\(bookie) is being decommissioned")
        }
    }

    private init(ledgerId: Int64, key: [UInt8], store: any MetadataStore, connections: BookieConnections,
                 metadata: LedgerMetadata, version: Int64, addTimeout: Duration, maxOutstanding: Int) {
        self.ledgerId = ledgerId
        self.key = key
        self.store = store
        self.connections = connections
        self.metadata = metadata
        self.metadataVersion = version
        self.quorum = AddQuorum(ensembleSize: metadata.ensembleSize, writeQuorum: metadata.writeQuorum,
                                ackQuorum: metadata.ackQuorum)
        self.addTimeout = addTimeout
        self.maxOutstanding = maxOutstanding
    }

    // MARK: Adding

    /// Adds an entry; returns its id once Qa bookies have it durably (and every earlier entry
    /// is complete). Waits while `maxOutstanding` adds are in flight.
    @discardableResult
    public func append(_ payload: [UInt8]) async throws(LedgerError) -> Int64 {
        await waitForWindow()
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Int64, LedgerError>, Never>) in
            appendAsync(payload) { continuation.resume(returning: $0) }
        }
        return try result.get()
    }

    /// Waits until fewer than `maxOutstanding` adds are in flight (or the writer failed).
    public func waitUntilAccepting() async { await waitForWindow() }

    private func waitForWindow() async {
        if lock.withLock({ outstanding.count < maxOutstanding || failure != nil }) { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = lock.withLock { () -> Bool in
                if outstanding.count < maxOutstanding || failure != nil { return true }
                windowWaiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Adds an entry; `completion` runs once, in entry order, on some thread.
    /// How often one add is retried on a bookie that answers "too many requests" (about 30 s
    /// of pauses) before the bookie counts as failed.
    static let maxBusyRetries = 120
    private let logger = Logger(label: "dlctl.ledger")

    public func appendAsync(_ payload: [UInt8], completion: @escaping Completion) {
        // lock()/unlock() here and below rather than withLock: closures handed out through a
        // generic function are re-wrapped (allocated) on the way, once per add.
        lock.lock()
        if let failure {
            lock.unlock()
            completion(.failure(failure))
            return
        }
        let entryId = quorum.send()
        length += Int64(payload.count)
        let entry = StoredEntry(ledgerId: ledgerId, entryId: entryId, lastAddConfirmed: quorum.lastAddConfirmed,
                                length: length, payload: payload)
        outstanding.append(PendingAdd(entry: entry, completion: completion))
        if targets.isEmpty { rebuildTargets() }
        let members = targets
        let (writeQuorum, ensembleSize) = (quorum.writeQuorum, quorum.ensembleSize)
        lock.unlock()
        for position in 0..<writeQuorum {
            let index = AddQuorum.member(of: entryId, at: position, ensembleSize: ensembleSize)
            let target = members[index]
            guard let client = target.client, let callback = target.callback else {
                bookieFailed(index: index, bookie: target.bookie, reason: "not connected")
                continue
            }
            client.send(.add(ledgerKey: key, entry: entry, recovery: false), timeout: addTimeout, callback: callback)
        }
    }

    /// Sends one add again (after an ensemble change or a busy answer).
    private func send(_ entry: StoredEntry, to index: Int, client: BookieClient?, bookie: String) {
        guard let client else {
            bookieFailed(index: index, bookie: bookie, reason: "not connected")
            return
        }
        lock.lock()
        let callback = responder(index: index, bookie: bookie, client: client)
        lock.unlock()
        client.send(.add(ledgerKey: key, entry: entry, recovery: false), timeout: addTimeout, callback: callback)
    }

    /// Under the lock.
    private func rebuildTargets() {
        let bookies = metadata.ensembles.last!.bookies
        targets = bookies.indices.map { index in
            let client = clients[index]
            return Target(bookie: bookies[index], client: client,
                          callback: client.map { makeResponder(index: index, bookie: bookies[index], client: $0) })
        }
    }

    /// The callback for a member's add responses: the current target's when it is that
    /// bookie on that connection, else a new one. Under the lock.
    private func responder(index: Int, bookie: String, client: BookieClient) -> BookieClient.Callback {
        if targets.isEmpty { rebuildTargets() }
        let target = targets[index]
        if target.bookie == bookie, target.client === client, let callback = target.callback { return callback }
        return makeResponder(index: index, bookie: bookie, client: client)
    }

    /// One closure serves all of a member's adds (a response names its entry), so a send
    /// allocates none.
    private func makeResponder(index: Int, bookie: String, client: BookieClient) -> BookieClient.Callback {
        { [weak self] result in self?.added(result, index: index, bookie: bookie, client: client) }
    }

    private func added(_ result: Result<BookieResponse, BookieClientError>, index: Int, bookie: String, client: BookieClient) {
        switch result {
        case let .success(.add(status, ledgerId: ledger, entryId: entryId)) where ledger == ledgerId:
            switch status {
            case .ok:
                acknowledged(entryId: entryId, index: index, bookie: bookie)
            case .fenced:
                fail(.fenced(ledgerId))
            case .tooManyRequests:
                retryBusy(entryId: entryId, index: index, bookie: bookie, client: client)
            default:
                bookieFailed(index: index, bookie: bookie, reason: "\(status)")
            }
        case let .success(response):
            bookieFailed(index: index, bookie: bookie, reason: "unexpected answer to an add: \(response.status)")
        case let .failure(error):
            // A send on a connection already replaced (the bookie came back on a new one) says nothing new.
            guard lock.withLock({ clients[index] === client }) else { return }
            bookieFailed(index: index, bookie: bookie, reason: "\(error)")
        }
    }

    /// The bookie is shedding load, not failing: sends the add again after a pause (doubling
    /// from 2 ms to 256 ms), unless it completed or the bookie was replaced meanwhile; after
    /// `maxBusyRetries` the bookie counts as failed.
    private func retryBusy(entryId: Int64, index: Int, bookie: String, client: BookieClient) {
        let retries = lock.withLock { () -> Int in
            if busyRetries.count > 2 * maxOutstanding {
                // Counts of entries complete since: forgotten in bulk, amortised over the adds.
                busyRetries = busyRetries.filter { $0.key.entryId > quorum.lastAddConfirmed }
            }
            let key = BusyAdd(entryId: entryId, index: index)
            busyRetries[key, default: 0] += 1
            return busyRetries[key]!
        }
        guard retries <= Self.maxBusyRetries else {
            bookieFailed(index: index, bookie: bookie, reason: "\(BookieStatus.tooManyRequests)")
            return
        }
        let pause = Duration.milliseconds(2 << min(retries - 1, 7))
        Task {
            try? await Task.sleep(for: pause)
            let entry = lock.withLock { () -> StoredEntry? in
                guard failure == nil, metadata.ensembles.last?.bookies[index] == bookie,
                      let first = outstanding.first?.entry.entryId, entryId >= first,
                      entryId - first < Int64(outstanding.count) else { return nil }
                return outstanding[outstanding.index(outstanding.startIndex, offsetBy: Int(entryId - first))].entry
            }
            if let entry { send(entry, to: index, client: client, bookie: bookie) }
        }
    }

    private func acknowledged(entryId: Int64, index: Int, bookie: String) {
        let deliver = lock.withLock { () -> Bool in
            // A late answer from a bookie that has since been replaced does not count.
            if targets.isEmpty { rebuildTargets() }
            guard targets[index].bookie == bookie, replacing.isEmpty || !replacing.contains(index) else { return false }
            let completed = quorum.acknowledge(entryId: entryId, bookieIndex: index)
            while !outstanding.isEmpty, completed.contains(outstanding[outstanding.startIndex].entry.entryId) {
                let add = outstanding.removeFirst()
                confirmedLength = add.entry.length
                ready.append(add)
                completing += 1
            }
            guard !ready.isEmpty, !delivering else { return false }
            delivering = true
            return true
        }
        if deliver { deliverInOrder() }
    }

    /// Runs completions in entry order. Acknowledgements arrive on several event-loop threads;
    /// one thread at a time drains `ready`, so callbacks never overtake each other.
    private func deliverInOrder() {
        while true {
            let batch = lock.withLock { () -> [PendingAdd] in
                if ready.isEmpty {
                    delivering = false
                    return []
                }
                defer { ready.removeAll(keepingCapacity: true) }
                return ready
            }
            if batch.isEmpty { return }
            for add in batch { add.completion(.success(add.entry.entryId)) }
            let waiters = lock.withLock { () -> [CheckedContinuation<Void, Never>] in
                completing -= batch.count
                defer { windowWaiters.removeAll() }
                return windowWaiters
            }
            for waiter in waiters { waiter.resume() }
        }
    }

    /// Fails every outstanding and future add.
    private func fail(_ error: LedgerError) {
        decommissionWatch.withLock { $0 }?.cancel()
        let (failed, waiters) = lock.withLock { () -> ([Completion], [CheckedContinuation<Void, Never>]) in
            if failure == nil { failure = error }
            let failed = outstanding.map(\.completion)
            outstanding.removeAll()
            defer { windowWaiters.removeAll() }
            return (failed, windowWaiters)
        }
        for completion in failed { completion(.failure(error)) }
        for waiter in waiters { waiter.resume() }
    }

    // MARK: Ensemble change

    private func bookieFailed(index: Int, bookie: String, reason: String) {
        let start = lock.withLock { () -> Bool in
            guard failure == nil, metadata.ensembles.last?.bookies[index] == bookie, !replacing.contains(index) else { return false }
            replacing.insert(index)
            return true
        }
        guard start else { return }
        scheduleReplacement(index: index, bookie: bookie, reason: reason, attempt: 0)
    }

    /// Queues the replacement of a failed bookie: one change at a time, each on the metadata
    /// the previous one left.
    private func scheduleReplacement(index: Int, bookie: String, reason: String, attempt: Int) {
        changes.withLock { previous in
            let before = previous
            previous = Task { [self] in
                await before?.value
                await replace(index: index, bookie: bookie, reason: reason, attempt: attempt)
            }
        }
    }

    /// Replaces member `index` with a bookie outside the ensemble. When there is none but the
    /// others still make an ack quorum, writing goes on without it (a delayed ensemble change)
    /// and the replacement is tried again every second (`attempt` counts the tries); from the
    /// second try on, the failed bookie itself may come back (restarted, or reachable again):
    /// a new fragment from the first unconfirmed entry lists it again, so new entries have their
    /// full write quorum. The entries written without it stay on the others only.
    private func replace(index: Int, bookie failed: String, reason: String, attempt: Int) async {
        do {
            let available = Set(try await WritableBookies.list(store))
            var attempts = 0
            while true {
                attempts += 1
                let (current, version) = lock.withLock { (metadata, metadataVersion) }
                let members = Set(current.ensembles.last!.bookies)
                // A registered bookie may be gone (its session not yet expired): take the first
                // candidate that answers.
                var candidates = available.subtracting(members).shuffled()
                var chosen: (bookie: String, client: BookieClient)?
                while chosen == nil, let candidate = candidates.popLast() {
                    if let client = try? await connections.client(candidate) { chosen = (candidate, client) }
                }
                if chosen == nil, attempt >= 1 << min(lock.withLock { rejoined[index, default: 0] }, 5),
                   available.contains(failed), let client = try? await connections.client(failed) {
                    chosen = (failed, client)
                }
                guard let (replacement, client) = chosen else {
                    throw LedgerError.notEnoughBookies(needed: current.ensembleSize + 1,
                                                       available: available.subtracting([failed]).count)
                }
                var updated = current
                let firstEntry = lock.withLock { quorum.lastAddConfirmed + 1 }
                var bookies = current.ensembles.last!.bookies
                bookies[index] = replacement
                if updated.ensembles.last!.firstEntryId == firstEntry {
                    updated.ensembles[updated.ensembles.count - 1].bookies = bookies
                } else {
                    updated.ensembles.append(.init(firstEntryId: firstEntry, bookies: bookies))
                }
                if let newVersion = try await store.compareAndSet(ClusterLayout.ledgerPath(ledgerId), data: updated.encoded(),
                                                                  version: version) {
                    // Stored: from here the replacement's acknowledgements count.
                    let resend: [(StoredEntry, Int)] = lock.withLock {
                        metadata = updated
                        metadataVersion = newVersion
                        clients[index] = client
                        replacing.remove(index)
                        if replacement == failed { rejoined[index, default: 0] += 1 }
                        let sent = Dictionary(outstanding.map { ($0.entry.entryId, $0.entry) }, uniquingKeysWith: { $1 })
                        return quorum.replace(bookieIndex: index).compactMap { id in sent[id].map { ($0, index) } }
                    }
                    if replacement == failed {
                        logger.notice("ledger \(ledgerId): bookie \(failed) is back; it takes entries again from entry \(firstEntry)")
                    }
                    for (entry, index) in resend { send(entry, to: index, client: client, bookie: replacement) }
                    return
                }
                if attempts >= 5 { throw LedgerError.ensembleChangeFailed(ledgerId: ledgerId, bookie: failed, reason: "metadata kept changing") }
                try await reloadMetadata()
            }
        } catch LedgerError.fenced(let id) {
            fail(.fenced(id))
        } catch let error as LedgerError {
            if case .notEnoughBookies = error, continueWithout(index: index) {
                // Delayed ensemble change: the others still make an ack quorum, so writing
                // goes on without the failed bookie and a replacement is tried again later.
                if attempt == 0 {
                    logger.warning("ledger \(ledgerId): bookie \(failed) failed (\(reason)) and no replacement is available; writing to the others, retrying every second")
                }
                Task { [self] in
                    try? await Task.sleep(for: .seconds(1))
                    retryReplacement(index: index, bookie: failed, reason: reason, attempt: attempt + 1)
                }
            } else {
                await failReplacement(index: index, .ensembleChangeFailed(ledgerId: ledgerId, bookie: failed,
                                                                          reason: "\(reason); no replacement: \(error)"))
            }
        } catch {
            await failReplacement(index: index, .ensembleChangeFailed(ledgerId: ledgerId, bookie: failed,
                                                                      reason: "\(reason); no replacement: \(error)"))
        }
    }

    /// What a close waits for, for its message: the entries not yet acknowledged and by whom.
    private func closingState() -> String {
        lock.withLock {
            let pending = quorum.acknowledgements
            let acks = pending.prefix(4).map { "entry \($0.entryId) acknowledged at \($0.positions)" }.joined(separator: ", ")
            let ensemble = metadata.ensembles.last?.bookies ?? []
            return "\(pending.count) entries (\(acks)) and \(completing) completions; ensemble \(ensemble), writing without \(replacing.sorted())"
        }
    }

    /// Fails the ledger after a replacement failed, with the first cause: when a recovery has
    /// fenced the ledger (this writer was paused, another took over), the failed bookie and the
    /// metadata session that expired meanwhile are symptoms, and the error is the fencing.
    private func failReplacement(index: Int, _ error: LedgerError) async {
        fail(await fencedByRecovery(except: index) ? .fenced(ledgerId) : error)
    }

    /// Whether the ensemble's other members refuse this writer's adds as fenced: the first
    /// outstanding entry is sent to them again (an add they may already hold, so harmless).
    private func fencedByRecovery(except failedIndex: Int) async -> Bool {
        let (entry, members) = lock.withLock { (outstanding.first?.entry, clients.filter { $0.key != failedIndex }.map(\.value)) }
        guard let entry else { return false }
        for client in members {
            let answer = try? await client.send(.add(ledgerKey: key, entry: entry, recovery: false), timeout: .seconds(2))
            if answer?.status == .fenced { return true }
        }
        return false
    }

    /// True when the bookies not failed still make an ack quorum of every write set.
    private func continueWithout(index: Int) -> Bool {
        lock.withLock { failure == nil && metadata.writeQuorum - replacing.count >= metadata.ackQuorum }
    }

    /// Tries again to replace a bookie the ledger is writing without.
    private func retryReplacement(index: Int, bookie: String, reason: String, attempt: Int) {
        let still = lock.withLock { failure == nil && replacing.contains(index) && metadata.ensembles.last?.bookies[index] == bookie }
        if still { scheduleReplacement(index: index, bookie: bookie, reason: reason, attempt: attempt) }
    }

    /// Re-reads the ledger's metadata after a lost compare-and-set; a ledger no longer open
    /// was fenced by a recovery.
    private func reloadMetadata() async throws {
        let fresh = try await store.get(ClusterLayout.ledgerPath(ledgerId))
        let freshMetadata = try LedgerMetadata(decoding: fresh.data)
        if freshMetadata.state != .open { throw LedgerError.fenced(ledgerId) }
        lock.withLock {
            metadata = freshMetadata
            metadataVersion = fresh.version
        }
    }

    // MARK: Closing

    /// Waits until every add sent so far is acknowledged (or the ledger failed).
    public func waitForOutstanding() async {
        while lock.withLock({ (!outstanding.isEmpty || completing > 0) && failure == nil }) {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let wait = lock.withLock { () -> Bool in
                    if (outstanding.isEmpty && completing == 0) || failure != nil { return false }
                    windowWaiters.append(continuation)
                    return true
                }
                if !wait { continuation.resume() }
            }
        }
    }

    /// Waits for outstanding adds, then closes the ledger in metadata with its last entry.
    /// Returns (last entry id, length).
    @discardableResult
    public func close() async throws -> (lastEntryId: Int64, length: Int64) {
        // A close that waits long says what for: the entries not yet acknowledged, by whom.
        let watchdog = Task { [self] in
            try await Task.sleep(for: .seconds(10))
            logger.warning("ledger \(ledgerId): closing has waited 10 s for \(closingState())")
        }
        defer { watchdog.cancel() }
        await waitForOutstanding()
        await changes.withLock { $0 }?.value
        if let failure = lock.withLock({ failure }) { throw failure }
        var attempts = 0
        while true {
            attempts += 1
            let (current, version, last, length) = lock.withLock { (metadata, metadataVersion, quorum.lastAddConfirmed, confirmedLength) }
            var closed = current
            closed.state = .closed
            closed.lastEntryId = last
            closed.length = length
            if let newVersion = try await store.compareAndSet(ClusterLayout.ledgerPath(ledgerId), data: closed.encoded(),
                                                              version: version) {
                lock.withLock {
                    metadata = closed
                    metadataVersion = newVersion
                    failure = .closed(ledgerId)
                }
                decommissionWatch.withLock { $0 }?.cancel()
                return (last, length)
            }
            if attempts >= 5 { throw LedgerError.recoveryFailed(ledgerId: ledgerId, reason: "metadata kept changing while closing") }
            try await reloadMetadata()
        }
    }
}

/// The key bookies check on every add: derived from the ledger password.
public enum LedgerKey {
    public static func derive(_ password: [UInt8]) -> [UInt8] {
        // Two CRC32C lanes over salted copies: a stable 8-byte key, not a secret.
        let first = CRC32C.checksum(Array("dlctl-ledger-key".utf8) + password)
        let second = CRC32C.checksum(password + Array("dlctl-ledger-key".utf8), continuing: first)
        return withUnsafeBytes(of: (first.bigEndian, second.bigEndian)) { Array($0) }
    }

    public static func hex(_ key: [UInt8]) -> String { key.map { String(format: "%02x", $0) }.joined() }

    public static func parse(_ hex: String) -> [UInt8]? {
        let chars = Array(hex)
        guard chars.count % 2 == 0 else { return nil }
        return stride(from: 0, to: chars.count, by: 2).compactMap { UInt8(String(chars[$0...$0 + 1]), radix: 16) }
    }
}
