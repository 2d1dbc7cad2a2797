extension MetadataStore {
    /// Closes the store (its session, and the ephemeral nodes with it), waiting at most
    /// `limit`: a metadata server that does not answer must not keep a server from exiting.
    public func close(within limit: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.close() }
            group.addTask { try? await Task.sleep(for: limit) }
            await group.next()
            group.cancelAll()
        }
    }
}
