import DLCore
import Foundation

/// Everything a bookie needs to start.
public struct BookieConfiguration: Sendable {
    public var dataDirectory: String
    public var host: String = "127.0.0.1"
    public var port: Int
    public var metadataURI: MetadataURI
    /// Prometheus metrics and JSON info over HTTP, when set.
    public var httpPort: Int?
    /// When set, clients must present it first (auth hand-shake).
    public var authToken: String?
    /// Above this used fraction of the disk the bookie turns read-only...
    public var diskUsageThreshold = 0.95
    /// ...and below this it turns writable again.
    public var diskUsageLowerThreshold = 0.90
    public var checkpointInterval: Duration = .seconds(5)
    /// A checkpoint starts early once the write cache holds this much; adds are refused
    /// ("too many requests") while it holds twice as much. Like BookKeeper's DbLedgerStorage
    /// write cache, it lets a burst land on the journal alone and the entry logs catch up after.
    public var writeCacheBytes = 256 * 1024 * 1024
    public var garbageCollectionInterval: Duration = .seconds(60)
    /// Entry logs whose live share falls below this are compacted.
    public var compactionThreshold = 0.5
    public var metadataOptions = MetadataStoreOptions()
    /// Adds of one connection in flight (handed to the journal, not yet answered) above which
    /// the bookie stops reading that connection until they are answered.
    public var maxAddsInFlightPerConnection = Self.defaultMaxAddsInFlight
    public static let defaultMaxAddsInFlight = 16_384
    public var journal = Journal.Options()
    /// Autorecovery in this process (auditor candidate and, unless turned off, a replication
    /// worker); nil runs none (in-process test bookies).
    public var autorecovery: Autorecovery.Options?
    /// Every file the bookie keeps goes through this layer (a power-loss recorder in tests).
    public var files: any FileLayer = PosixFiles()

    public init(dataDirectory: String, port: Int, metadataURI: MetadataURI) {
        self.dataDirectory = dataDirectory
        self.port = port
        self.metadataURI = metadataURI
    }

    /// The bookie's identity: host:port.
    public var bookieId: String { "\(host):\(port)" }
}
