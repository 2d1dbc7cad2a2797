/// Recovery of a log whose writer died: takes the writer lock (so no writer appends while it
/// runs), fences and closes every in-progress segment's ledger, finds its last record and
/// completes the segment's metadata.
public enum LogRecovery {
    /// Returns the segments completed (empty when none was in progress).
    public static func recover(_ name: LogName, store: any MetadataStore, connections: BookieConnections,
                               lockTimeout: Duration) async throws -> [SegmentMetadata] {
        guard try await LogCatalog(store: store).exists(name) else { throw LogError.noSuchLog(name.description) }
        let lock = try await LogLock.acquire(name, store: store, timeout: lockTimeout, purpose: "recovery")
        do {
            let completed = try await completeInProgressSegments(name, store: store, connections: connections)
            try? await store.delete(lock, expectedVersion: nil)
            return completed
        } catch {
            try? await store.delete(lock, expectedVersion: nil)
            throw error
        }
    }

    /// Completes every in-progress segment of `name` by recovery; the caller holds its lock.
    static func completeInProgressSegments(_ name: LogName, store: any MetadataStore,
                                           connections: BookieConnections) async throws -> [SegmentMetadata] {
        var completed: [SegmentMetadata] = []
        for (segment, version) in try await LogCatalog(store: store).segments(name) where segment.state == .inProgress {
            completed.append(try await SegmentRecovery.complete(segment, version: version, log: name, store: store,
                                                                connections: connections))
        }
        return completed
    }
}
