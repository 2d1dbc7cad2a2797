/// Hands out ledger ids from the metadata store: each id is the counter of a sequential node
/// under `/ledgers-idgen` (the node is removed at once; the counter keeps increasing).
public enum LedgerIds {
    public static func next(_ store: any MetadataStore) async throws(MetadataError) -> Int64 {
        let created = try await store.create(ClusterLayout.ledgerIdGenerator + "/id-", data: [], mode: .persistentSequential)
        guard let id = Int64(MetadataPath.name(of: created).dropFirst(3)) else {
            throw .backend("ledger id node \(created) has no numeric suffix")
        }
        try? await store.delete(created, expectedVersion: nil)
        return id
    }
}
