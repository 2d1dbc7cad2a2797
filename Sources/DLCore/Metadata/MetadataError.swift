/// The typed errors of every metadata backend. ZooKeeper's error codes map onto these, so
/// callers handle one set whatever the backend.
public enum MetadataError: Error, Equatable, Sendable, CustomStringConvertible {
    case noNode(String)
    case nodeExists(String)
    /// A compare-and-set found another version.
    case badVersion(String)
    case notEmpty(String)
    /// Ephemeral nodes cannot have children.
    case noChildrenForEphemerals(String)
    case invalidPath(String, reason: String)
    /// The session ended: its ephemeral nodes are gone and this store can no longer be used.
    case sessionExpired
    /// The backend could not be reached, or stopped answering.
    case connectionLoss(String)
    case timeout(String)
    case invalidURI(String, reason: String)
    case closed
    /// The store named does not exist and cannot be created (a missing directory).
    case missing(String)
    /// The store holds data that is not dlctl metadata, or is corrupt.
    case foreign(String)
    /// Anything else the backend reported.
    case backend(String)

    public var description: String {
        switch self {
        case let .noNode(path): return "no such metadata node: \(path)"
        case let .nodeExists(path): return "metadata node already exists: \(path)"
        case let .badVersion(path): return "version conflict on \(path): it was changed by someone else"
        case let .notEmpty(path): return "metadata node \(path) has children"
        case let .noChildrenForEphemerals(path): return "cannot create children under ephemeral node \(path)"
        case let .invalidPath(path, reason): return "invalid metadata path '\(path)': \(reason)"
        case .sessionExpired: return "metadata session expired"
        case let .connectionLoss(detail): return "lost connection to the metadata store: \(detail)"
        case let .timeout(detail): return "metadata store timed out: \(detail)"
        case let .invalidURI(uri, reason): return "invalid metadata URI '\(uri)': \(reason)"
        case .closed: return "metadata store is closed"
        case let .missing(detail): return "no metadata store: \(detail)"
        case let .foreign(detail): return "not dlctl metadata: \(detail)"
        case let .backend(detail): return "metadata store error: \(detail)"
        }
    }
}
