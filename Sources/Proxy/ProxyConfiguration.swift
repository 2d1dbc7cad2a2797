import DLCore

/// How a write proxy runs. It has no durable state: everything it needs is in the metadata
/// and the logs.
public struct ProxyConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port: Int
    public var metadataURI: MetadataURI
    /// Prometheus metrics and JSON info over HTTP, when set.
    public var httpPort: Int?
    /// An owned log nobody wrote to for this long is released.
    public var idleRelease: Duration = .seconds(300)
    public var metadataOptions = MetadataStoreOptions()
    /// Options of the writer of every owned log (the lock is always taken with no wait).
    public var writer = LogWriter.Options()
    /// Limits on all writes through this proxy together.
    public var limits = WriteLimits.none
    /// The most logs this proxy owns at once: past it, a log nobody owns goes to another proxy.
    public var maxLogs: Int?
    /// How far (bytes sent and not yet taken by the client) a follower may fall behind before
    /// it is cut off.
    public var followerLagBytes = 8 << 20

    public init(port: Int, metadataURI: MetadataURI) {
        self.port = port
        self.metadataURI = metadataURI
    }
}
