import Foundation

/// The tree every cluster keeps in its metadata store, on either backend:
///
/// ```
/// /                      cluster marker (ClusterInfo)
/// /bookies/available     one ephemeral node per writable bookie
/// /bookies/readonly      one ephemeral node per read-only bookie
/// /cookies               one node per bookie identity
/// /ledgers               one node per ledger (LedgerMetadata)
/// /ledgers-idgen         sequential nodes that hand out ledger ids
/// /namespaces            namespace -> logs -> {segments, maxtxid, lock, readlock, subscribers}
/// /proxies               one ephemeral node per running write proxy
/// /autorecovery          the auditor, workers, locks and decommissions (AutorecoveryLayout),
/// /underreplicated       and the under-replicated ledgers: created by the first bookie
/// ```
public enum ClusterLayout {
    public static let bookies = "/bookies"
    public static let availableBookies = "/bookies/available"
    public static let readOnlyBookies = "/bookies/readonly"
    public static let cookies = "/cookies"
    public static let ledgers = "/ledgers"
    public static let ledgerIdGenerator = "/ledgers-idgen"
    public static let namespaces = "/namespaces"
    public static let proxies = "/proxies"

    /// The node of ledger `id`: zero-padded so that names sort as ids do.
    public static func ledgerPath(_ id: Int64) -> String {
        ledgers + "/" + ledgerName(id)
    }

    /// Ledger `id`'s node name, zero-padded (also the name of its nodes elsewhere: marks, locks).
    public static func ledgerName(_ id: Int64) -> String {
        let digits = String(id)
        return String(repeating: "0", count: max(0, 19 - digits.count)) + digits
    }

    /// The bookies registered now, writable or read-only.
    public static func registeredBookies(_ store: any MetadataStore) async -> Set<String> {
        var registered = Set<String>()
        for state in [availableBookies, readOnlyBookies] { registered.formUnion((try? await store.children(state)) ?? []) }
        return registered
    }

    /// The ledger id of a child name of `/ledgers`, if it is one.
    public static func ledgerId(ofName name: String) -> Int64? {
        name.count == 19 ? Int64(name) : nil
    }

    /// The cookie node of bookie `id` (host:port).
    public static func cookiePath(_ bookieId: String) -> String { cookies + "/" + bookieId }

    /// Every node `init` creates, parents first.
    public static let nodes = [bookies, availableBookies, readOnlyBookies, cookies, ledgers, ledgerIdGenerator, namespaces, proxies]

    public enum InitOutcome: Equatable, Sendable {
        case created(ClusterInfo)
        case alreadyInitialized(ClusterInfo)
    }

    /// Creates the layout, or confirms an existing one. Refuses a root that holds data or
    /// nodes of something else.
    public static func initialize(_ store: any MetadataStore) async throws -> InitOutcome {
        try await store.ensureRoot()
        let root = try await store.get("/")
        if !root.data.isEmpty {
            let info: ClusterInfo
            do { info = try ClusterInfo(decoding: root.data) } catch {
                throw ClusterLayoutError.foreign(store.location, reason: "its root holds data that is not a dlctl cluster marker (\(error))")
            }
            for node in nodes { try await store.createIfAbsent(node) }
            return .alreadyInitialized(info)
        }
        let existing = try await store.children("/")
        if !existing.isEmpty {
            throw ClusterLayoutError.foreign(store.location,
                                             reason: "its root already has children (\(existing.prefix(5).joined(separator: ", "))) but no dlctl marker")
        }
        let info = ClusterInfo(instanceId: UUID().uuidString.lowercased(),
                               createdAtMillis: Int64(Date().timeIntervalSince1970 * 1000))
        var ops: [MetadataOp] = [.set("/", data: info.encoded(), expectedVersion: root.version)]
        ops += nodes.map { .create($0, data: [], mode: .persistent) }
        let failure: MetadataError?
        do {
            try await store.multi(ops)
            failure = nil
        } catch {
            failure = error
        }
        switch failure {
        case nil:
            return .created(info)
        case .badVersion?, .nodeExists?:
            // Someone initialised it at the same moment: accept theirs if it is a cluster.
            return try await initialize(store)
        case let error?:
            throw error
        }
    }

    /// The cluster marker; throws `notInitialized` when `init` has not run.
    public static func info(_ store: any MetadataStore) async throws -> ClusterInfo {
        guard let root = try await store.getIfExists("/") else { throw ClusterLayoutError.notInitialized(store.location) }
        if root.data.isEmpty { throw ClusterLayoutError.notInitialized(store.location) }
        do { return try ClusterInfo(decoding: root.data) } catch {
            throw ClusterLayoutError.foreign(store.location, reason: "root data is not a dlctl cluster marker (\(error))")
        }
    }
}

/// The marker at the cluster root.
public struct ClusterInfo: VersionedMetadata, Equatable {
    public static let formatVersion = 1
    public static let kind = "cluster marker"
    public var formatVersion: Int = Self.formatVersion
    public var layout = "dlctl"
    public var instanceId: String
    public var createdAtMillis: Int64

    public init(instanceId: String, createdAtMillis: Int64) {
        self.instanceId = instanceId
        self.createdAtMillis = createdAtMillis
    }

    public func validate() throws(ModelError) {
        if layout != "dlctl" { throw .invalid(what: Self.kind, reason: "layout '\(layout)' is not dlctl") }
        if instanceId.isEmpty { throw .invalid(what: Self.kind, reason: "empty instance id") }
    }
}

public enum ClusterLayoutError: Error, Equatable, CustomStringConvertible {
    case notInitialized(String)
    case foreign(String, reason: String)

    public var description: String {
        switch self {
        case let .notInitialized(location):
            return "no dlctl cluster at \(location); run 'dlctl init --uri ...' first"
        case let .foreign(location, reason):
            return "refusing to use \(location): \(reason)"
        }
    }
}
