/// How a node is created.
public enum CreateMode: Sendable, Equatable {
    case persistent
    case ephemeral
    case persistentSequential
    case ephemeralSequential

    public var isEphemeral: Bool { self == .ephemeral || self == .ephemeralSequential }
    public var isSequential: Bool { self == .persistentSequential || self == .ephemeralSequential }
}

/// A node's data with the version a compare-and-set must name.
public struct VersionedData: Sendable, Equatable {
    public var data: [UInt8]
    public var version: Int64
    public init(data: [UInt8], version: Int64) {
        self.data = data
        self.version = version
    }
}

/// One operation of an all-or-nothing transaction.
public enum MetadataOp: Sendable, Equatable {
    case create(String, data: [UInt8], mode: CreateMode)
    /// `expectedVersion` nil: any version.
    case set(String, data: [UInt8], expectedVersion: Int64?)
    case delete(String, expectedVersion: Int64?)
    /// Fails the transaction unless the node is at `version`.
    case check(String, version: Int64)

    public var path: String {
        switch self {
        case let .create(path, _, _), let .set(path, _, _), let .delete(path, _), let .check(path, _): return path
        }
    }
}

public enum MetadataOpResult: Sendable, Equatable {
    /// The created node's path (with its sequential suffix, if any).
    case created(String)
    /// The node's new version.
    case set(Int64)
    case deleted
    case checked
}

/// What a watch reports. A watcher re-reads the node after an event; several changes close
/// together may be reported as one.
public enum MetadataEvent: Sendable, Equatable {
    case created(String)
    case changed(String)
    case deleted(String)
    case childrenChanged(String)
    /// The store's session ended; the stream finishes after this.
    case sessionExpired
}

/// Tunables shared by the backends.
public struct MetadataStoreOptions: Sendable {
    /// How long a session survives without renewal; ephemeral nodes vanish after it.
    public var sessionTimeout: Duration
    /// The bound on connecting and on each operation.
    public var operationTimeout: Duration
    /// How often the embedded store polls its change table for watches.
    public var watchPollInterval: Duration
    /// The embedded store's directory syncs go through this layer (a power-loss recorder in tests).
    public var files: any FileLayer
    /// Open without a session (the embedded store only; ZooKeeper always has one): no ephemeral
    /// nodes can be created, and opening and closing write nothing. For short-lived clients
    /// that only read and create persistent nodes (a one-liner writing through a proxy), so
    /// that a thousand of them at once do not queue on the database's write lock.
    public var sessionless = false

    public init(sessionTimeout: Duration = .seconds(10), operationTimeout: Duration = .seconds(10),
                watchPollInterval: Duration = .milliseconds(10), files: any FileLayer = PosixFiles()) {
        self.sessionTimeout = sessionTimeout
        self.operationTimeout = operationTimeout
        self.watchPollInterval = watchPollInterval
        self.files = files
    }
}

/// The hierarchical, versioned metadata store the cluster keeps its state in.
///
/// Two backends keep the same contract (one conformance suite runs against both): the
/// embedded SQLite store for one machine, and ZooKeeper for clusters.
public protocol MetadataStore: AnyObject, Sendable {
    /// A short description of the backend and location, for messages.
    var location: String { get }
    /// The session id that owns this store's ephemeral nodes.
    var sessionId: Int64 { get }

    /// The node's data and version; throws `noNode` when it does not exist.
    func get(_ path: String) async throws(MetadataError) -> VersionedData
    /// The node's version, or nil when it does not exist.
    func exists(_ path: String) async throws(MetadataError) -> Int64?
    /// Creates a node; returns its path (with the sequential suffix, if any).
    @discardableResult
    func create(_ path: String, data: [UInt8], mode: CreateMode) async throws(MetadataError) -> String
    /// Sets data if the version matches (nil: any); returns the new version.
    @discardableResult
    func set(_ path: String, data: [UInt8], expectedVersion: Int64?) async throws(MetadataError) -> Int64
    func delete(_ path: String, expectedVersion: Int64?) async throws(MetadataError)
    /// Child names, sorted.
    func children(_ path: String) async throws(MetadataError) -> [String]
    /// Runs every operation or none; the first failing operation's error is thrown.
    @discardableResult
    func multi(_ ops: [MetadataOp]) async throws(MetadataError) -> [MetadataOpResult]
    /// Events for the node at `path` (created, changed, deleted) until the stream is dropped.
    func watch(_ path: String) async throws(MetadataError) -> AsyncStream<MetadataEvent>
    /// Events when children of `path` come or go (and when `path` is deleted).
    func watchChildren(_ path: String) async throws(MetadataError) -> AsyncStream<MetadataEvent>
    /// Creates the cluster root if the backend has one to create (a ZooKeeper chroot).
    func ensureRoot() async throws(MetadataError)
    /// Ends the session (its ephemeral nodes go) and releases resources.
    func close() async
}

extension MetadataStore {
    /// Data of the node, or nil when it does not exist.
    public func getIfExists(_ path: String) async throws(MetadataError) -> VersionedData? {
        do { return try await get(path) } catch .noNode { return nil }
    }

    /// Creates a node; false (instead of `nodeExists`) when the path is taken.
    public func createUnlessExists(_ path: String, data: [UInt8], mode: CreateMode) async throws(MetadataError) -> Bool {
        do {
            try await create(path, data: data, mode: mode)
            return true
        } catch .nodeExists {
            return false
        }
    }

    /// Sets data only at `version`; the new version, or nil when someone else changed it first.
    public func compareAndSet(_ path: String, data: [UInt8], version: Int64) async throws(MetadataError) -> Int64? {
        do {
            return try await set(path, data: data, expectedVersion: version)
        } catch .badVersion {
            return nil
        }
    }

    /// Creates a node (persistent unless told otherwise) unless one is already there.
    public func createIfAbsent(_ path: String, data: [UInt8] = [], mode: CreateMode = .persistent) async throws(MetadataError) {
        do { try await create(path, data: data, mode: mode) } catch .nodeExists {}
    }

    /// Creates `path` and any missing ancestors as persistent nodes; an existing node is fine.
    public func createRecursively(_ path: String, data: [UInt8] = []) async throws(MetadataError) {
        for ancestor in MetadataPath.ancestors(of: path) { try await createIfAbsent(ancestor) }
        try await createIfAbsent(path, data: data)
    }
}
