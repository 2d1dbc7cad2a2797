import Foundation

/// The mark the auditor leaves on a ledger some of whose fragments lost a replica: which
/// bookies are gone, which fragments they held, and since when. A replication worker copies
/// those fragments to other bookies, replaces the lost bookie in the ledger's metadata, and
/// removes the mark.
public struct UnderReplicatedLedger: VersionedMetadata, Equatable {
    public static let formatVersion = 1
    public static let kind = "under-replication mark"

    public var formatVersion: Int = Self.formatVersion
    public var lostBookies: [String]
    public var fragments: [ReplicaRules.Fragment]
    public var markedAtMillis: Int64
    /// Why: "bookie X gone since ...", "check found entries missing on X", "decommission of X".
    public var reason: String

    public init(lostBookies: [String], fragments: [ReplicaRules.Fragment], markedAtMillis: Int64, reason: String) {
        self.lostBookies = lostBookies.sorted()
        self.fragments = fragments
        self.markedAtMillis = markedAtMillis
        self.reason = reason
    }

    public func validate() throws(ModelError) {
        guard !lostBookies.isEmpty else { throw .invalid(what: Self.kind, reason: "no lost bookie named") }
        for fragment in fragments where fragment.isEmpty || fragment.index < 0 {
            throw .invalid(what: Self.kind, reason: "fragment \(fragment.firstEntryId)-\(fragment.lastEntryId) of \(fragment.bookie) is malformed")
        }
    }

    /// This mark with `other`'s bookies and fragments added (the earlier time kept).
    public func merged(with other: UnderReplicatedLedger) -> UnderReplicatedLedger {
        var fragments = self.fragments
        for fragment in other.fragments where !fragments.contains(fragment) { fragments.append(fragment) }
        return UnderReplicatedLedger(lostBookies: Array(Set(lostBookies).union(other.lostBookies)), fragments: fragments,
                                     markedAtMillis: min(markedAtMillis, other.markedAtMillis),
                                     reason: reason == other.reason ? reason : "\(reason); \(other.reason)")
    }
}
