import Foundation

/// Where the cluster's metadata lives, parsed from a URI.
///
/// - Embedded SQLite store: a file path (`/var/lib/dl/meta.db`, `./meta.db`) or
///   `sqlite:///var/lib/dl/meta.db`.
/// - ZooKeeper: `zk://host:port[,host:port...]/cluster-root`; DistributedLog's
///   `distributedlog://host:port/path` is accepted as the same thing.
public enum MetadataURI: Equatable, Sendable, CustomStringConvertible {
    case embedded(path: String)
    case zooKeeper(hosts: String, root: String)

    public init(parsing text: String) throws(MetadataError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw .invalidURI(text, reason: "empty") }
        if let range = trimmed.range(of: "://") {
            let scheme = trimmed[..<range.lowerBound].lowercased()
            let rest = String(trimmed[range.upperBound...])
            switch scheme {
            case "sqlite", "file":
                guard rest.hasPrefix("/"), rest.count > 1 else {
                    throw .invalidURI(text, reason: "expected \(scheme):///absolute/path/to/metadata.db")
                }
                self = .embedded(path: rest)
            case "zk", "zookeeper", "distributedlog":
                self = try Self.parseZooKeeper(rest, original: text)
            default:
                throw .invalidURI(text, reason: "unknown scheme '\(scheme)' (use a file path, sqlite://, zk:// or distributedlog://)")
            }
            return
        }
        let absolute = trimmed.hasPrefix("/")
            ? trimmed : FileManager.default.currentDirectoryPath + "/" + trimmed
        self = .embedded(path: (absolute as NSString).standardizingPath)
    }

    private static func parseZooKeeper(_ rest: String, original: String) throws(MetadataError) -> MetadataURI {
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let hosts = String(rest[..<slash])
        var root = String(rest[slash...])
        guard !hosts.isEmpty else { throw .invalidURI(original, reason: "no ZooKeeper host") }
        for host in hosts.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = host.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, let port = Int(parts[1]), (1...65535).contains(port) else {
                throw .invalidURI(original, reason: "'\(host)' is not host:port")
            }
        }
        if root.hasSuffix("/") { root.removeLast() }
        if !root.isEmpty {
            do { try MetadataPath.validate(root) } catch { throw .invalidURI(original, reason: "bad cluster root: \(error)") }
        }
        return .zooKeeper(hosts: hosts, root: root)
    }

    public var description: String {
        switch self {
        case let .embedded(path): return "sqlite://\(path)"
        case let .zooKeeper(hosts, root): return "zk://\(hosts)\(root)"
        }
    }

    /// Opens a store for this location.
    public func open(options: MetadataStoreOptions = .init()) async throws(MetadataError) -> any MetadataStore {
        switch self {
        case let .embedded(path): return try await SQLiteMetadataStore.open(path: path, options: options)
        case let .zooKeeper(hosts, root): return try await ZooKeeperMetadataStore.open(hosts: hosts, root: root, options: options)
        }
    }
}
