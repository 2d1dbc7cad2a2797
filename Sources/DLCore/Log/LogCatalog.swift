import Foundation

/// Namespaces and logs in metadata: created, listed and deleted, each log in one transaction
/// with its segments, max txid, locks and subscribers nodes.
public struct LogCatalog: Sendable {
    public let store: any MetadataStore

    public init(store: any MetadataStore) { self.store = store }

    public func createNamespace(_ name: String) async throws {
        try LogName.validate(name)
        if try await !store.createUnlessExists(LogName.namespacePath(name), data: [], mode: .persistent) {
            throw LogError.namespaceExists(name)
        }
    }

    public func namespaces() async throws -> [String] { try await store.children(ClusterLayout.namespaces) }

    public func deleteNamespace(_ name: String) async throws {
        try LogName.validate(name)
        guard try await store.exists(LogName.namespacePath(name)) != nil else { throw LogError.noSuchNamespace(name) }
        if !(try await store.children(LogName.namespacePath(name))).isEmpty { throw LogError.namespaceNotEmpty(name) }
        try await store.delete(LogName.namespacePath(name), expectedVersion: nil)
    }

    public func logs(in namespace: String) async throws -> [String] {
        guard try await store.exists(LogName.namespacePath(namespace)) != nil else { throw LogError.noSuchNamespace(namespace) }
        return try await store.children(LogName.namespacePath(namespace))
    }

    /// Creates a log (and, with `createNamespace`, its namespace) in one transaction.
    public func createLog(_ name: LogName, createNamespace: Bool = true) async throws {
        if try await store.exists(LogName.namespacePath(name.namespace)) == nil {
            guard createNamespace else { throw LogError.noSuchNamespace(name.namespace) }
            _ = try await store.createUnlessExists(LogName.namespacePath(name.namespace), data: [], mode: .persistent)
        }
        let ops: [MetadataOp] = [
            .create(name.path, data: [], mode: .persistent),
            .create(name.segmentsPath, data: [], mode: .persistent),
            .create(name.maxTxIdPath, data: Array("-999".utf8), mode: .persistent),
            .create(name.lockPath, data: [], mode: .persistent),
            .create(name.readLockPath, data: [], mode: .persistent),
            .create(name.subscribersPath, data: [], mode: .persistent),
        ]
        do { try await store.multi(ops) } catch MetadataError.nodeExists { throw LogError.logExists(name.description) }
    }

    public func exists(_ name: LogName) async throws -> Bool { try await store.exists(name.path) != nil }

    /// The log's segments in sequence order.
    public func segments(_ name: LogName) async throws -> [(metadata: SegmentMetadata, version: Int64)] {
        guard try await exists(name) else { throw LogError.noSuchLog(name.description) }
        var result: [(SegmentMetadata, Int64)] = []
        for child in try await store.children(name.segmentsPath) {
            guard let node = try await store.getIfExists(name.segmentsPath + "/" + child) else { continue }
            result.append((try SegmentMetadata(decoding: node.data), node.version))
        }
        return result.sorted { $0.0.sequenceNumber < $1.0.sequenceNumber }
    }

    /// Deletes a log, its metadata in one transaction, then its segments' ledgers. Refused
    /// while a writer holds it.
    public func deleteLog(_ name: LogName) async throws {
        guard try await exists(name) else { throw LogError.noSuchLog(name.description) }
        if let holder = try await LogLock.holder(of: name, store: store) {
            throw LogError.locked(log: name.description, holder: holder)
        }
        let segments = try await segments(name)
        var ops: [MetadataOp] = segments.map { .delete(name.segmentPath($0.metadata.sequenceNumber), expectedVersion: nil) }
        for subscriber in try await store.children(name.subscribersPath) {
            ops.append(.delete(name.subscribersPath + "/" + subscriber, expectedVersion: nil))
        }
        ops += [name.segmentsPath, name.maxTxIdPath, name.lockPath, name.readLockPath, name.subscribersPath, name.path]
            .map { .delete($0, expectedVersion: nil) }
        try await store.multi(ops)
        for segment in segments {
            try? await store.delete(ClusterLayout.ledgerPath(segment.metadata.ledgerId), expectedVersion: nil)
        }
    }

    public func maxTxId(_ name: LogName) async throws -> Int64 {
        Self.txid(try await store.get(name.maxTxIdPath).data)
    }

    /// A max-txid node's value (decimal text; anything else counts as no txid yet).
    private static func txid(_ data: [UInt8]) -> Int64 { Int64(String(decoding: data, as: UTF8.self)) ?? TxId.invalid }

    /// Raises the log's max txid to `txid` (never lowers it, never unseals a sealed log).
    public func raiseMaxTxId(_ name: LogName, to txid: Int64) async throws {
        while true {
            let node = try await store.get(name.maxTxIdPath)
            let current = Self.txid(node.data)
            if current >= txid { return }
            if try await store.compareAndSet(name.maxTxIdPath, data: Array("\(txid)".utf8), version: node.version) != nil { return }
        }
    }

    /// Renames a log in one transaction: every metadata node is copied under the new name and
    /// the old ones deleted. Refused while a writer holds the log.
    public func renameLog(_ name: LogName, to target: LogName) async throws {
        guard try await exists(name) else { throw LogError.noSuchLog(name.description) }
        if try await exists(target) { throw LogError.logExists(target.description) }
        if try await store.exists(LogName.namespacePath(target.namespace)) == nil {
            throw LogError.noSuchNamespace(target.namespace)
        }
        if let holder = try await LogLock.holder(of: name, store: store) {
            throw LogError.locked(log: name.description, holder: holder)
        }
        var nodes: [(relative: String, node: VersionedData)] = []
        for relative in ["", "/segments", "/maxtxid", "/lock", "/readlock", "/subscribers"] {
            nodes.append((relative, try await store.get(name.path + relative)))
            if relative == "/segments" || relative == "/subscribers" {
                for child in try await store.children(name.path + relative).sorted() {
                    nodes.append((relative + "/" + child, try await store.get(name.path + relative + "/" + child)))
                }
            }
        }
        var ops: [MetadataOp] = nodes.map { .create(target.path + $0.relative, data: $0.node.data, mode: .persistent) }
        ops += nodes.reversed().map { .delete(name.path + $0.relative, expectedVersion: $0.node.version) }
        let failure: MetadataError?
        do { _ = try await store.multi(ops); failure = nil } catch { failure = error }
        switch failure {
        case nil: return
        case .nodeExists?: throw LogError.logExists(target.description)
        case .notEmpty?, .badVersion?: throw LogError.locked(log: name.description, holder: "a writer that started during the rename")
        case let other?: throw other
        }
    }
}
