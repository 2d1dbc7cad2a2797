import Foundation
import Logging

/// The cluster's auditor (one at a time, elected by an ephemeral node; a new one takes over
/// when its holder's session ends). Each round (when AuditScanSchedule says the ledgers may
/// have changed) it compares the bookies the ledgers reference with the registered ones; a
/// bookie gone for longer than the delay is lost, and every ledger that references it is
/// marked under-replicated for the workers.
public struct Auditor: Sendable {
    public let identity: String
    public let lostBookieDelay: Duration
    public let interval: Duration
    private let logger: Logger

    /// How often closed ledgers are checked (sampled) for entries a replica lacks; nil: never.
    public let checkInterval: Duration?
    private let connections: BookieConnections

    public init(identity: String, lostBookieDelay: Duration, checkInterval: Duration? = .seconds(3600), interval: Duration = .seconds(1),
                connections: BookieConnections, logger: Logger) {
        self.identity = identity
        self.lostBookieDelay = lostBookieDelay
        self.checkInterval = checkInterval
        self.interval = interval
        self.connections = connections
        self.logger = logger
    }

    /// Stands for election and audits while elected, until cancelled or the session ends.
    public func run(_ store: any MetadataStore) async throws {
        while !Task.isCancelled {
            if try await elect(store) {
                logger.info("auditor elected", metadata: ["auditor": "\(identity)"])
                try await audit(store)
                return
            }
            // Someone else audits: wait for its node to go (its session ended or it stopped).
            let events = try await store.watch(AutorecoveryLayout.auditor)
            if try await store.exists(AutorecoveryLayout.auditor) != nil {
                for await event in events {
                    if case .sessionExpired = event { throw MetadataError.sessionExpired }
                    if case .deleted = event { break }
                }
            }
        }
    }

    private func elect(_ store: any MetadataStore) async throws -> Bool {
        do {
            try await store.create(AutorecoveryLayout.auditor, data: Array(identity.utf8), mode: .ephemeral)
            return true
        } catch MetadataError.nodeExists {
            return false
        }
    }

    private func audit(_ store: any MetadataStore) async throws {
        var clock = LostBookieClock(delay: lostBookieDelay)
        var schedule = AuditScanSchedule(refresh: Self.refresh)
        var reported = Set<String>()
        var nextCheck = checkInterval.map { ContinuousClock.now + $0 }
        while !Task.isCancelled {
            if try await AutorecoveryLayout.enabled(store) {
                try await round(store, clock: &clock, schedule: &schedule, reported: &reported)
                if let due = nextCheck, ContinuousClock.now >= due, let checkInterval {
                    let marked = try await Self.checkClosedLedgers(store, connections: connections, sample: Self.sampledEntries)
                    if marked > 0 { logger.warning("periodic check marked ledgers under-replicated", metadata: ["ledgers": "\(marked)"]) }
                    nextCheck = .now + checkInterval
                }
            }
            try await Task.sleep(for: interval)
        }
    }

    /// How often the auditor reads every ledger's metadata when no bookie came, went or is missing.
    public static let refresh = Duration.seconds(60)

    /// One look: the registered bookies, the ledgers (when due), the marks for the lost.
    private func round(_ store: any MetadataStore, clock: inout LostBookieClock, schedule: inout AuditScanSchedule,
                       reported: inout Set<String>) async throws {
        let registered = await ClusterLayout.registeredBookies(store)
        guard schedule.due(registered: registered, anyMissing: !clock.missing(now: .now).isEmpty, now: .now) else { return }
        let ledgers = try await Self.ledgers(store)
        let referenced = Set(ledgers.flatMap { $0.metadata.ensembles.flatMap(\.bookies) })
        let lost = Set(clock.observe(registered: registered, referenced: referenced, now: .now))
        for bookie in lost.subtracting(reported) {
            logger.warning("bookie lost: re-replicating its ledgers", metadata: ["bookie": "\(bookie)", "delay": "\(lostBookieDelay)"])
        }
        reported = lost
        guard !lost.isEmpty else { return }
        let marks = UnderReplication(store: store)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        for (id, metadata) in ledgers {
            let named = lost.filter { ReplicaRules.references(metadata, $0) }
            guard !named.isEmpty else { continue }
            let through = ReplicaRules.settledEnd(of: metadata)
            let fragments = ReplicaRules.fragments(on: named, of: metadata, through: through)
            try await marks.mark(id, UnderReplicatedLedger(lostBookies: Array(named), fragments: fragments, markedAtMillis: now,
                                                           reason: "bookie \(named.sorted().joined(separator: ", ")) gone for over \(lostBookieDelay)"))
        }
    }

    /// Entries of each closed ledger the periodic check reads (first and last among them).
    public static let sampledEntries = 16

    /// Checks every closed ledger (`sample` entries of each, or every entry for nil) on every
    /// replica that should hold them, and marks the fragments whose bookie said it lacks an
    /// entry. Only explicit answers count: a bookie that is down (within its lost-bookie delay
    /// or not) is left to the delay. Returns how many ledgers it marked.
    public static func checkClosedLedgers(_ store: any MetadataStore, connections: BookieConnections, sample: Int?) async throws -> Int {
        let marks = UnderReplication(store: store)
        var marked = 0
        for (id, metadata) in try await ledgers(store) where metadata.state == .closed {
            let report: LedgerReplicaCheck.Report
            do {
                report = try await LedgerReplicaCheck.check(ledgerId: id, store: store, connections: connections, sample: sample)
            } catch LedgerError.noSuchLedger {
                continue  // deleted meanwhile
            }
            let lacking = Set(report.gaps.flatMap(\.lacking))
            guard !lacking.isEmpty else { continue }
            let gapEntries = Set(report.gaps.filter { !$0.lacking.isEmpty }.map(\.entryId))
            let fragments = ReplicaRules.fragments(on: lacking, of: metadata, through: metadata.lastEntryId).filter { fragment in
                gapEntries.contains { $0 >= fragment.firstEntryId && $0 <= fragment.lastEntryId }
            }
            try await marks.mark(id, UnderReplicatedLedger(lostBookies: Array(lacking), fragments: fragments,
                                                           markedAtMillis: Int64(Date().timeIntervalSince1970 * 1000),
                                                           reason: "check found entries missing on \(lacking.sorted().joined(separator: ", "))"))
            marked += 1
        }
        return marked
    }

    /// Every ledger's metadata (one that does not decode is left out).
    static func ledgers(_ store: any MetadataStore) async throws -> [(id: Int64, metadata: LedgerMetadata)] {
        var ledgers: [(id: Int64, metadata: LedgerMetadata)] = []
        for name in try await store.children(ClusterLayout.ledgers) {
            guard let id = ClusterLayout.ledgerId(ofName: name), let node = try await store.getIfExists(ClusterLayout.ledgerPath(id)),
                  let metadata = try? LedgerMetadata(decoding: node.data) else { continue }
            ledgers.append((id, metadata))
        }
        return ledgers
    }
}
