import DLCore
import Foundation
import Logging
import Synchronization

/// Keeps the bookie's ephemeral registration in metadata true: available or read-only (by
/// disk usage, with hysteresis), re-created after a session expiry.
final class BookieRegistrar: Sendable {
    private let configuration: BookieConfiguration
    private let service: BookieService
    private let logger: Logger
    private let store: Mutex<(any MetadataStore)?>
    private let registeredState = Mutex<BookieRegistration.State?>(nil)

    init(configuration: BookieConfiguration, service: BookieService, store: any MetadataStore, logger: Logger) {
        self.configuration = configuration
        self.service = service
        self.logger = logger
        self.store = Mutex(store)
    }

    private var currentStore: (any MetadataStore)? { store.withLock { $0 } }

    private func registration(_ state: BookieRegistration.State) -> BookieRegistration {
        BookieRegistration(bookieId: configuration.bookieId, address: configuration.bookieId, httpPort: configuration.httpPort,
                           state: state, pid: getpid(), dataDirectory: service.storage.directory)
    }

    /// Registers in the state the disk allows now.
    func register() async throws {
        updateReadOnly()
        try await ensureRegistered()
    }

    private func ensureRegistered() async throws {
        guard let store = currentStore else { return }
        try await retryingWhenANodeVanishes { try await replaceRegistration(in: store) }
    }

    private func replaceRegistration(in store: any MetadataStore) async throws {
        let state = service.registrationState
        let path = BookieRegistration.path(configuration.bookieId, state)
        let previous = registeredState.withLock { $0 }
        if previous == state, try await store.exists(path) != nil { return }
        var ops: [MetadataOp] = []
        if let previous, previous != state, try await store.exists(BookieRegistration.path(configuration.bookieId, previous)) != nil {
            ops.append(.delete(BookieRegistration.path(configuration.bookieId, previous), expectedVersion: nil))
        }
        if try await store.exists(path) != nil {
            // A registration left by our previous session, not yet expired: take it over.
            ops.append(.delete(path, expectedVersion: nil))
        }
        ops.append(.create(path, data: registration(state).encoded(), mode: .ephemeral))
        try await store.multi(ops)
        registeredState.withLock { $0 = state }
        logger.info("registered", metadata: ["path": "\(path)"])
    }

    /// Applies the disk thresholds; true when the state changed.
    @discardableResult
    private func updateReadOnly() -> Bool {
        let used = DiskUsage.measure(service.storage.directory).usedFraction
        let readOnly = service.isReadOnly
        if !readOnly && used >= configuration.diskUsageThreshold {
            service.setReadOnly(true)
            logger.warning("disk usage above threshold: read-only", metadata: ["used": "\(used)"])
            return true
        }
        if readOnly && used < configuration.diskUsageLowerThreshold {
            service.setReadOnly(false)
            logger.info("disk usage below the lower threshold: writable again", metadata: ["used": "\(used)"])
            return true
        }
        return false
    }

    /// Runs until cancelled: every second, applies the disk thresholds and makes sure the
    /// registration exists, opening a new session if the old one expired.
    func keepRegistered() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            if Task.isCancelled { return }
            updateReadOnly()
            do {
                try await ensureRegistered()
            } catch MetadataError.sessionExpired {
                logger.warning("metadata session expired; opening a new one")
                await reopen()
            } catch {
                logger.warning("registration check failed", metadata: ["error": "\(error)"])
            }
        }
    }

    private func reopen() async {
        do {
            let fresh = try await configuration.metadataURI.open(options: configuration.metadataOptions)
            let old = store.withLock { current -> (any MetadataStore)? in
                defer { current = fresh }
                return current
            }
            registeredState.withLock { $0 = nil }
            await old?.close()
        } catch {
            logger.warning("cannot reopen the metadata session", metadata: ["error": "\(error)"])
        }
    }

    /// Ledgers among `local` whose metadata is gone, each checked twice.
    func ledgersDeletedFromMetadata(among local: [Int64]) async throws -> [Int64] {
        guard let store = currentStore, !local.isEmpty else { return [] }
        let present = Set(try await store.children(ClusterLayout.ledgers).compactMap(ClusterLayout.ledgerId(ofName:)))
        var deleted: [Int64] = []
        for id in local where !present.contains(id) {
            if try await store.exists(ClusterLayout.ledgerPath(id)) == nil { deleted.append(id) }
        }
        return deleted
    }

    /// Whether metadata holds no ledger with an id below `bound`.
    func noLedgerLeft(below bound: Int64) async throws -> Bool {
        guard let store = currentStore else { return false }
        return try await store.children(ClusterLayout.ledgers).compactMap(ClusterLayout.ledgerId(ofName:)).allSatisfy { $0 >= bound }
    }

    /// Ends the session (its ephemeral registration goes with it). Bounded: a metadata
    /// server that does not answer must not keep the bookie from exiting.
    func deregister() async {
        let old = store.withLock { current -> (any MetadataStore)? in
            defer { current = nil }
            return current
        }
        await old?.close(within: .seconds(5))
    }
}
