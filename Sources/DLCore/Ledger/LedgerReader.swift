import Foundation
import Synchronization

/// Reads a ledger's entries from its bookies: each entry from any replica of its write set,
/// with a speculative read to the next replica when the first is slow; every entry's digest
/// is checked. Does not fence.
public struct LedgerReader: Sendable {
    public let ledgerId: Int64
    public let metadata: LedgerMetadata
    private let key: [UInt8]
    private let connections: BookieConnections
    private let speculativeDelay: Duration
    private let timeout: Duration

    public static func open(store: any MetadataStore, connections: BookieConnections, ledgerId: Int64,
                            speculativeDelay: Duration = .milliseconds(50), timeout: Duration = .seconds(10))
        async throws -> LedgerReader
    {
        guard let node = try await store.getIfExists(ClusterLayout.ledgerPath(ledgerId)) else {
            throw LedgerError.noSuchLedger(ledgerId)
        }
        let metadata = try LedgerMetadata(decoding: node.data)
        return LedgerReader(ledgerId: ledgerId, metadata: metadata, key: LedgerKey.parse(metadata.ledgerKeyHex) ?? [],
                            connections: connections, speculativeDelay: speculativeDelay, timeout: timeout)
    }

    /// The bookies that store `entryId`, in the order to ask them.
    public func replicas(of entryId: Int64) -> [String] {
        let bookies = metadata.ensemble(for: entryId).bookies
        return metadata.writeSet(for: entryId).map { bookies[$0] }
    }

    /// Reads one entry. `noSuchEntry` only when every replica said so explicitly.
    public func read(_ entryId: Int64) async throws -> StoredEntry {
        try await Self.read(entryId: entryId, ledgerId: ledgerId, from: replicas(of: entryId), key: key, fence: false,
                            connections: connections, speculativeDelay: speculativeDelay, timeout: timeout)
    }

    /// What each replica of `entryId` says it holds (a plain read, not fencing): found (with a
    /// valid digest), explicitly missing, or unknown (an error or no answer in time); and the
    /// entry, when a replica had it.
    public func probe(_ entryId: Int64) async -> (replies: [RecoveryRules.EntryReply], entry: StoredEntry?) {
        let replicas = replicas(of: entryId)
        let answers = await Self.ask(entryId: entryId, ledgerId: ledgerId, replicas: replicas, indexes: Array(replicas.indices),
                                     key: key, fence: false, connections: connections, timeout: timeout)
        return (answers.map(\.reply), answers.lazy.compactMap(\.entry).first)
    }

    /// Asks the replicas at `indexes` for entry `entryId` at once (with the fence flag when
    /// `fence`): each one's answer as found (a valid digest), explicitly missing, or unknown.
    static func ask(entryId: Int64, ledgerId: Int64, replicas: [String], indexes: [Int], key: [UInt8], fence: Bool,
                    connections: BookieConnections, timeout: Duration)
        async -> [(index: Int, reply: RecoveryRules.EntryReply, entry: StoredEntry?)]
    {
        await withTaskGroup(of: (index: Int, reply: RecoveryRules.EntryReply, entry: StoredEntry?).self) { group in
            for index in indexes {
                group.addTask {
                    guard let client = try? await connections.client(replicas[index]),
                          let response = try? await client.send(.read(ledgerId: ledgerId, entryId: entryId, fence: fence,
                                                                      ledgerKey: key), timeout: timeout)
                    else { return (index, .unknown, nil) }
                    switch response {
                    case let .read(.ok, _, _, entry?) where entry.hasValidDigest && entry.entryId == entryId: return (index, .found, entry)
                    case .read(.noSuchEntry, _, _, _), .read(.noSuchLedger, _, _, _): return (index, .missing, nil)
                    default: return (index, .unknown, nil)
                    }
                }
            }
            var answers: [(index: Int, reply: RecoveryRules.EntryReply, entry: StoredEntry?)] = []
            for await answer in group { answers.append(answer) }
            return answers
        }
    }

    /// Entries `first...last`, in order.
    public func read(from first: Int64, through last: Int64) async throws -> [StoredEntry] {
        guard first <= last else { return [] }
        return try await withThrowingTaskGroup(of: (Int64, StoredEntry).self) { group in
            for entryId in first...last { group.addTask { (entryId, try await read(entryId)) } }
            var entries: [Int64: StoredEntry] = [:]
            for try await (id, entry) in group { entries[id] = entry }
            return (first...last).map { entries[$0]! }
        }
    }

    /// The last entry readers may read: the closed ledger's last entry, or for an open ledger
    /// the highest LAC the bookies of its last ensemble report.
    public func lastAddConfirmed() async -> Int64 {
        if metadata.state == .closed { return metadata.lastEntryId }
        // Any bookie's LAC is safe to read up to; ask them all at once and take the highest.
        let bookies = metadata.ensembles.last?.bookies ?? []
        return await withTaskGroup(of: Int64.self) { group in
            for bookie in bookies {
                group.addTask { [connections, ledgerId, timeout] in
                    guard let client = try? await connections.client(bookie),
                          case let .readLAC(.ok, _, lac, _)? = try? await client.send(
                            .readLAC(ledgerId: ledgerId, previous: -1, timeoutMillis: 0, piggyback: false), timeout: timeout)
                    else { return -1 }
                    return lac
                }
            }
            var best: Int64 = -1
            for await lac in group { best = max(best, lac) }
            return best
        }
    }

    /// Long-polls the bookies of the last ensemble (one at a time) until one reports a LAC
    /// above `previous` or `wait` passes; returns the highest LAC seen (`previous` if none)
    /// and, when the bookie had it at hand, entry `previous + 1` itself (piggybacked on the
    /// answer, digest checked: a tailing reader needs no second round trip for it).
    public func waitForLastAddConfirmed(after previous: Int64, wait: Duration) async -> (lac: Int64, next: StoredEntry?) {
        if metadata.state == .closed { return (metadata.lastEntryId, nil) }
        let millis = UInt32(clamping: wait.milliseconds)
        for bookie in metadata.ensembles.last?.bookies ?? [] {
            guard let client = try? await connections.client(bookie),
                  case let .readLAC(.ok, _, lac, entry)? = try? await client.send(
                    .readLAC(ledgerId: ledgerId, previous: previous, timeoutMillis: millis, piggyback: true),
                    timeout: wait + timeout)
            else { continue }
            let next = entry.flatMap { $0.ledgerId == ledgerId && $0.entryId == previous + 1 && $0.entryId <= lac && $0.hasValidDigest ? $0 : nil }
            return (max(lac, previous), next)
        }
        return (previous, nil)
    }

    /// Reads `entryId` from `replicas`: asks the first, and the next one each time
    /// `speculativeDelay` passes without an answer or an answer is not the entry.
    static func read(entryId: Int64, ledgerId: Int64, from replicas: [String], key: [UInt8], fence: Bool,
                     connections: BookieConnections, speculativeDelay: Duration, timeout: Duration) async throws -> StoredEntry {
        struct State {
            var done = false
            var answered = 0
            var asked = 0
            var negatives = 0
            var errors: [String] = []
        }
        let state = Locked(State())
        let outcome: Result<StoredEntry, LedgerError> = await withCheckedContinuation { continuation in
            @Sendable func finish(_ result: Result<StoredEntry, LedgerError>) {
                let first = state.withLock { s -> Bool in
                    defer { s.done = true }
                    return !s.done
                }
                if first { continuation.resume(returning: result) }
            }
            @Sendable func answered() {
                let (allIn, negatives, errors) = state.withLock { s in
                    s.answered += 1
                    return (s.answered == replicas.count, s.negatives, s.errors)
                }
                if allIn {
                    finish(.failure(negatives == replicas.count ? .noSuchEntry(ledgerId: ledgerId, entryId: entryId)
                                    : .readFailed(ledgerId: ledgerId, entryId: entryId, reason: errors.joined(separator: "; "))))
                }
            }
            @Sendable func ask(_ index: Int) {
                guard index < replicas.count else { return }
                let go = state.withLock { s -> Bool in
                    guard !s.done, s.asked == index else { return false }
                    s.asked += 1
                    return true
                }
                guard go else { return }
                let bookie = replicas[index]
                Task {
                    try? await Task.sleep(for: speculativeDelay)
                    ask(index + 1)
                }
                Task {
                    do {
                        let client = try await connections.client(bookie)
                        let response = try await client.send(.read(ledgerId: ledgerId, entryId: entryId, fence: fence, ledgerKey: key),
                                                             timeout: timeout)
                        switch response {
                        case let .read(.ok, _, _, entry?) where entry.ledgerId == ledgerId && entry.entryId == entryId:
                            if entry.hasValidDigest {
                                finish(.success(entry))
                            } else {
                                state.withLock { $0.errors.append("\(bookie): digest mismatch") }
                                ask(index + 1)
                                answered()
                            }
                        case .read(.noSuchEntry, _, _, _), .read(.noSuchLedger, _, _, _):
                            state.withLock { $0.negatives += 1 }
                            ask(index + 1)
                            answered()
                        default:
                            state.withLock { $0.errors.append("\(bookie): \(response.status)") }
                            ask(index + 1)
                            answered()
                        }
                    } catch {
                        state.withLock { $0.errors.append("\(bookie): \(error)") }
                        ask(index + 1)
                        answered()
                    }
                }
            }
            ask(0)
        }
        return try outcome.get()
    }
}

/// A value behind a lock, shareable by reference across concurrently running closures.
public final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    public init(_ value: Value) { self.value = value }
    public func withLock<R>(_ body: (inout Value) -> R) -> R {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}
