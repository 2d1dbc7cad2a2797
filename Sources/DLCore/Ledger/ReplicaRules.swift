/// Where a ledger's entries should be, without I/O (DESIGN.md section 2): its fragments (each
/// ensemble's entry range, seen from one bookie of it), which entries of a fragment its bookie
/// holds, the fragments a set of lost bookies held, and a replacement for one of them. The
/// auditor, the replication workers and `dlctl ledger check` all go by these rules.
public enum ReplicaRules {
    /// The entries `firstEntryId...lastEntryId` of one ensemble, as stored by the bookie at
    /// `index` of it (it holds the entries whose write set includes `index`).
    public struct Fragment: Codable, Equatable, Hashable, Sendable {
        public var firstEntryId: Int64
        public var lastEntryId: Int64
        public var index: Int
        public var bookie: String

        public init(firstEntryId: Int64, lastEntryId: Int64, index: Int, bookie: String) {
            self.firstEntryId = firstEntryId
            self.lastEntryId = lastEntryId
            self.index = index
            self.bookie = bookie
        }

        public var isEmpty: Bool { lastEntryId < firstEntryId }
    }

    /// Every fragment of `metadata` up to `lastEntryId` (the closed ledger's last entry, or an
    /// open one's last confirmed entry): one per bookie of each ensemble, empty ones left out.
    public static func fragments(of metadata: LedgerMetadata, through lastEntryId: Int64) -> [Fragment] {
        var fragments: [Fragment] = []
        for (position, ensemble) in metadata.ensembles.enumerated() {
            let next = position + 1 < metadata.ensembles.count ? metadata.ensembles[position + 1].firstEntryId : Int64.max
            let last = min(next - 1, lastEntryId)
            guard last >= ensemble.firstEntryId else { continue }
            for (index, bookie) in ensemble.bookies.enumerated() {
                let fragment = Fragment(firstEntryId: ensemble.firstEntryId, lastEntryId: last, index: index, bookie: bookie)
                if !entries(of: fragment, in: metadata).isEmpty { fragments.append(fragment) }
            }
        }
        return fragments
    }

    /// The entries of `fragment` its bookie holds: those whose write set includes its index.
    public static func entries(of fragment: Fragment, in metadata: LedgerMetadata) -> [Int64] {
        guard !fragment.isEmpty else { return [] }
        if metadata.writeQuorum >= metadata.ensembleSize { return Array(fragment.firstEntryId...fragment.lastEntryId) }
        return (fragment.firstEntryId...fragment.lastEntryId).filter { metadata.writeSet(for: $0).contains(fragment.index) }
    }

    /// The last entry whose replicas are settled: a closed ledger's last entry; for one still
    /// written, the entry before its last ensemble (that ensemble is its writer's).
    public static func settledEnd(of metadata: LedgerMetadata) -> Int64 {
        metadata.state == .closed ? metadata.lastEntryId : (metadata.ensembles.last?.firstEntryId ?? 0) - 1
    }

    /// The fragments held by any of `lost`.
    public static func fragments(on lost: Set<String>, of metadata: LedgerMetadata, through lastEntryId: Int64) -> [Fragment] {
        fragments(of: metadata, through: lastEntryId).filter { lost.contains($0.bookie) }
    }

    /// Whether any ensemble of `metadata` names `bookie` (a ledger that references it).
    public static func references(_ metadata: LedgerMetadata, _ bookie: String) -> Bool {
        metadata.ensembles.contains { $0.bookies.contains(bookie) }
    }

    /// A bookie to take `fragment` over: one of `candidates` (the writable bookies) that is not
    /// already in the fragment's ensemble, chosen by the ledger id so that the ledgers of a lost
    /// bookie spread over the others. Nil when none qualifies.
    public static func replacement(for fragment: Fragment, of metadata: LedgerMetadata, ledgerId: Int64,
                                   candidates: [String]) -> String? {
        let ensemble = metadata.ensemble(for: fragment.firstEntryId).bookies
        let eligible = candidates.filter { !ensemble.contains($0) }.sorted()
        guard !eligible.isEmpty else { return nil }
        return eligible[Int(UInt64(bitPattern: ledgerId) % UInt64(eligible.count))]
    }

    /// `metadata` with `fragment`'s bookie replaced by `replacement` in the ensemble the
    /// fragment belongs to (and in no other), or nil when that ensemble no longer names the
    /// fragment's bookie at its index (someone changed it meanwhile).
    public static func replacing(_ fragment: Fragment, with replacement: String, in metadata: LedgerMetadata) -> LedgerMetadata? {
        guard let position = metadata.ensembles.firstIndex(where: { $0.firstEntryId == fragment.firstEntryId }),
              metadata.ensembles[position].bookies.indices.contains(fragment.index),
              metadata.ensembles[position].bookies[fragment.index] == fragment.bookie,
              !metadata.ensembles[position].bookies.contains(replacement) else { return nil }
        var updated = metadata
        updated.ensembles[position].bookies[fragment.index] = replacement
        return updated
    }
}
