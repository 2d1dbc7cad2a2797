import NIOCore
import NIOPosix

/// Talks to the write proxies of a cluster (DESIGN.md section 10): finds them in the metadata,
/// routes each log by consistent hashing over them, remembers the owners it learns from answers
/// and redirects, follows a redirect at once, skips a proxy that failed for this request, and
/// backs off and retries until the request's deadline. Answers that retrying cannot change (no
/// such log, too large, txid out of order, sealed, over capacity, malformed) are returned as
/// they are; the caller turns them into errors.
public actor ProxyClient {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// The cluster has no proxies registered.
        case noProxies
        /// No proxy carried the request out before the deadline; `last` says why the last try failed.
        case gaveUp(log: String, after: Duration, last: String)

        public var description: String {
            switch self {
            case .noProxies: return "the cluster has no write proxies (start one with 'dlctl proxy start', or write with --direct)"
            case let .gaveUp(log, after, last): return "no proxy took the request for \(log) within \(after): \(last)"
            }
        }
    }

    private let store: any MetadataStore
    private let group: any EventLoopGroup
    private var ring = ProxyRing(proxies: [])
    private var registered: Set<String> = []
    private var owners: [String: String] = [:]
    private var connections: [String: ProxyConnection] = [:]
    private var connecting: [String: Task<ProxyConnection, any Error>] = [:]
    /// Longest pause between tries.
    private let maxBackoff: Duration = .milliseconds(500)
    /// How long one try waits for its answer before the proxy counts as failed for the request
    /// (a stopped or partitioned owner accepts connections and never answers). A retry to the
    /// same owner is safe: a write it is still appending is answered when that append ends.
    public let attemptTimeout: Duration

    public init(store: any MetadataStore, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                attemptTimeout: Duration = .seconds(3)) {
        self.store = store
        self.group = group
        self.attemptTimeout = attemptTimeout
    }

    /// Reads the registered proxies again.
    @discardableResult
    public func refresh() async throws -> [ProxyRegistration] {
        let registrations = try await ProxyRegistration.all(in: store)
        registered = Set(registrations.map(\.address))
        ring = ProxyRing(proxies: Array(registered))
        return registrations
    }

    public var proxyCount: Int { registered.count }

    /// The proxies to try for `log`, in order: its known owner, then the ring.
    public func route(_ log: String) -> [String] {
        var order = ring.route(log)
        if let owner = owners[log] {
            order.removeAll { $0 == owner }
            order.insert(owner, at: 0)
        }
        return order
    }

    /// The connection to `address`, opened once and shared by every request.
    public func connection(_ address: String, timeout: Duration) async throws -> ProxyConnection {
        if let existing = connections[address], existing.isActive { return existing }
        if let pending = connecting[address] { return try await pending.value }
        let group = self.group
        let task = Task { try await ProxyConnection.connect(address, group: group, timeout: timeout) }
        connecting[address] = task
        defer { connecting[address] = nil }
        let connection = try await task.value
        connections[address] = connection
        return connection
    }

    /// `owner` owns `log` (a redirect said so): route there first.
    public func remember(owner: String, of log: String) { owners[log] = owner }

    /// `address` failed: its connection is dropped (and it is no longer taken as `log`'s owner).
    public func failed(_ address: String, for log: String) {
        forget(address)
        if owners[log] == address { owners[log] = nil }
    }

    private func forget(_ address: String) {
        if let connection = connections.removeValue(forKey: address) { Task { await connection.close() } }
    }

    /// Sends `request` about `log` to its owner, following redirects and retrying until
    /// `deadline`. Returns the first answer that is final: ok, or an error retrying cannot change.
    public func send(_ request: ProxyRequest, log: String, deadline: ContinuousClock.Instant) async throws
        -> (response: ProxyResponse, proxy: String)
    {
        let started = ContinuousClock.now
        if registered.isEmpty, try await refresh().isEmpty { throw Failure.noProxies }
        var skipped = Set<String>()
        var backoff: Duration = .milliseconds(10)
        var last = "no proxy answered"
        var hops = 0
        while true {
            let remaining = deadline - .now
            guard remaining > .zero else { throw Failure.gaveUp(log: log, after: ContinuousClock.now - started, last: last) }
            guard let target = route(log).first(where: { !skipped.contains($0) }), hops < 16 else {
                // Every proxy failed this round (or redirects went in circles): wait, look again.
                if registered.isEmpty { last = "no proxy is registered" }
                try await pause(backoff, before: deadline)
                backoff = min(backoff * 2, maxBackoff)
                skipped.removeAll()
                hops = 0
                _ = try? await refresh()
                continue
            }
            hops += 1
            let response: ProxyResponse
            do {
                let connection = try await connection(target, timeout: min(remaining, .seconds(2)))
                response = try await connection.send(request, timeout: min(remaining, attemptTimeout))
            } catch {
                last = "\(error)"
                skipped.insert(target)
                forget(target)
                if owners[log] == target { owners[log] = nil }
                continue
            }
            switch response.status {
            case .ok:
                owners[log] = target
                return (response, target)
            case .redirect:
                let owner = response.detail
                last = "\(target) says \(owner) owns \(log)"
                if owner == target || skipped.contains(owner) || owner.isEmpty {
                    skipped.insert(target)
                } else {
                    owners[log] = owner
                }
            case .notReady:
                last = response.detail
                owners[log] = target
                try await pause(.milliseconds(20), before: deadline)
            case .unavailable:
                last = response.detail
                skipped.insert(target)
                if owners[log] == target { owners[log] = nil }
            case .noSuchLog, .recordTooLarge, .txidOutOfOrder, .endOfStream, .overCapacity, .malformed, .behind:
                return (response, target)
            }
        }
    }

    private func pause(_ duration: Duration, before deadline: ContinuousClock.Instant) async throws {
        let wait = min(duration, deadline - .now)
        if wait > .zero { try await Task.sleep(for: wait) }
    }

    /// Asks one proxy directly (no routing): for `proxy info`, `drain`.
    public func ask(_ address: String, _ request: ProxyRequest, timeout: Duration) async throws -> ProxyResponse {
        let connection = try await connection(address, timeout: timeout)
        return try await connection.send(request, timeout: timeout)
    }

    /// What each of `addresses` answers to a handshake, asked all at once (nil: no answer
    /// within `timeout`).
    public func handshakes(_ addresses: [String], client name: String, timeout: Duration) async -> [String: ProxyInfo] {
        await withTaskGroup(of: (String, ProxyInfo?).self) { group in
            for address in addresses {
                group.addTask {
                    guard case let .handshake(.ok, _, info)? = try? await self.ask(address, .handshake(client: name), timeout: timeout)
                    else { return (address, nil) }
                    return (address, info)
                }
            }
            var infos: [String: ProxyInfo] = [:]
            for await (address, info) in group { infos[address] = info }
            return infos
        }
    }

    public func close() async {
        for connection in connections.values { await connection.close() }
        connections.removeAll()
    }
}
