import Foundation

/// Moves a bookie's data onto the others (`dlctl bookie decommission`): the bookie is taken
/// out of the writable set (no new ledger or replacement goes to it; it still serves reads),
/// every ledger that references it is marked under-replicated for the workers, and it is done
/// when no ledger references it any more.
public enum Decommission {
    public enum Refusal: Error, CustomStringConvertible, Equatable {
        case notRunning(String)
        case cannotPlace(bookie: String, ledgerId: Int64, ensemble: [String], writable: [String])

        public var description: String {
            switch self {
            case let .notRunning(bookie):
                return "bookie \(bookie) is not running; pass --force to re-replicate its data from the other replicas"
            case let .cannotPlace(bookie, ledgerId, ensemble, writable):
                return "the other bookies cannot take \(bookie)'s data: ledger \(ledgerId) needs a writable bookie outside "
                    + "\(ensemble.joined(separator: ", ")) and the writable ones are \(writable.isEmpty ? "none" : writable.sorted().joined(separator: ", "))"
            }
        }
    }

    /// Starts decommissioning `bookie`; returns the ledgers that reference it (marked).
    @discardableResult
    public static func start(_ bookie: String, force: Bool, store: any MetadataStore) async throws -> [Int64] {
        let registered = await ClusterLayout.registeredBookies(store)
        if !force && !registered.contains(bookie) { throw Refusal.notRunning(bookie) }
        let writable = try await WritableBookies.list(store).filter { $0 != bookie }
        let ledgers = try await Auditor.ledgers(store).filter { ReplicaRules.references($0.metadata, bookie) }
        // Refused before anything changes when some ensemble has nowhere to go.
        for (id, metadata) in ledgers {
            for ensemble in metadata.ensembles where ensemble.bookies.contains(bookie) {
                if !writable.contains(where: { !ensemble.bookies.contains($0) }) {
                    throw Refusal.cannotPlace(bookie: bookie, ledgerId: id, ensemble: ensemble.bookies, writable: writable)
                }
            }
        }
        try await AutorecoveryLayout.ensure(store)
        try await store.createIfAbsent(WritableBookies.decommissioning)
        try await store.createIfAbsent(WritableBookies.decommissioningPath(bookie))
        let marks = UnderReplication(store: store)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        for (id, metadata) in ledgers {
            let through = ReplicaRules.settledEnd(of: metadata)
            try await marks.mark(id, UnderReplicatedLedger(lostBookies: [bookie], fragments: ReplicaRules.fragments(on: [bookie], of: metadata, through: through),
                                                           markedAtMillis: now, reason: "decommission of \(bookie)"))
        }
        return ledgers.map(\.id)
    }

    /// The ledgers that still reference `bookie`.
    public static func remaining(_ bookie: String, store: any MetadataStore) async throws -> [Int64] {
        try await Auditor.ledgers(store).filter { ReplicaRules.references($0.metadata, bookie) }.map(\.id)
    }
}
