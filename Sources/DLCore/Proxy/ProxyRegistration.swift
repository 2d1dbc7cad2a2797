/// A running write proxy's ephemeral node under `/proxies` (named by its address): clients
/// find proxies here, and it goes away with the proxy's metadata session.
public struct ProxyRegistration: VersionedMetadata, Equatable {
    public static let formatVersion = 1
    public static let kind = "proxy registration"

    public enum Status: String, Codable, Sendable { case serving, draining }

    public var formatVersion: Int = Self.formatVersion
    /// host:port clients connect to; also the proxy's owner id in log locks.
    public var address: String
    public var httpPort: Int?
    public var status: Status
    public var pid: Int32
    public var startedAtMillis: Int64

    public init(address: String, httpPort: Int?, status: Status, pid: Int32, startedAtMillis: Int64) {
        self.address = address
        self.httpPort = httpPort
        self.status = status
        self.pid = pid
        self.startedAtMillis = startedAtMillis
    }

    public func validate() throws(ModelError) {
        if address.isEmpty { throw .invalid(what: Self.kind, reason: "empty address") }
    }

    public static func path(_ address: String) -> String { ClusterLayout.proxies + "/" + address }

    /// Every registered proxy, by address. Registrations that do not decode (written by
    /// something else) are skipped; a cluster made before proxies existed has none.
    public static func all(in store: any MetadataStore) async throws -> [ProxyRegistration] {
        let names: [String]
        do { names = try await store.children(ClusterLayout.proxies) } catch MetadataError.noNode { return [] }
        var registrations: [ProxyRegistration] = []
        for name in names.sorted() {
            guard let node = try await store.getIfExists(path(name)),
                  let registration = try? ProxyRegistration(decoding: node.data) else { continue }
            registrations.append(registration)
        }
        return registrations
    }
}
