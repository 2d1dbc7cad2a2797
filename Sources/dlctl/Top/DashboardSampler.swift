import DLCore
import Foundation

/// What the dashboard shows at one moment: per bookie and per log rates (from the bookies'
/// info operation and from metadata), a minute of history for sparklines, recent events.
struct DashboardSnapshot: Sendable {
    struct Bookie: Sendable {
        var id: String
        var state: String
        var addsPerSecond: Double
        var mibPerSecond: Double
        var syncP99Millis: Double
        var queueDepth: Int
        var diskUsedFraction: Double
        var history: [Double]
    }

    struct Log: Sendable {
        var name: String
        var recordsPerSecond: Double
        var mibPerSecond: Double
        var writer: String?
        var lastDLSN: DLSN?
        var records: Int64
        var subscribers: Int
        /// Records the furthest-behind subscriber has still to read, when known.
        var lag: Int64?
        var history: [Double]
    }

    struct Proxy: Sendable {
        var address: String
        var status: String
        /// nil when the proxy did not answer.
        var connections: Int?
        var requestsPerSecond: Double
        var mibPerSecond: Double
        var ownedLogs: [String]?
        /// Writes over a soft limit and refused over a hard one (over capacity), since it started.
        var overSoft: UInt64?
        var overCapacity: UInt64?
        var history: [Double]
    }

    var bookies: [Bookie] = []
    var proxies: [Proxy] = []
    var logs: [Log] = []
    var events: [String] = []
    /// Ledgers marked under-replicated (autorecovery has work to do).
    var underReplicated = 0
    var takenAt = Date()
    var samples = 0
}

/// Takes samples of the cluster and turns counters into rates.
actor DashboardSampler {
    private let store: any MetadataStore
    private let connections = BookieConnections()
    private let historyLength: Int
    private let maxLogs: Int
    private var previousBookies: [String: (stats: BookieInfo.Stats, at: ContinuousClock.Instant)] = [:]
    private var previousLogs: [String: (progress: LogProgress, at: ContinuousClock.Instant)] = [:]
    private var bookieHistory: [String: [Double]] = [:]
    private var logHistory: [String: [Double]] = [:]
    private var proxyHistory: [String: [Double]] = [:]
    private var knownBookies: Set<String>?
    private var knownProxies: Set<String>?
    private var events: [String] = []
    private var samples = 0

    init(store: any MetadataStore, historyLength: Int, maxLogs: Int = 500) {
        self.store = store
        self.historyLength = historyLength
        self.maxLogs = maxLogs
    }

    private lazy var proxyClient = ProxyClient(store: store)

    func close() async {
        await connections.closeAll()
        await proxyClient.close()
    }

    func sample() async throws -> DashboardSnapshot {
        samples += 1
        var snapshot = DashboardSnapshot()
        let available = Set(try await store.children(ClusterLayout.availableBookies))
        let readOnly = Set(try await store.children(ClusterLayout.readOnlyBookies))
        let present = available.union(readOnly)
        if let known = knownBookies {
            for id in present.subtracting(known).sorted() { event("bookie \(id) joined") }
            for id in known.subtracting(present).sorted() { event("bookie \(id) left") }
        }
        knownBookies = present
        for id in present.union(previousBookies.keys).sorted() {
            snapshot.bookies.append(await bookieRow(id, state: available.contains(id) ? "available" : readOnly.contains(id) ? "read-only" : "gone"))
        }
        snapshot.proxies = await proxyRows()
        snapshot.underReplicated = (try? await UnderReplication(store: store).all().count) ?? 0
        let catalog = LogCatalog(store: store)
        var names: [LogName] = []
        for namespace in try await catalog.namespaces().sorted() where names.count < maxLogs {
            for log in try await catalog.logs(in: namespace).sorted() where names.count < maxLogs {
                names.append(try LogName(namespace: namespace, log: log))
            }
        }
        for name in names {
            guard let progress = try? await LogProgress.sample(name, store: store, connections: connections) else { continue }
            snapshot.logs.append(logRow(progress))
        }
        snapshot.events = events
        snapshot.samples = samples
        return snapshot
    }

    private func event(_ text: String) {
        let time = Date().formatted(.dateTime.hour(.twoDigits(amPM: .omitted)).minute(.twoDigits).second(.twoDigits))
        events.append("\(time) \(text)")
        if events.count > 20 { events.removeFirst(events.count - 20) }
    }

    private func bookieRow(_ id: String, state: String) async -> DashboardSnapshot.Bookie {
        var row = DashboardSnapshot.Bookie(id: id, state: state, addsPerSecond: 0, mibPerSecond: 0, syncP99Millis: 0,
                                           queueDepth: 0, diskUsedFraction: 0, history: bookieHistory[id] ?? [])
        guard state != "gone", let client = try? await connections.client(id),
              case let .info(.ok, json)? = try? await client.send(.info, timeout: .seconds(2)),
              let info = try? JSONDecoder().decode(BookieInfo.self, from: Data(json)) else {
            if state != "gone" { row.state = "unreachable" }
            return row
        }
        let now = ContinuousClock.now
        if let previous = previousBookies[id] {
            let seconds = (now - previous.at).inSeconds
            if seconds > 0 {
                row.addsPerSecond = Double(info.stats.adds &- previous.stats.adds) / seconds
                row.mibPerSecond = Double(info.stats.addBytes &- previous.stats.addBytes) / 1_048_576 / seconds
            }
        }
        previousBookies[id] = (info.stats, now)
        row.syncP99Millis = info.stats.journalSyncLatency.p99Micros / 1000
        row.queueDepth = info.stats.journalQueueDepth
        row.diskUsedFraction = info.disk.usedFraction
        row.history = remember(row.addsPerSecond, in: &bookieHistory, key: id)
        return row
    }

    /// Every registered proxy, with what it answers to a handshake (asked all at once).
    private func proxyRows() async -> [DashboardSnapshot.Proxy] {
        let registrations = (try? await ProxyRegistration.all(in: store)) ?? []
        let present = Set(registrations.map(\.address))
        if let known = knownProxies {
            for address in present.subtracting(known).sorted() { event("proxy \(address) joined") }
            for address in known.subtracting(present).sorted() { event("proxy \(address) left") }
        }
        knownProxies = present
        let infos = await proxyClient.handshakes(registrations.map(\.address), client: "dlctl top", timeout: .seconds(1))
        return registrations.map { registration in
            let info = infos[registration.address]
            let rate = info?.requestsPerSecond ?? 0
            return DashboardSnapshot.Proxy(address: registration.address, status: info?.status ?? "unreachable",
                                           connections: info?.connections, requestsPerSecond: rate,
                                           mibPerSecond: (info?.bytesPerSecond ?? 0) / 1_048_576, ownedLogs: info?.ownedLogs,
                                           overSoft: info?.overSoftLimit, overCapacity: info?.overCapacity,
                                           history: remember(rate, in: &proxyHistory, key: registration.address))
        }
    }

    private func logRow(_ progress: LogProgress) -> DashboardSnapshot.Log {
        let now = ContinuousClock.now
        var row = DashboardSnapshot.Log(name: progress.log, recordsPerSecond: 0, mibPerSecond: 0, writer: progress.writer,
                                        lastDLSN: progress.lastDLSN, records: progress.records, subscribers: progress.subscribers,
                                        lag: progress.subscriberLag, history: logHistory[progress.log] ?? [])
        if let previous = previousLogs[progress.log] {
            let seconds = (now - previous.at).inSeconds
            if seconds > 0 {
                row.recordsPerSecond = Double(max(0, progress.records - previous.progress.records)) / seconds
                row.mibPerSecond = Double(max(0, progress.bytes - previous.progress.bytes)) / 1_048_576 / seconds
            }
            if progress.segments > previous.progress.segments {
                event("\(progress.log) rolled to segment \(progress.segments)")
            }
            if progress.ensembleChanges > previous.progress.ensembleChanges {
                event("\(progress.log): ensemble change, now \(progress.ensemble.joined(separator: ","))")
            }
            if progress.writer != previous.progress.writer {
                event("\(progress.log): " + (progress.writer.map { "writer \($0.prefix(40))" } ?? "writer gone"))
            }
        }
        previousLogs[progress.log] = (progress, now)
        row.history = remember(row.recordsPerSecond, in: &logHistory, key: progress.log)
        return row
    }

    private func remember(_ value: Double, in histories: inout [String: [Double]], key: String) -> [Double] {
        var history = histories[key] ?? []
        history.append(value)
        if history.count > historyLength { history.removeFirst(history.count - historyLength) }
        histories[key] = history
        return history
    }
}
