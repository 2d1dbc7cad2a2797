import DLCore
import Foundation
import Logging
import Synchronization

/// The serving side of a write proxy (DESIGN.md section 10): which logs it owns (the
/// `LogOwnership` state machine decides), the open writer of each, and the answers. A log is
/// taken on its first request, with no wait for its lock; a log owned elsewhere is answered with
/// a redirect, one being taken over with "not ready". A log whose writer failed (fenced by a new
/// owner, or its lock lost with the session) is dropped, and later requests are redirected.
actor ProxyService {
    typealias Respond = @Sendable (ProxyResponse) -> Void

    let address: String
    private var store: any MetadataStore
    private let connections: BookieConnections
    private let writerOptions: LogWriter.Options
    private let logger: Logger
    private var ownership: LogOwnership
    private var served: [String: ServedLog] = [:]
    private var acquiring: [String: Task<Acquired, Never>] = [:]
    /// Addresses of the registered proxies: a redirect goes only to one of them.
    private var registered: Set<String> = []
    private var stopping = false
    let statistics = ProxyStatistics()
    let limits: ProxyLimits
    /// Per owned log: the watch on its limits and its namespace's.
    private var limitWatches: [String: Task<Void, Never>] = [:]
    /// The followers of each log followed through this proxy (pushed from the writer of an
    /// owned log, else read from the bookies).
    private var feeds: [String: LogFeed] = [:]
    /// Bytes of records a follower may have unsent before it is cut off; the window of
    /// recent records kept for followers of each owned log.
    nonisolated let followerLagBytes: Int
    private let windowBytes: Int

    enum Acquired: Sendable {
        case served
        case answer(ProxyStatus, String)
    }

    private enum Resolution {
        case serve(ServedLog)
        case answer(ProxyStatus, String)
    }

    init(address: String, store: any MetadataStore, connections: BookieConnections, writerOptions: LogWriter.Options,
         limits: WriteLimits = .none, maxLogs: Int? = nil, followerLagBytes: Int = 8 << 20, windowBytes: Int = 32 << 20,
         logger: Logger) {
        self.followerLagBytes = followerLagBytes
        self.windowBytes = windowBytes
        self.address = address
        self.store = store
        self.connections = connections
        self.writerOptions = writerOptions
        self.logger = logger
        self.limits = ProxyLimits(proxy: limits)
        self.ownership = LogOwnership(address: address)
        self.ownership.maxLogs = maxLogs
    }

    var isDraining: Bool { ownership.draining }
    var ownedLogs: [String] { ownership.ownedLogs }

    func setRegistered(_ addresses: Set<String>) { registered = addresses }

    func info() -> ProxyInfo {
        var info = ProxyInfo(address: address, draining: ownership.draining, ownedLogs: ownership.ownedLogs)
        statistics.fill(&info)
        let totals = limits.totals
        info.overSoftLimit = totals.overSoft
        info.overCapacity = totals.refused
        info.limits = limits.limits(of: .proxy).summary
        info.followers = feeds.values.reduce(0) { $0 + $1.followerCount }
        return info
    }

    // MARK: Requests

    func handle(_ request: ProxyRequest, respond: @escaping Respond) async {
        switch request {
        case .handshake:
            respond(.handshake(.ok, detail: "", info: info()))
        case let .write(log, origin, records):
            statistics.request(bytes: records.reduce(0) { $0 + $1.payload.count })
            switch await resolve(log) {
            case let .serve(servedLog):
                await servedLog.write(origin: origin, records: records, respond: respond) { [weak self] in
                    Task { await self?.lost(log, servedLog) }
                }
            case let .answer(status, detail):
                respond(.write(status, detail: detail, dlsns: []))
            }
        case let .endOfStream(log, _):
            switch await resolve(log) {
            case let .serve(servedLog):
                _ = ownership.startRelease(log)
                do {
                    let dlsn = try await servedLog.writer.markEndOfStream()
                    feeds[log]?.sealed(at: dlsn)
                    respond(.endOfStream(.ok, detail: "", dlsn: dlsn))
                } catch {
                    respond(.endOfStream(ServedLog.status(of: error).0, detail: "\(error)", dlsn: nil))
                }
                forget(log, servedLog)
            case let .answer(status, detail):
                respond(.endOfStream(status, detail: detail, dlsn: nil))
            }
        case let .truncate(log, before):
            respond(await truncate(log, before: before))
        case let .release(log):
            respond(await release(log))
        case .follow:
            // Followers are registered by `follow(_:from:as:)`, which needs their connection.
            respond(.records(.malformed, detail: "a follow needs a connection of its own", records: []))
        case let .drain(undo):
            ownership.draining = !undo
            logger.info(undo ? "taking new logs again" : "draining: serving owned logs, taking no new ones")
            respond(.drain(.ok, detail: ownership.draining ? "draining" : "serving"))
        }
    }

    /// Truncation is a change of segment metadata (compare-and-set), safe beside a writer: the
    /// owner does it, another proxy sends the caller to the owner, and a log nobody owns (a
    /// sealed one, say) is truncated without taking it.
    private func truncate(_ log: String, before: DLSN) async -> ProxyResponse {
        do {
            let name = try LogName(parsing: log)
            if served[log] == nil, let holder = try await LogLock.holder(of: name, store: store),
               let owner = LogLock.proxyAddress(ofHolder: holder), owner != address, registered.contains(owner) {
                return .truncate(.redirect, detail: owner)
            }
            let changed = try await LogTruncation(store: store).truncate(name, before: before)
            return .truncate(.ok, detail: "\(changed.count) segment(s) changed")
        } catch MetadataError.noNode {
            return .truncate(.noSuchLog, detail: "\(LogError.noSuchLog(log))")
        } catch {
            return .truncate(Self.refusal(error), detail: "\(error)")
        }
    }

    /// Where a request for `log` goes: to its writer here, or back with an answer.
    private func resolve(_ log: String) async -> Resolution {
        let name: LogName
        do { name = try LogName(parsing: log) } catch { return .answer(.malformed, "\(error)") }
        if stopping { return .answer(.unavailable, "\(address) is stopping") }
        for _ in 0..<3 {
            switch ownership.decide(log, now: .now) {
            case .serve:
                if let servedLog = served[log] { return .serve(servedLog) }
                ownership.dropped(log)
            case .acquire:
                let task = Task { await self.acquire(log, name) }
                acquiring[log] = task
                if case let .answer(status, detail) = await task.value { return .answer(status, detail) }
            case let .notReady(why):
                guard let task = acquiring[log] else { return .answer(.notReady, why) }
                if case let .answer(status, detail) = await task.value { return .answer(status, detail) }
            case let .redirect(owner):
                if registered.contains(owner) { return .answer(.redirect, owner) }
                // Its owner is not registered (gone): look at the lock again.
                ownership.ownerFailed(log, owner: owner)
            case let .unavailable(why):
                return .answer(.unavailable, why)
            }
        }
        return .answer(.notReady, "\(address) is still taking \(log) over")
    }

    /// Takes `log`: its lock with no wait, recovery of what the previous owner left, a new
    /// segment, and the previous owner's recent writes for exactly-once answers.
    private func acquire(_ log: String, _ name: LogName) async -> Acquired {
        defer { acquiring[log] = nil }
        var options = writerOptions
        options.lockTimeout = .zero
        options.lockOwner = LogLock.proxyOwner(address: address, session: store.sessionId)
        let writer: LogWriter
        do {
            writer = try await LogWriter.open(name, store: store, connections: connections, options: options)
        } catch let LogError.locked(_, holder) {
            if let owner = LogLock.proxyAddress(ofHolder: holder) {
                switch ownership.lockHeld(log, by: owner) {
                case let .redirect(to) where registered.contains(to): return .answer(.redirect, to)
                case let .notReady(why): return .answer(.notReady, why)
                default:
                    ownership.ownerFailed(log, owner: owner)
                    return .answer(.notReady, "\(log) is held by \(owner), which is gone; it is taken over when that session expires")
                }
            }
            ownership.dropped(log)
            return .answer(.unavailable, "\(LogError.locked(log: log, holder: holder))")
        } catch {
            ownership.dropped(log)
            return .answer(Self.refusal(error), "\(error)")
        }
        do {
            let current = await writer.segmentSequenceNumber
            let earlier = try await LogCatalog(store: store).segments(name).map(\.metadata).filter { $0.sequenceNumber < current }
            let history = try await WriteHistory.recentWrites(
                of: WriteHistory.segmentsToLearnFrom(all: earlier, recovered: writer.recoveredSegments),
                store: store, connections: connections)
            try await watchLimits(of: name)
            served[log] = ServedLog(log: name, writer: writer, limits: limits, history: history)
            let feed = LogFeed(log: name, store: store, connections: connections, pushedFrom: DLSN(current, 0, 0),
                               windowBytes: windowBytes)
            writer.observeAcknowledged { feed.push($0) }
            // Followers fed from the bookies here follow again (a redirect to this proxy) and
            // are pushed to from now on.
            // (A pushed feed still here is an earlier ownership's: its followers follow again too.)
            feeds[log]?.close(.redirect, address)
            feeds[log] = feed
        } catch {
            // Without the previous owner's writes a retry could be appended twice (and without
            // its limits a tenant could go over them): give it up.
            limitWatches.removeValue(forKey: log)?.cancel()
            _ = try? await writer.close()
            ownership.dropped(log)
            return .answer(.unavailable, "\(address) could not read the recent writes or the limits of \(log): \(error)")
        }
        ownership.lockTaken(log)
        ownership.recovered(log, now: .now)
        let segment = await writer.segmentSequenceNumber
        logger.info("took log", metadata: ["log": "\(log)", "segment": "\(segment)"])
        return .served
    }

    static func refusal(_ error: any Error) -> ProxyStatus {
        switch error {
        case LogError.noSuchLog, LogError.noSuchNamespace: return .noSuchLog
        case LogError.endOfStream: return .endOfStream
        case LogError.recordTooLarge: return .recordTooLarge
        case LogError.txidOutOfOrder: return .txidOutOfOrder
        case is LogName.Invalid, LogError.positionTruncated, LogError.positionPastEnd: return .malformed
        default: return .unavailable
        }
    }

    /// The writer of `log` failed: the log is not this proxy's any more.
    private func lost(_ log: String, _ servedLog: ServedLog) {
        guard served[log] === servedLog else { return }
        logger.warning("gave up log (its writer failed: fenced by a new owner, or the lock was lost)", metadata: ["log": "\(log)"])
        forget(log, servedLog)
        Task { _ = try? await servedLog.writer.close() }
    }

    private func forget(_ log: String, _ servedLog: ServedLog) {
        guard served[log] === servedLog else { return }
        served[log] = nil
        ownership.dropped(log)
        limitWatches.removeValue(forKey: log)?.cancel()
        limits.forget(.log(log))
        servedLog.writer.observeAcknowledged(nil)
        if let feed = feeds.removeValue(forKey: log), feed.pushed {
            feed.close(.unavailable, "\(address) let \(log) go: follow it through its new owner")
        }
    }

    // MARK: Followers

    /// Adds a follower of `log`: served from this proxy's writer when it owns the log, sent to
    /// the owner when another proxy owns it, else served from the bookies here.
    func follow(_ log: String, from start: LogReader.Start, as follower: Follower) async {
        let name: LogName
        do { name = try LogName(parsing: log) } catch { return follower.finish(.malformed, "\(error)") }
        if stopping { return follower.finish(.unavailable, "\(address) is stopping") }
        if served[log] != nil, let feed = feeds[log], feed.pushed { return feed.follow(follower, from: start) }
        do {
            if let holder = try await LogLock.holder(of: name, store: store), let owner = LogLock.proxyAddress(ofHolder: holder),
               owner != address, registered.contains(owner) {
                return follower.finish(.redirect, owner)
            }
            guard try await LogCatalog(store: store).exists(name) else {
                return follower.finish(.noSuchLog, "\(LogError.noSuchLog(log))")
            }
        } catch {
            return follower.finish(.unavailable, "\(address) could not look \(log) up: \(error)")
        }
        // Taken meanwhile (the awaits above): pushed from here after all.
        if served[log] != nil, let feed = feeds[log], feed.pushed { return feed.follow(follower, from: start) }
        let feed = feeds[log] ?? LogFeed(log: name, store: store, connections: connections, pushedFrom: nil, windowBytes: 0)
        feeds[log] = feed
        feed.follow(follower, from: start)
    }

    /// Feeds of logs not owned here with nobody following them any more.
    private func dropIdleFeeds() {
        for (log, feed) in feeds {
            feed.reap()
            if !feed.pushed && feed.followerCount == 0 { feeds[log] = nil }
        }
    }

    // MARK: Limits

    /// Reads the limits of `name` and of its namespace, then keeps them current through
    /// watches, so a `dlctl log config set` takes effect without a restart.
    private func watchLimits(of name: LogName) async throws {
        let scopes: [WriteAdmission.Scope] = [.log(name.description), .namespace(name.namespace)]
        var streams: [(WriteAdmission.Scope, AsyncStream<MetadataEvent>)] = []
        for scope in scopes {
            // Watch first, then read: a change between the two is not missed.
            streams.append((scope, try await store.watch(LimitSettings.path(of: scope)!)))
            await reloadLimits(scope)
        }
        limitWatches[name.description]?.cancel()
        limitWatches[name.description] = Task { [weak self] in
            await withTaskGroup(of: Void.self) { group in
                for (scope, events) in streams {
                    group.addTask {
                        for await event in events {
                            if case .sessionExpired = event { return }
                            await self?.reloadLimits(scope)
                        }
                    }
                }
            }
        }
    }

    private func reloadLimits(_ scope: WriteAdmission.Scope) async {
        do {
            let settings = try await LimitSettings(store: store).limits(of: scope)
            if settings != limits.limits(of: scope) {
                limits.configure(scope, settings)
                logger.info("limits", metadata: ["scope": "\(scope)", "limits": "\(settings.summary)"])
            }
        } catch let error as WriteLimits.Malformed {
            logger.warning("kept the limits in force: \(error)", metadata: ["scope": "\(scope)"])
        } catch {
            // Deleted, or the metadata unreachable: the watch reports the next change.
        }
    }

    /// Lets `log` go after its outstanding writes; a proxy that does not own it sends the
    /// caller to the owner, or says nobody owns it.
    func release(_ log: String) async -> ProxyResponse {
        guard let servedLog = served[log], ownership.startRelease(log) else {
            if let name = try? LogName(parsing: log), let holder = try? await LogLock.holder(of: name, store: store),
               let owner = LogLock.proxyAddress(ofHolder: holder), owner != address, registered.contains(owner) {
                return .release(.redirect, detail: owner)
            }
            return .release(.ok, detail: "\(log) is not owned by a proxy")
        }
        do {
            _ = try await servedLog.writer.close()
            forget(log, servedLog)
            logger.info("released log", metadata: ["log": "\(log)"])
            return .release(.ok, detail: "\(address) released \(log)")
        } catch {
            forget(log, servedLog)
            return .release(.ok, detail: "\(address) let \(log) go (its writer failed: \(error))")
        }
    }

    /// Releases logs nobody asked for in `idle`.
    func releaseIdle(after idle: Duration) async {
        for log in ownership.idleLogs(now: .now, idle: idle) { _ = await release(log) }
        dropIdleFeeds()
    }

    /// The metadata session was lost (its locks with it): every log is dropped; `fresh` is the
    /// new session.
    func replaceStore(_ fresh: any MetadataStore) {
        let old = served
        for (log, servedLog) in old {
            forget(log, servedLog)
            Task { _ = try? await servedLog.writer.close() }
        }
        // Every follower here follows again: those pushed to from a log given up above (its new
        // owner pushes to them now; left on this feed they would wait for ever), and those fed
        // from the bookies through the old session.
        for feed in feeds.values { feed.close(.unavailable, "\(address) lost its metadata session: follow again") }
        feeds.removeAll()
        store = fresh
        if !old.isEmpty { logger.warning("metadata session lost: gave up every log", metadata: ["logs": "\(old.count)"]) }
    }

    /// Stops taking requests and releases every log (outstanding writes finish first).
    func stop() async {
        stopping = true
        ownership.draining = true
        for log in ownership.ownedLogs { _ = await release(log) }
    }
}

/// Request and byte counters, and their rates over the last few seconds.
final class ProxyStatistics: Sendable {
    private struct State {
        var requests: UInt64 = 0
        var bytes: UInt64 = 0
        var connections = 0
        /// (time, requests, bytes) samples, one a second, for the rates.
        var samples: [(at: ContinuousClock.Instant, requests: UInt64, bytes: UInt64)] = []
    }
    private let state = Mutex(State())

    func request(bytes: Int) {
        state.withLock {
            $0.requests += 1
            $0.bytes += UInt64(bytes)
        }
    }

    func connected(_ delta: Int) { state.withLock { $0.connections += delta } }

    /// Takes a sample for the rates (once a second).
    func sample(now: ContinuousClock.Instant = .now) {
        state.withLock { state in
            state.samples.append((now, state.requests, state.bytes))
            if state.samples.count > 6 { state.samples.removeFirst(state.samples.count - 6) }
        }
    }

    func fill(_ info: inout ProxyInfo) {
        state.withLock { state in
            info.requests = state.requests
            info.bytes = state.bytes
            info.connections = state.connections
            if let first = state.samples.first, let last = state.samples.last, last.at > first.at {
                let seconds = Double((last.at - first.at).components.seconds) + Double((last.at - first.at).components.attoseconds) / 1e18
                info.requestsPerSecond = Double(last.requests - first.requests) / seconds
                info.bytesPerSecond = Double(last.bytes - first.bytes) / seconds
            }
        }
    }
}
