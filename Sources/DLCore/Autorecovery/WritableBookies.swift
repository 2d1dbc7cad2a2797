/// The bookies new ledgers and re-replicated fragments may go to: the ones registered as
/// available, less the ones being decommissioned (`dlctl bookie decommission`), which still
/// serve reads while their data moves off them.
public enum WritableBookies {
    public static let decommissioning = AutorecoveryLayout.root + "/decommissioning"

    public static func decommissioningPath(_ bookieId: String) -> String { decommissioning + "/" + bookieId }

    /// The ids, unordered.
    public static func list(_ store: any MetadataStore) async throws -> [String] {
        let available = try await store.children(ClusterLayout.availableBookies)
        let leaving = try await store.exists(decommissioning) == nil ? [] : try await store.children(decommissioning)
        return leaving.isEmpty ? available : available.filter { !leaving.contains($0) }
    }
}
