import DLCore
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A running bookie: storage recovered from its journal, the wire server, its registration in
/// metadata, and its background work. `start` returns once it serves; `shutdown` finishes
/// in-flight adds, checkpoints and deregisters.
public final class BookieNode: Sendable {
    public let configuration: BookieConfiguration
    public let service: BookieService
    private let group: MultiThreadedEventLoopGroup
    private let readPool: NIOThreadPool
    private let recoveryPool: NIOThreadPool
    private let channels: [any Channel]
    private let maintenance: Maintenance
    private let registration: BookieRegistrar
    private let lockFd: Int32
    private let logger: Logger
    private let stopped = Mutex(false)
    private let background: Mutex<[Task<Void, Never>]> = Mutex([])

    public enum StartFailure: Error, CustomStringConvertible {
        case dataDirectoryInUse(String)
        case cannotBind(String, String)
        case storage(String)

        public var description: String {
            switch self {
            case let .dataDirectoryInUse(directory): return "\(directory) is in use by another bookie process"
            case let .cannotBind(address, reason): return "cannot listen on \(address): \(reason)"
            case let .storage(reason): return "cannot open storage: \(reason)"
            }
        }
    }

    public static func start(_ configuration: BookieConfiguration, logger: Logger) async throws -> BookieNode {
        let directory = (configuration.dataDirectory as NSString).standardizingPath
        try configuration.files.createDirectories(directory)
        let lockFd = open(directory + "/LOCK", O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard lockFd >= 0, flock(lockFd, LOCK_EX | LOCK_NB) == 0 else {
            if lockFd >= 0 { close(lockFd) }
            throw StartFailure.dataDirectoryInUse(directory)
        }
        do {
            return try await start(configuration, directory: directory, lockFd: lockFd, logger: logger)
        } catch {
            close(lockFd)
            throw error
        }
    }

    private static func start(_ configuration: BookieConfiguration, directory: String, lockFd: Int32, logger: Logger)
        async throws -> BookieNode
    {
        let store = try await configuration.metadataURI.open(options: configuration.metadataOptions)
        let bookieId = configuration.bookieId
        do {
            let cluster = try await ClusterLayout.info(store)
            _ = try await CookieCheck.verify(bookieId: bookieId, directory: directory, instanceId: cluster.instanceId, store: store,
                                             files: configuration.files)
        } catch {
            await store.close()
            throw error
        }

        let files = configuration.files
        let journalDirectory = directory + "/journal"
        let storage: LedgerStorage
        let firstFileId: UInt64
        do {
            (storage, firstFileId) = try await recoverStorage(directory: directory, journalDirectory: journalDirectory, files: files,
                                                              logger: logger) { try await LedgerIds.next(store) }
        } catch {
            await store.close()
            throw error
        }

        let serviceBox = ServiceBox()
        let journal: Journal
        do {
            journal = try Journal(directory: journalDirectory, firstFileId: firstFileId, files: files,
                                  options: configuration.journal, logger: logger) { batches, mark in
                storage.apply(batches, mark: mark)
                if storage.writeCacheBytes > configuration.writeCacheBytes { serviceBox.maintenance?.requestCheckpoint() }
            }
        } catch {
            storage.entryLogs.closeReaders()
            await store.close()
            throw error
        }
        let readPool = NIOThreadPool(numberOfThreads: 2)
        readPool.start()
        let recoveryPool = NIOThreadPool(numberOfThreads: 1)
        recoveryPool.start()
        let service = BookieService(bookieId: bookieId, storage: storage, journal: journal, readPool: readPool,
                                    recoveryPool: recoveryPool,
                                    authToken: configuration.authToken.map { Array($0.utf8) },
                                    maxWriteCacheBytes: 2 * configuration.writeCacheBytes, logger: logger)
        storage.onLastAddConfirmed = { ledgerId, lac in service.lastAddConfirmedAdvanced(ledgerId: ledgerId, to: lac) }
        let maintenance = Maintenance(storage: storage, journal: journal, interval: configuration.checkpointInterval, logger: logger)
        serviceBox.maintenance = maintenance

        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var channels: [any Channel] = []
        /// Undoes a start that failed after the journal started: nothing stays open or listening.
        func abandon() async {
            for channel in channels { try? await channel.close() }
            journal.stop()
            maintenance.stop()
            storage.entryLogs.closeReaders()
            storage.onLastAddConfirmed = nil
            try? await readPool.shutdownGracefully()
            try? await recoveryPool.shutdownGracefully()
            try? await group.shutdownGracefully()
            await store.close()
        }
        do {
            let server = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 256)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder()))
                        try channel.pipeline.syncOperations.addHandler(
                            BookieChannelHandler(service: service, logger: logger, maxAddsInFlight: configuration.maxAddsInFlightPerConnection))
                    }
                }
                .bind(host: configuration.host, port: configuration.port).get()
            channels.append(server)
            if let httpPort = configuration.httpPort {
                let http = try await ServerBootstrap(group: group)
                    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                    .childChannelInitializer { channel in
                        channel.pipeline.configureHTTPServerPipeline().flatMap {
                            channel.pipeline.addHandler(MetricsHTTPHandler(service: service))
                        }
                    }
                    .bind(host: configuration.host, port: httpPort).get()
                channels.append(http)
            }
        } catch {
            await abandon()
            throw StartFailure.cannotBind("\(configuration.host):\(configuration.port)", "\(error)")
        }

        let registrar = BookieRegistrar(configuration: configuration, service: service, store: store, logger: logger)
        do { try await registrar.register() } catch {
            await abandon()
            throw error
        }
        let node = BookieNode(configuration: configuration, service: service, group: group, readPool: readPool, recoveryPool: recoveryPool,
                              channels: channels, maintenance: maintenance, registration: registrar, lockFd: lockFd,
                              logger: logger)
        node.startBackgroundWork()
        logger.info("bookie serving", metadata: ["id": "\(bookieId)", "dataDirectory": "\(directory)",
                                                 "ledgers": "\(storage.ledgerIds.count)"])
        return node
    }

    /// Recovers storage: the last checkpoint, then the journal from its mark; checkpoints the
    /// result. A damaged journal (not just a torn tail) puts every ledger older than a ledger id
    /// taken now (`nextLedgerId`) in doubt. Returns the storage and the id of the journal file
    /// to write next.
    private static func recoverStorage(directory: String, journalDirectory: String, files: any FileLayer, logger: Logger,
                                       nextLedgerId: () async throws -> Int64) async throws -> (LedgerStorage, UInt64)
    {
        let storage = try LedgerStorage(directory: directory, files: files, logger: logger)
        let started = DispatchTime.now().uptimeNanoseconds
        let summary = try JournalReader.replay(directory: journalDirectory, from: storage.checkpointMark, files: files) { record, mark in
            storage.apply([record], mark: mark)
        }
        let replaySeconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        for cut in summary.cuts {
            logger.warning(cut.damaged ? "journal damaged" : "journal tail cut at replay", metadata: ["cut": "\(cut)"])
        }
        if summary.damaged {
            // Ids come from the metadata's generator; a ledger this bookie knows of with a larger id
            // (made outside it) is covered too.
            let bound = max(try await nextLedgerId(), (storage.ledgerIds.max() ?? 0) + 1)
            storage.enterDoubt(below: bound)
            logger.error("journal damaged at rest: acknowledged entries may be lost; misses on older ledgers answer I/O errors until they are gone",
                         metadata: ["doubtBelowLedgerId": "\(bound)"])
        }
        logger.info("journal replayed", metadata: [
            "records": "\(summary.records)", "bytes": "\(summary.bytes)", "seconds": "\(String(format: "%.3f", replaySeconds))",
            "mibPerSecond": "\(String(format: "%.1f", replaySeconds > 0 ? Double(summary.bytes) / 1_048_576 / replaySeconds : 0))",
        ])
        // Never an id used before: a removed journal file can come back after a power loss (its
        // removal is not synced), and its old records must not follow the new ones.
        let firstFileId = max(JournalFiles.list(journalDirectory, files: files).last ?? 0, storage.checkpointMark.fileId) + 1
        storage.setJournalMark(JournalMark(fileId: firstFileId, offset: 0))
        try storage.checkpoint()
        JournalFiles.remove(below: firstFileId, in: journalDirectory, files: files)
        return (storage, firstFileId)
    }

    private init(configuration: BookieConfiguration, service: BookieService, group: MultiThreadedEventLoopGroup,
                 readPool: NIOThreadPool, recoveryPool: NIOThreadPool, channels: [any Channel], maintenance: Maintenance, registration: BookieRegistrar,
                 lockFd: Int32, logger: Logger) {
        self.configuration = configuration
        self.service = service
        self.group = group
        self.readPool = readPool
        self.recoveryPool = recoveryPool
        self.channels = channels
        self.maintenance = maintenance
        self.registration = registration
        self.lockFd = lockFd
        self.logger = logger
    }

    private func startBackgroundWork() {
        let registration = self.registration
        let keeper = Task { await registration.keepRegistered() }
        let maintenance = self.maintenance
        let configuration = self.configuration
        let storage = service.storage
        let logger = self.logger
        let collector = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: configuration.garbageCollectionInterval)
                if Task.isCancelled { return }
                do {
                    try await Self.leaveDoubtIfResolved(storage: storage, registration: registration, logger: logger)
                    let deleted = try await registration.ledgersDeletedFromMetadata(among: storage.ledgerIds)
                    if !deleted.isEmpty { logger.info("garbage-collecting deleted ledgers", metadata: ["ledgers": "\(deleted)"]) }
                    maintenance.collectGarbage(droppedLedgers: deleted, compactionThreshold: configuration.compactionThreshold)
                } catch {
                    logger.warning("garbage collection skipped", metadata: ["error": "\(error)"])
                }
            }
        }
        var tasks = [keeper, collector]
        if let options = configuration.autorecovery {
            let autorecovery = Autorecovery(identity: configuration.bookieId, uri: configuration.metadataURI,
                                            storeOptions: configuration.metadataOptions, options: options,
                                            connections: BookieConnections(authToken: configuration.authToken.map { Array($0.utf8) }),
                                            logger: logger)
            tasks.append(Task { await autorecovery.run() })
        }
        background.withLock { $0 = tasks }
    }

    /// Leaves doubt once metadata holds no ledger below its bound (they were deleted: nothing
    /// this bookie may have lost is still wanted).
    private static func leaveDoubtIfResolved(storage: LedgerStorage, registration: BookieRegistrar, logger: Logger) async throws {
        guard let bound = storage.doubtBelowLedgerId, try await registration.noLedgerLeft(below: bound) else { return }
        storage.clearDoubt()
        logger.notice("no ledger older than the journal damage is left: out of doubt", metadata: ["bound": "\(bound)"])
    }

    /// Runs one garbage collection pass now (for tests and `dlctl`).
    public func collectGarbageNow() async throws {
        try await Self.leaveDoubtIfResolved(storage: service.storage, registration: registration, logger: logger)
        let deleted = try await registration.ledgersDeletedFromMetadata(among: service.storage.ledgerIds)
        service.storage.dropLedgers(deleted)
        try service.storage.compact(threshold: configuration.compactionThreshold)
        try service.storage.checkpoint()
    }

    /// The bookie's ledger storage (for tests and `dlctl`).
    public var storage: LedgerStorage { service.storage }

    /// Runs a checkpoint now and removes the journal files it covers (for tests and `dlctl`).
    public func checkpointNow() throws { try maintenance.checkpointNow() }

    /// The port the wire server listens on.
    public var port: Int { channels.first?.localAddress?.port ?? configuration.port }

    /// Stops serving: closes listeners, finishes queued adds, checkpoints, deregisters.
    public func shutdown() async {
        let already = stopped.withLock { value in
            defer { value = true }
            return value
        }
        if already { return }
        for task in background.withLock({ $0 }) { task.cancel() }
        for channel in channels { try? await channel.close() }
        service.journal.stop()
        maintenance.stop()
        service.storage.entryLogs.closeReaders()
        // The LAC callback refers to the service, which holds the storage: let go of the cycle.
        service.storage.onLastAddConfirmed = nil
        await registration.deregister()
        try? await readPool.shutdownGracefully()
        try? await recoveryPool.shutdownGracefully()
        try? await group.shutdownGracefully()
        close(lockFd)
        logger.info("bookie stopped", metadata: ["id": "\(configuration.bookieId)"])
    }
}

/// Late binding of the maintenance thread for the journal's durability callback.
private final class ServiceBox: @unchecked Sendable {
    var maintenance: Maintenance?
}
