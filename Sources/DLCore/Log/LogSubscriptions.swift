/// Subscribers' committed positions in a log: each subscriber id maps to the DLSN of the last
/// record it has processed, and that position only moves forward.
public struct LogSubscriptions: Sendable {
    public let store: any MetadataStore
    public init(store: any MetadataStore) { self.store = store }

    /// The committed DLSN of `subscriber`, nil if it has never committed.
    public func committed(_ name: LogName, subscriber: String) async throws -> DLSN? {
        try LogName.validate(subscriber)
        guard try await LogCatalog(store: store).exists(name) else { throw LogError.noSuchLog(name.description) }
        guard let node = try await store.getIfExists(name.subscribersPath + "/" + subscriber) else { return nil }
        return try DLSN(parsing: String(decoding: node.data, as: UTF8.self))
    }

    /// Commits `dlsn` for `subscriber` unless it has committed a later one. Returns the
    /// position now committed.
    @discardableResult
    public func commit(_ name: LogName, subscriber: String, dlsn: DLSN) async throws -> DLSN {
        try LogName.validate(subscriber)
        let path = name.subscribersPath + "/" + subscriber
        let data = Array(dlsn.description.utf8)
        while true {
            guard let node = try await store.getIfExists(path) else {
                if try await store.createUnlessExists(path, data: data, mode: .persistent) { return dlsn }
                continue
            }
            let current = try DLSN(parsing: String(decoding: node.data, as: UTF8.self))
            if current >= dlsn { return current }
            if try await store.compareAndSet(path, data: data, version: node.version) != nil { return dlsn }
        }
    }

    /// Every subscriber of the log with its committed DLSN, by id.
    public func all(_ name: LogName) async throws -> [(subscriber: String, committed: DLSN)] {
        guard try await LogCatalog(store: store).exists(name) else { throw LogError.noSuchLog(name.description) }
        var result: [(String, DLSN)] = []
        for child in try await store.children(name.subscribersPath).sorted() {
            guard let node = try await store.getIfExists(name.subscribersPath + "/" + child) else { continue }
            result.append((child, try DLSN(parsing: String(decoding: node.data, as: UTF8.self))))
        }
        return result
    }

    /// Forgets a subscriber.
    public func remove(_ name: LogName, subscriber: String) async throws {
        try LogName.validate(subscriber)
        try await store.delete(name.subscribersPath + "/" + subscriber, expectedVersion: nil)
    }
}
