import Foundation
import Logging

/// A replication worker (every bookie process runs one unless told not to): takes an
/// under-replicated ledger by an ephemeral lock, copies each fragment a lost bookie held from a
/// surviving replica to a bookie outside that fragment's ensemble, then replaces the lost bookie
/// in the ledger's metadata by compare-and-set and removes the mark. A worker that dies
/// mid-copy leaves the metadata as it was (the copy is redone by the next one); an open ledger
/// is left to its writer for a grace period, then fenced and closed by recovery first.
public struct ReplicationWorker: Sendable {
    public let identity: String
    public let openLedgerGrace: Duration
    public let interval: Duration
    private let connections: BookieConnections
    private let throttle: CopyThrottle
    private let logger: Logger

    public init(identity: String, connections: BookieConnections, openLedgerGrace: Duration = .seconds(30),
                interval: Duration = .milliseconds(500), throttle: CopyThrottle = CopyThrottle(bytesPerSecond: nil), logger: Logger) {
        self.identity = identity
        self.connections = connections
        self.throttle = throttle
        self.openLedgerGrace = openLedgerGrace
        self.interval = interval
        self.logger = logger
    }

    /// What became of one mark.
    enum Outcome: Equatable { case replicated, busy, waiting(String), lost(String) }

    /// A mark found to have an entry on no surviving replica, and which of its lost bookies
    /// were registered again then.
    struct LostReport: Equatable {
        var markVersion: Int64
        var back: Set<String>
    }

    public func run(_ store: any MetadataStore) async throws {
        // Listed for `dlctl autorecovery status`; a node left by this bookie's previous session
        // (it restarted before that session expired) goes with that session.
        try await store.createIfAbsent(AutorecoveryLayout.workers + "/" + identity, mode: .ephemeral)
        /// Marks with an entry on no surviving replica: reported once and not copied again each
        /// round, until the mark changes (an operator's or the auditor's) or one of its lost
        /// bookies registers again (it may have come back with its data).
        var lost: [Int64: LostReport] = [:]
        while !Task.isCancelled {
            let marks = try await UnderReplication(store: store).all()
            AutorecoveryCounters.process.underReplicatedLedgers.store(Int64(marks.count), ordering: .relaxed)
            if !marks.isEmpty, try await AutorecoveryLayout.enabled(store) {
                let registered = await ClusterLayout.registeredBookies(store)
                for (id, mark, version) in marks {
                    guard case let .success(mark) = mark, !Task.isCancelled else { continue }
                    let report = LostReport(markVersion: version, back: registered.intersection(mark.lostBookies))
                    guard lost[id] != report else { continue }
                    guard try await AutorecoveryLayout.enabled(store) else { break }
                    let outcome = try await attempt(id, mark, markVersion: version, registered: registered, store: store)
                    if case .lost = outcome { lost[id] = report } else { lost[id] = nil }
                }
            }
            try await Task.sleep(for: interval)
        }
    }

    /// One attempt at ledger `id`, reported; nil when it failed in a way the next round retries.
    private func attempt(_ id: Int64, _ mark: UnderReplicatedLedger, markVersion: Int64, registered: Set<String>,
                         store: any MetadataStore) async throws -> Outcome? {
        let outcome: Outcome
        do {
            outcome = try await replicate(id, mark, markVersion: markVersion, registered: registered, store: store)
        } catch {
            if Task.isCancelled || Self.endsTheSession(error) { throw error }
            // A replica that did not answer, a bookie that refused: the next round tries again.
            logger.warning("re-replication of a ledger failed; trying again", metadata: ["ledger": "\(id)", "error": "\(error)"])
            return nil
        }
        switch outcome {
        case .replicated:
            AutorecoveryCounters.process.ledgersReplicated.add(1, ordering: .relaxed)
            logger.info("ledger re-replicated", metadata: ["ledger": "\(id)", "lost": "\(mark.lostBookies)"])
            // A loss reported earlier no longer stands (its bookie came back, or the ledger was deleted).
            try? await store.delete(AutorecoveryLayout.lost(id), expectedVersion: nil)
        case .busy, .waiting:
            break
        case let .lost(why):
            logger.error("LEDGER DATA LOST: \(why)", metadata: ["ledger": "\(id)"])
            // For `dlctl autorecovery status`, whoever runs it.
            try? await store.createIfAbsent(AutorecoveryLayout.lost(id), data: Array(why.utf8))
        }
        return outcome
    }

    /// Whether `error` ends this worker's use of its metadata session (it starts again on a new one).
    private static func endsTheSession(_ error: any Error) -> Bool {
        guard let error = error as? MetadataError else { return false }
        switch error {
        case .sessionExpired, .closed: return true
        default: return false
        }
    }

    /// Re-replicates ledger `id` under its lock. `registered`: the bookies registered now (a
    /// lost one among them is read from: it may have come back with its data).
    func replicate(_ id: Int64, _ mark: UnderReplicatedLedger, markVersion: Int64, registered: Set<String>,
                   store: any MetadataStore) async throws -> Outcome {
        let lock = AutorecoveryLayout.lock(id)
        do {
            try await store.create(lock, data: Array(identity.utf8), mode: .ephemeral)
        } catch MetadataError.nodeExists {
            return .busy
        }
        do {
            let outcome = try await replicateLocked(id, mark, markVersion: markVersion, registered: registered, store: store)
            try? await store.delete(lock, expectedVersion: nil)
            return outcome
        } catch {
            try? await store.delete(lock, expectedVersion: nil)
            throw error
        }
    }

    private func replicateLocked(_ id: Int64, _ mark: UnderReplicatedLedger, markVersion: Int64, registered: Set<String>,
                                 store: any MetadataStore) async throws -> Outcome {
        let marks = UnderReplication(store: store)
        // Handled by another worker since it was listed (gone, or marked again since).
        guard try await store.exists(UnderReplication.path(id)) == markVersion else { return .busy }
        let path = ClusterLayout.ledgerPath(id)
        guard var node = try await store.getIfExists(path) else {
            // Deleted meanwhile: nothing to re-replicate.
            _ = try await marks.clear(id, version: markVersion)
            return .replicated
        }
        var metadata = try LedgerMetadata(decoding: node.data)
        let lost = Set(mark.lostBookies)
        // An open ledger's last ensemble is its writer's: a live writer moves off a lost or
        // decommissioned bookie by itself (an ensemble change). Past the grace period it is
        // taken for dead, and the ledger is fenced and closed by recovery first.
        let candidates = try await WritableBookies.list(store).filter { !lost.contains($0) }
        if metadata.state != .closed, let last = metadata.ensembles.last, !lost.isDisjoint(with: last.bookies) {
            // Fenced only when its last ensemble can then be re-replicated: a writer going on
            // without a bookie nobody can replace (too few bookies) is better left writing.
            let replaceable = last.bookies.enumerated().filter { lost.contains($0.element) }.allSatisfy { index, bookie in
                let fragment = ReplicaRules.Fragment(firstEntryId: last.firstEntryId, lastEntryId: last.firstEntryId, index: index, bookie: bookie)
                return ReplicaRules.replacement(for: fragment, of: metadata, ledgerId: id, candidates: candidates) != nil
            }
            let age = Int64(Date().timeIntervalSince1970 * 1000) - mark.markedAtMillis
            if replaceable && age >= openLedgerGrace.milliseconds {
                logger.info("recovering an open under-replicated ledger", metadata: ["ledger": "\(id)"])
                _ = try await LedgerRecovery.recover(store: store, connections: connections, ledgerId: id)
                guard let recovered = try await store.getIfExists(path) else { return .replicated }
                node = recovered
                metadata = try LedgerMetadata(decoding: node.data)
            }
        }
        let writersEnsemble = metadata.state == .closed ? nil : metadata.ensembles.count - 1
        let key = LedgerKey.parse(metadata.ledgerKeyHex) ?? []
        let reader = try await LedgerReader.open(store: store, connections: connections, ledgerId: id, timeout: .seconds(5))
        var updated = metadata
        for (position, ensemble) in metadata.ensembles.enumerated() where position != writersEnsemble {
            let next = position + 1 < metadata.ensembles.count ? metadata.ensembles[position + 1].firstEntryId : Int64.max
            for (index, bookie) in ensemble.bookies.enumerated() where lost.contains(bookie) {
                let fragment = ReplicaRules.Fragment(firstEntryId: ensemble.firstEntryId,
                                                     lastEntryId: min(next - 1, metadata.state == .closed ? metadata.lastEntryId : next - 1),
                                                     index: index, bookie: bookie)
                guard let target = ReplicaRules.replacement(for: fragment, of: updated, ledgerId: id, candidates: candidates) else {
                    return .waiting("no writable bookie outside the ensemble of ledger \(id) from entry \(fragment.firstEntryId)")
                }
                if let unreadable = try await copy(fragment, of: metadata, reader: reader, key: key, to: target,
                                                   unreachable: lost.subtracting(registered)) {
                    return .lost("entry \(unreadable) of ledger \(id) is on no surviving replica")
                }
                AutorecoveryCounters.process.fragmentsCopied.add(1, ordering: .relaxed)
                guard let replaced = ReplicaRules.replacing(fragment, with: target, in: updated) else {
                    return .waiting("ledger \(id) changed while it was re-replicated")
                }
                updated = replaced
            }
        }
        // One compare-and-set for the whole ledger: a worker killed before it leaves the
        // metadata as it was; one that loses the race to a writer's change copies again.
        if updated != metadata {
            guard try await store.compareAndSet(path, data: updated.encoded(), version: node.version) != nil else {
                return .waiting("ledger \(id) changed while it was re-replicated")
            }
        }
        if let writersEnsemble, !lost.isDisjoint(with: updated.ensembles[writersEnsemble].bookies) {
            return .waiting("ledger \(id) is open and its writer still writes to \(lost.sorted().joined(separator: ", "))")
        }
        _ = try await marks.clear(id, version: markVersion)
        return .replicated
    }

    /// Copies the entries of `fragment` to `target` as recovery adds; returns the first entry
    /// no surviving replica holds (all its replicas lost, or every one that answered says it
    /// lacks it), if any.
    private func copy(_ fragment: ReplicaRules.Fragment, of metadata: LedgerMetadata, reader: LedgerReader, key: [UInt8],
                      to target: String, unreachable: Set<String>) async throws -> Int64? {
        let entries = ReplicaRules.entries(of: fragment, in: metadata)
        // Every replica of an entry on a lost bookie that is not back: nothing can bring it back now.
        if let unreplicated = entries.first(where: { reader.replicas(of: $0).allSatisfy(unreachable.contains) }) { return unreplicated }
        let window = 64
        var start = 0
        while start < entries.count {
            let batch = Array(entries[start..<min(start + window, entries.count)])
            let client = try await connections.client(target)
            // Each entry: copied (its size) or on no replica (its id).
            let (missing, bytes) = try await withThrowingTaskGroup(of: (missing: Int64?, bytes: Int).self) { group in
                for entryId in batch {
                    group.addTask {
                        let entry: StoredEntry
                        do { entry = try await reader.read(entryId) } catch LedgerError.noSuchEntry { return (entryId, 0) }
                        let response = try await client.send(.add(ledgerKey: key, entry: entry, recovery: true), timeout: .seconds(10))
                        guard response.status == .ok else {
                            throw LedgerError.readFailed(ledgerId: entry.ledgerId, entryId: entryId,
                                                         reason: "\(target) refused the copy: \(response.status)")
                        }
                        AutorecoveryCounters.process.entriesCopied.add(1, ordering: .relaxed)
                        AutorecoveryCounters.process.bytesCopied.add(Int64(entry.payload.count), ordering: .relaxed)
                        return (nil, entry.payload.count)
                    }
                }
                var missing: [Int64] = []
                var bytes = 0
                for try await result in group {
                    if let id = result.missing { missing.append(id) }
                    bytes += result.bytes
                }
                return (missing.min(), bytes)
            }
            if let missing { return missing }
            try await throttle.pace(bytes)
            start += window
        }
        return nil
    }
}
