import Foundation

/// Opens a ledger with recovery: what makes a new writer safe (DESIGN.md section 5).
///
/// Marks the ledger IN_RECOVERY, fences the bookies of its last ensemble (reading each one's
/// last entry with the fence flag) until no write set can still reach an ack quorum for the
/// old writer, reads forward from the LAC with the fence flag, re-writes every entry found as
/// a recovery add to its whole write set, and stops at the first entry that Qw - Qa + 1
/// bookies explicitly lack (errors and hung bookies are never taken as negatives). Then it
/// closes the ledger by compare-and-set; concurrent recoverers converge on one result.
public enum LedgerRecovery {
    public struct Outcome: Sendable, Equatable {
        public var lastEntryId: Int64
        public var length: Int64
        /// Entries found beyond the LAC and re-written.
        public var recoveredEntries: Int
        /// False when the ledger was already closed (by its writer or another recoverer).
        public var closedByThisRecovery: Bool
    }

    public static func recover(store: any MetadataStore, connections: BookieConnections, ledgerId: Int64,
                               timeout: Duration = .seconds(60)) async throws -> Outcome {
        let path = ClusterLayout.ledgerPath(ledgerId)
        guard var node = try await store.getIfExists(path) else { throw LedgerError.noSuchLedger(ledgerId) }
        var metadata = try LedgerMetadata(decoding: node.data)
        if metadata.state == .closed {
            return Outcome(lastEntryId: metadata.lastEntryId, length: metadata.length, recoveredEntries: 0, closedByThisRecovery: false)
        }
        if metadata.state == .open {
            var marked = metadata
            marked.state = .inRecovery
            if let version = try await store.compareAndSet(path, data: marked.encoded(), version: node.version) {
                node = VersionedData(data: marked.encoded(), version: version)
                metadata = marked
            } else {
                return try await recover(store: store, connections: connections, ledgerId: ledgerId, timeout: timeout)
            }
        }
        let key = LedgerKey.parse(metadata.ledgerKeyHex) ?? []
        let deadline = ContinuousClock.now + timeout
        let last = metadata.ensembles.last!
        let lac = try await fence(ledgerId: ledgerId, bookies: last.bookies, key: key, metadata: metadata,
                                  connections: connections, deadline: deadline)
        var entryId = max(lac, last.firstEntryId - 1) + 1
        var lastEntry: StoredEntry?
        var recovered = 0
        if lac >= 0 {
            lastEntry = try await LedgerReader.read(entryId: lac, ledgerId: ledgerId, from: replicas(metadata, lac), key: key,
                                                     fence: true, connections: connections, speculativeDelay: .milliseconds(50),
                                                     timeout: .seconds(5))
        }
        // Read ahead in batches (entries past the LAC can be many: the writer's window), then
        // decide in entry order: everything before the first missing entry is re-written.
        let fenced = metadata
        while true {
            let batch = (entryId..<(entryId + recoveryBatch)).map { $0 }
            let verdicts = try await withThrowingTaskGroup(of: (Int64, Forward).self) { group in
                for id in batch {
                    group.addTask {
                        (id, try await readForward(id, ledgerId: ledgerId, metadata: fenced, key: key, connections: connections,
                                                   deadline: deadline))
                    }
                }
                var results: [Int64: Forward] = [:]
                for try await (id, verdict) in group { results[id] = verdict }
                return batch.map { results[$0]! }
            }
            var found: [StoredEntry] = []
            var reachedEnd = false
            for verdict in verdicts {
                guard case let .found(entry) = verdict else {
                    reachedEnd = true
                    break
                }
                found.append(entry)
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for entry in found {
                    group.addTask { try await rewrite(entry, metadata: fenced, key: key, connections: connections, deadline: deadline) }
                }
                try await group.waitForAll()
            }
            if let last = found.last { lastEntry = last }
            recovered += found.count
            entryId += Int64(found.count)
            if reachedEnd {
                let lastId = entryId - 1
                let length = lastId < 0 ? 0 : (lastEntry?.entryId == lastId ? lastEntry!.length : 0)
                return try await close(store: store, path: path, node: node, metadata: metadata, lastEntryId: lastId,
                                       length: length, recovered: recovered, connections: connections, timeout: timeout)
            }
        }
    }

    /// Entries read ahead at once during the forward read.
    static let recoveryBatch: Int64 = 64

    private static func replicas(_ metadata: LedgerMetadata, _ entryId: Int64) -> [String] {
        let bookies = metadata.ensemble(for: entryId).bookies
        return metadata.writeSet(for: entryId).map { bookies[$0] }
    }

    /// Fence-reads each bookie's last entry until the coverage rule holds; returns the LAC.
    private static func fence(ledgerId: Int64, bookies: [String], key: [UInt8], metadata: LedgerMetadata,
                              connections: BookieConnections, deadline: ContinuousClock.Instant) async throws -> Int64 {
        var replies = [RecoveryRules.FenceReply](repeating: .unknown, count: bookies.count)
        while true {
            await withTaskGroup(of: (Int, RecoveryRules.FenceReply).self) { group in
                for (index, bookie) in bookies.enumerated() where replies[index] == .unknown {
                    group.addTask {
                        guard let client = try? await connections.client(bookie),
                              let response = try? await client.send(.read(ledgerId: ledgerId, entryId: -1, fence: true, ledgerKey: key),
                                                                    timeout: .seconds(3)) else { return (index, .unknown) }
                        switch response {
                        case let .read(.ok, _, _, entry?) where entry.hasValidDigest:
                            return (index, .lastEntry(entryId: entry.entryId, lastAddConfirmed: entry.lastAddConfirmed))
                        case .read(.noSuchEntry, _, _, _), .read(.noSuchLedger, _, _, _):
                            return (index, .empty)
                        default:
                            return (index, .unknown)
                        }
                    }
                }
                for await (index, reply) in group { replies[index] = reply }
            }
            if RecoveryRules.fencedEnough(replies, writeQuorum: metadata.writeQuorum, ackQuorum: metadata.ackQuorum) {
                return RecoveryRules.lastAddConfirmed(replies)
            }
            guard ContinuousClock.now < deadline else {
                throw LedgerError.recoveryFailed(ledgerId: ledgerId, reason: "could not fence enough bookies of \(bookies)")
            }
        }
    }

    private enum Forward { case found(StoredEntry), missing }

    /// Reads one entry with the fence flag from its whole write set until the verdict is clear.
    private static func readForward(_ entryId: Int64, ledgerId: Int64, metadata: LedgerMetadata, key: [UInt8],
                                    connections: BookieConnections, deadline: ContinuousClock.Instant) async throws -> Forward {
        let replicas = replicas(metadata, entryId)
        var replies = [RecoveryRules.EntryReply](repeating: .unknown, count: replicas.count)
        var found: StoredEntry?
        while true {
            let unknown = replicas.indices.filter { replies[$0] == .unknown }
            for answer in await LedgerReader.ask(entryId: entryId, ledgerId: ledgerId, replicas: replicas, indexes: unknown,
                                                 key: key, fence: true, connections: connections, timeout: .seconds(3)) {
                replies[answer.index] = answer.reply
                if let entry = answer.entry { found = entry }
            }
            switch RecoveryRules.verdict(replies, writeQuorum: metadata.writeQuorum, ackQuorum: metadata.ackQuorum) {
            case .found: return .found(found!)
            case .missing: return .missing
            case .undecided:
                guard ContinuousClock.now < deadline else {
                    throw LedgerError.recoveryFailed(ledgerId: ledgerId,
                                                     reason: "entry \(entryId): too few bookies answered (\(replies))")
                }
            }
        }
    }

    /// Re-writes a found entry as recovery adds to its write set, until an ack quorum has it
    /// (as durable as an acknowledged add); a bookie that is down or hung is skipped.
    private static func rewrite(_ entry: StoredEntry, metadata: LedgerMetadata, key: [UInt8], connections: BookieConnections,
                                deadline: ContinuousClock.Instant) async throws {
        let targets = replicas(metadata, entry.entryId)
        var stored = Set<String>()
        while stored.count < metadata.ackQuorum {
            await withTaskGroup(of: String?.self) { group in
                for bookie in targets where !stored.contains(bookie) {
                    group.addTask {
                        guard let client = try? await connections.client(bookie),
                              let response = try? await client.send(.add(ledgerKey: key, entry: entry, recovery: true),
                                                                    timeout: .seconds(3)),
                              response.status == .ok else { return nil }
                        return bookie
                    }
                }
                for await bookie in group { if let bookie { stored.insert(bookie) } }
            }
            if stored.count < metadata.ackQuorum && ContinuousClock.now >= deadline {
                throw LedgerError.recoveryFailed(ledgerId: entry.ledgerId,
                                                 reason: "only \(stored.count) bookies took entry \(entry.entryId) back")
            }
        }
    }

    private static func close(store: any MetadataStore, path: String, node: VersionedData, metadata: LedgerMetadata,
                              lastEntryId: Int64, length: Int64, recovered: Int, connections: BookieConnections,
                              timeout: Duration) async throws -> Outcome {
        var closed = metadata
        closed.state = .closed
        closed.lastEntryId = lastEntryId
        closed.length = length
        if try await store.compareAndSet(path, data: closed.encoded(), version: node.version) != nil {
            return Outcome(lastEntryId: lastEntryId, length: length, recoveredEntries: recovered, closedByThisRecovery: true)
        }
        // Another recoverer closed it first: theirs stands, and it saw the same fenced bookies.
        let current = try LedgerMetadata(decoding: try await store.get(path).data)
        if current.state == .closed {
            return Outcome(lastEntryId: current.lastEntryId, length: current.length, recoveredEntries: recovered,
                           closedByThisRecovery: false)
        }
        let ledgerId = Int64(MetadataPath.name(of: path)) ?? -1
        return try await recover(store: store, connections: connections, ledgerId: ledgerId, timeout: timeout)
    }
}
