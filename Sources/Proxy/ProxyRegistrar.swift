import DLCore
import Foundation
import Logging
import Synchronization

/// Keeps the proxy's ephemeral registration under `/proxies` true (address, status, pid),
/// re-created after a session expiry (when every log is given up: its locks went with the
/// session), and tells the service which proxies are registered.
final class ProxyRegistrar: Sendable {
    private let configuration: ProxyConfiguration
    private let address: String
    private let service: ProxyService
    private let logger: Logger
    private let store: Mutex<(any MetadataStore)?>
    private let startedAtMillis = Int64(Date().timeIntervalSince1970 * 1000)
    private let registered = Mutex<ProxyRegistration.Status?>(nil)

    init(configuration: ProxyConfiguration, address: String, service: ProxyService, store: any MetadataStore, logger: Logger) {
        self.configuration = configuration
        self.address = address
        self.service = service
        self.logger = logger
        self.store = Mutex(store)
    }

    private var currentStore: (any MetadataStore)? { store.withLock { $0 } }

    func register() async throws {
        guard let store = currentStore else { return }
        _ = try await store.createUnlessExists(ClusterLayout.proxies, data: [], mode: .persistent)
        try await ensureRegistered(store)
        await refreshPeers(store)
    }

    private func ensureRegistered(_ store: any MetadataStore) async throws {
        try await retryingWhenANodeVanishes { try await replaceRegistration(in: store) }
    }

    private func replaceRegistration(in store: any MetadataStore) async throws {
        let status: ProxyRegistration.Status = await service.isDraining ? .draining : .serving
        let path = ProxyRegistration.path(address)
        let node = try await store.getIfExists(path)
        if let node, registered.withLock({ $0 == status }),
           (try? ProxyRegistration(decoding: node.data))?.pid == getpid() { return }
        let registration = ProxyRegistration(address: address, httpPort: configuration.httpPort, status: status, pid: getpid(),
                                             startedAtMillis: startedAtMillis)
        var ops: [MetadataOp] = []
        // A registration of our previous session (not yet expired), or ours with the old status.
        if node != nil { ops.append(.delete(path, expectedVersion: nil)) }
        ops.append(.create(path, data: registration.encoded(), mode: .ephemeral))
        try await store.multi(ops)
        registered.withLock { $0 = status }
        logger.info("registered", metadata: ["path": "\(path)", "status": "\(status.rawValue)"])
    }

    private func refreshPeers(_ store: any MetadataStore) async {
        guard let peers = try? await ProxyRegistration.all(in: store) else { return }
        await service.setRegistered(Set(peers.map(\.address)))
    }

    /// Until cancelled, every `interval`: the registration is checked (and the status kept
    /// current), peers are listed, rates sampled, idle logs released.
    func keepRegistered(interval: Duration = .seconds(1), idleRelease: Duration) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            if Task.isCancelled { return }
            service.statistics.sample()
            guard let store = currentStore else { return }
            do {
                try await ensureRegistered(store)
                await refreshPeers(store)
            } catch MetadataError.sessionExpired {
                logger.warning("metadata session expired; opening a new one")
                await reopen()
            } catch {
                logger.warning("registration check failed", metadata: ["error": "\(error)"])
            }
            await service.releaseIdle(after: idleRelease)
        }
    }

    private func reopen() async {
        do {
            let fresh = try await configuration.metadataURI.open(options: configuration.metadataOptions)
            let old = store.withLock { current -> (any MetadataStore)? in
                defer { current = fresh }
                return current
            }
            registered.withLock { $0 = nil }
            await service.replaceStore(fresh)
            await old?.close()
        } catch {
            logger.warning("cannot reopen the metadata session", metadata: ["error": "\(error)"])
        }
    }

    /// Ends the session (the registration goes with it); bounded, as the bookie's.
    func deregister() async {
        let old = store.withLock { current -> (any MetadataStore)? in
            defer { current = nil }
            return current
        }
        guard let old else { return }
        try? await old.delete(ProxyRegistration.path(address), expectedVersion: nil)
        await old.close(within: .seconds(5))
    }
}
