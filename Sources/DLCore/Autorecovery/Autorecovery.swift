import Logging

/// Autorecovery as one process runs it (every bookie does): it stands for auditor and runs a
/// replication worker (unless `worker` is off), on a metadata session of its own, opened again
/// when it expires.
public struct Autorecovery: Sendable {
    public struct Options: Sendable {
        /// How long a bookie must be gone before its ledgers are re-replicated.
        public var lostBookieDelay: Duration = .seconds(60)
        /// Whether this process runs a replication worker.
        public var worker = true
        /// How long an open ledger is left to its writer before a worker recovers it.
        public var openLedgerGrace: Duration = .seconds(30)
        /// How often the auditor checks closed ledgers (sampled) for lacking replicas; nil: never.
        public var checkInterval: Duration? = .seconds(3600)
        /// Bytes a second this process's worker copies at most; nil: as fast as it can.
        public var copyRate: Double?
        public init() {}
    }

    public let identity: String
    public let options: Options
    private let uri: MetadataURI
    private let storeOptions: MetadataStoreOptions
    private let connections: BookieConnections
    private let logger: Logger

    public init(identity: String, uri: MetadataURI, storeOptions: MetadataStoreOptions, options: Options,
                connections: BookieConnections, logger: Logger) {
        self.identity = identity
        self.uri = uri
        self.storeOptions = storeOptions
        self.options = options
        self.connections = connections
        self.logger = logger
    }

    /// Runs until cancelled.
    public func run() async {
        // One rate for the process, across the worker's restarts.
        let throttle = CopyThrottle(bytesPerSecond: options.copyRate)
        while !Task.isCancelled {
            do {
                let store = try await uri.open(options: storeOptions)
                do {
                    try await AutorecoveryLayout.ensure(store)
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            try await Auditor(identity: identity, lostBookieDelay: options.lostBookieDelay, checkInterval: options.checkInterval,
                                              connections: connections, logger: logger).run(store)
                        }
                        if options.worker {
                            group.addTask {
                                try await ReplicationWorker(identity: identity, connections: connections,
                                                            openLedgerGrace: options.openLedgerGrace, throttle: throttle, logger: logger).run(store)
                            }
                        }
                        // The first to fail (a session that expired) ends the others; all start again.
                        try await group.next()
                        group.cancelAll()
                    }
                } catch {
                    if !Task.isCancelled { logger.warning("autorecovery stopped; starting again", metadata: ["error": "\(error)"]) }
                }
                await store.close()
            } catch {
                if !Task.isCancelled { logger.warning("autorecovery could not open the metadata", metadata: ["error": "\(error)"]) }
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }
}
