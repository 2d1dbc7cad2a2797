/// Autorecovery's nodes in the metadata, on either backend:
///
/// ```
/// /autorecovery            the cluster-wide switch (AutorecoverySettings)
/// /autorecovery/auditor    ephemeral: the elected auditor's identity
/// /autorecovery/workers    one ephemeral node per running replication worker
/// /autorecovery/locks      one ephemeral node per ledger being re-replicated
/// /autorecovery/decommissioning  one node per bookie being decommissioned
/// /autorecovery/lost       one node per ledger with an entry on no surviving replica
/// /underreplicated         one node per marked ledger (UnderReplicatedLedger)
/// ```
public enum AutorecoveryLayout {
    public static let root = "/autorecovery"
    public static let auditor = "/autorecovery/auditor"
    public static let workers = "/autorecovery/workers"
    public static let locks = "/autorecovery/locks"
    /// One node per ledger with an entry no surviving replica holds (data: what was found).
    public static let lost = "/autorecovery/lost"

    public static func lock(_ ledgerId: Int64) -> String {
        locks + "/" + ClusterLayout.ledgerName(ledgerId)
    }

    public static func lost(_ ledgerId: Int64) -> String {
        lost + "/" + ClusterLayout.ledgerName(ledgerId)
    }

    /// Creates the persistent nodes if they are missing.
    public static func ensure(_ store: any MetadataStore) async throws {
        for path in [root, workers, locks, lost, WritableBookies.decommissioning, UnderReplication.root] { try await store.createIfAbsent(path) }
    }

    /// Whether autorecovery is switched on (it is unless `dlctl autorecovery disable` said otherwise).
    public static func enabled(_ store: any MetadataStore) async throws -> Bool {
        guard let node = try await store.getIfExists(root), !node.data.isEmpty else { return true }
        return (try? AutorecoverySettings(decoding: node.data))?.enabled ?? true
    }
}

/// The cluster-wide switch of autorecovery.
public struct AutorecoverySettings: VersionedMetadata, Equatable {
    public static let formatVersion = 1
    public static let kind = "autorecovery settings"
    public var formatVersion: Int = Self.formatVersion
    public var enabled: Bool

    public init(enabled: Bool) { self.enabled = enabled }

    public func validate() throws(ModelError) {}
}
