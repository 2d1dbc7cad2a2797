/// What a bookie says about itself through the info operation (and on its HTTP port).
public struct BookieInfo: Codable, Sendable, Equatable {
    public var bookieId: String
    public var state: BookieRegistration.State
    public var dataDirectory: String
    public var pid: Int32
    public var startedAtMillis: Int64
    public var disk: Disk
    public var ledgers: Int
    public var writeCacheBytes: Int
    public var stats: Stats
    /// Set while the bookie is in doubt after finding its journal damaged: reads it cannot
    /// answer for ledgers below this id are I/O errors, never negatives.
    public var doubtBelowLedgerId: Int64?

    public struct Disk: Codable, Sendable, Equatable {
        public var totalBytes: Int64
        public var usedBytes: Int64
        public var usedFraction: Double
        public init(totalBytes: Int64, usedBytes: Int64) {
            self.totalBytes = totalBytes
            self.usedBytes = usedBytes
            self.usedFraction = totalBytes > 0 ? Double(usedBytes) / Double(totalBytes) : 0
        }
    }

    public struct Stats: Codable, Sendable, Equatable {
        public var adds: UInt64
        public var addBytes: UInt64
        public var reads: UInt64
        public var readBytes: UInt64
        public var addsRefused: UInt64
        public var journalSyncs: UInt64
        public var journalSyncLatency: LatencyHistogram.Snapshot
        public var addLatency: LatencyHistogram.Snapshot
        public var journalQueueDepth: Int
        /// The ledgers with the most adds (up to 20): ledger id -> adds.
        public var addsPerLedger: [String: UInt64]
        public init(adds: UInt64, addBytes: UInt64, reads: UInt64, readBytes: UInt64, addsRefused: UInt64, journalSyncs: UInt64,
                    journalSyncLatency: LatencyHistogram.Snapshot, addLatency: LatencyHistogram.Snapshot,
                    journalQueueDepth: Int, addsPerLedger: [String: UInt64]) {
            self.adds = adds
            self.addBytes = addBytes
            self.reads = reads
            self.readBytes = readBytes
            self.addsRefused = addsRefused
            self.journalSyncs = journalSyncs
            self.journalSyncLatency = journalSyncLatency
            self.addLatency = addLatency
            self.journalQueueDepth = journalQueueDepth
            self.addsPerLedger = addsPerLedger
        }
    }

    public init(bookieId: String, state: BookieRegistration.State, dataDirectory: String, pid: Int32, startedAtMillis: Int64,
                disk: Disk, ledgers: Int, writeCacheBytes: Int, stats: Stats) {
        self.bookieId = bookieId
        self.state = state
        self.dataDirectory = dataDirectory
        self.pid = pid
        self.startedAtMillis = startedAtMillis
        self.disk = disk
        self.ledgers = ledgers
        self.writeCacheBytes = writeCacheBytes
        self.stats = stats
    }
}

/// The ephemeral record a bookie keeps under /bookies/available or /bookies/readonly.
public struct BookieRegistration: VersionedMetadata, Equatable {
    public static let formatVersion = 1
    public static let kind = "bookie registration"

    public enum State: String, Codable, Sendable { case available, readonly }

    public var formatVersion: Int = Self.formatVersion
    public var bookieId: String
    /// host:port clients connect to.
    public var address: String
    public var httpPort: Int?
    public var state: State
    public var pid: Int32
    public var dataDirectory: String

    public init(bookieId: String, address: String, httpPort: Int?, state: State, pid: Int32, dataDirectory: String) {
        self.bookieId = bookieId
        self.address = address
        self.httpPort = httpPort
        self.state = state
        self.pid = pid
        self.dataDirectory = dataDirectory
    }

    public func validate() throws(ModelError) {
        if bookieId.isEmpty || address.isEmpty { throw .invalid(what: Self.kind, reason: "empty id or address") }
    }

    /// The bookies registered as available, by id (a registration that does not decode is left out).
    public static func available(in store: any MetadataStore) async throws -> [BookieRegistration] {
        let ids: [String]
        do { ids = try await store.children(ClusterLayout.availableBookies) } catch MetadataError.noNode { return [] }
        var registrations: [BookieRegistration] = []
        for id in ids.sorted() {
            guard let node = try await store.getIfExists(path(id, .available)),
                  let registration = try? BookieRegistration(decoding: node.data) else { continue }
            registrations.append(registration)
        }
        return registrations
    }

    /// The metadata path of a bookie's registration in `state`.
    public static func path(_ bookieId: String, _ state: State) -> String {
        (state == .available ? ClusterLayout.availableBookies : ClusterLayout.readOnlyBookies) + "/" + bookieId
    }
}
