import ArgumentParser
import DLCore
import Foundation

struct BenchMetadata: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meta",
        abstract: "Metadata store: create and compare-and-set throughput and latency, watch notification latency.",
        discussion: """
            Each client is a separate session. 'create' makes persistent nodes; 'cas' sets a \
            client's own node naming the version it last saw; 'watch' measures from issuing a \
            set to the watcher's event. Everything is created under a fresh /bench-* node and \
            removed afterwards.
            """
    )

    enum Workload: String, ExpressibleByArgument, CaseIterable { case create, cas, watch }

    @OptionGroup var cluster: ClusterOptions
    @Option(help: "Workloads to run (repeatable).") var workload: [Workload] = Workload.allCases
    @Option(help: "Concurrent clients (repeatable, e.g. --clients 1 --clients 8).") var clients: [Int] = [1, 8]
    @Option(help: "Operations per client.") var ops = 1000
    @Option(name: .shortAndLong, help: "Output format: table or json.") var output: OutputFormat = .table

    struct Result: Encodable {
        var backend: String
        var workload: String
        var clients: Int
        var summary: LatencySummary
    }

    func validate() throws {
        guard ops >= 1, clients.allSatisfy({ $0 >= 1 && $0 <= 256 }) else {
            throw ValidationError("--ops must be >= 1 and --clients within 1...256")
        }
    }

    func run() async throws {
        let (cluster, workloads, clientCounts, ops, output) = (self.cluster, self.workload, self.clients, self.ops, self.output)
        try await reportingErrors(timeout: nil) {
            let uri = try cluster.metadataURI()
            let base = "/bench-\(UUID().uuidString.prefix(8).lowercased())"
            let admin = try await uri.open(options: cluster.storeOptions)
            try await admin.create(base, data: [], mode: .persistent)
            var results: [Result] = []
            if output == .table { print(LatencySummary.header) }
            for workload in workloads {
                for clientCount in (workload == .watch ? [1] : clientCounts) {
                    let summary: LatencySummary
                    switch workload {
                    case .create: summary = try await Self.create(uri, cluster, base, clientCount, ops)
                    case .cas: summary = try await Self.cas(uri, cluster, base, clientCount, ops)
                    case .watch: summary = try await Self.watch(uri, cluster, base, ops)
                    }
                    let result = Result(backend: Self.backendName(uri), workload: workload.rawValue, clients: clientCount,
                                        summary: summary)
                    results.append(result)
                    if output == .table { print(summary.row("\(result.backend) \(workload.rawValue) x\(clientCount)")) }
                }
            }
            try await Self.removeTree(admin, base)
            await admin.close()
            if output == .json { try JSONOutput.print(results) }
        }
    }

    static func backendName(_ uri: MetadataURI) -> String {
        if case .zooKeeper = uri { return "zookeeper" }
        return "sqlite"
    }

    /// Runs `perClient` on `count` clients at once, each with its own store; returns all
    /// latency samples and the wall time.
    static func concurrently(_ uri: MetadataURI, _ cluster: ClusterOptions, _ count: Int,
                             _ perClient: @escaping @Sendable (any MetadataStore, Int) async throws -> [UInt64])
        async throws -> LatencySummary
    {
        var stores: [any MetadataStore] = []
        for _ in 0..<count { stores.append(try await uri.open(options: cluster.storeOptions)) }
        let opened = stores
        let start = MonotonicClock.nanos()
        let samples = try await withThrowingTaskGroup(of: [UInt64].self) { group in
            for (index, store) in opened.enumerated() { group.addTask { try await perClient(store, index) } }
            var all: [UInt64] = []
            for try await part in group { all += part }
            return all
        }
        let elapsed = MonotonicClock.nanos() - start
        for store in opened { await store.close() }
        return LatencySummary(nanos: samples, elapsedNanos: elapsed)
    }

    static func create(_ uri: MetadataURI, _ cluster: ClusterOptions, _ base: String, _ clients: Int, _ ops: Int)
        async throws -> LatencySummary
    {
        let dir = "\(base)/create-\(clients)"
        let admin = try await uri.open(options: cluster.storeOptions)
        try await admin.create(dir, data: [], mode: .persistent)
        await admin.close()
        let payload = [UInt8](repeating: 0x61, count: 100)
        return try await concurrently(uri, cluster, clients) { store, client in
            var samples: [UInt64] = []
            samples.reserveCapacity(ops)
            for index in 0..<ops {
                let start = MonotonicClock.nanos()
                try await store.create("\(dir)/c\(client)-\(index)", data: payload, mode: .persistent)
                samples.append(MonotonicClock.nanos() - start)
            }
            return samples
        }
    }

    static func cas(_ uri: MetadataURI, _ cluster: ClusterOptions, _ base: String, _ clients: Int, _ ops: Int)
        async throws -> LatencySummary
    {
        let dir = "\(base)/cas-\(clients)"
        let admin = try await uri.open(options: cluster.storeOptions)
        try await admin.create(dir, data: [], mode: .persistent)
        for client in 0..<clients { try await admin.create("\(dir)/c\(client)", data: [], mode: .persistent) }
        await admin.close()
        let payload = [UInt8](repeating: 0x62, count: 100)
        return try await concurrently(uri, cluster, clients) { store, client in
            let path = "\(dir)/c\(client)"
            var version = try await store.get(path).version
            var samples: [UInt64] = []
            samples.reserveCapacity(ops)
            for _ in 0..<ops {
                let start = MonotonicClock.nanos()
                version = try await store.set(path, data: payload, expectedVersion: version)
                samples.append(MonotonicClock.nanos() - start)
            }
            return samples
        }
    }

    static func watch(_ uri: MetadataURI, _ cluster: ClusterOptions, _ base: String, _ ops: Int) async throws -> LatencySummary {
        let path = "\(base)/watched"
        let writer = try await uri.open(options: cluster.storeOptions)
        let watcher = try await uri.open(options: cluster.storeOptions)
        try await writer.create(path, data: [], mode: .persistent)
        var events = try await watcher.watch(path).makeAsyncIterator()
        var samples: [UInt64] = []
        let start = MonotonicClock.nanos()
        for index in 0..<ops {
            let issued = MonotonicClock.nanos()
            try await writer.set(path, data: Array("\(index)".utf8), expectedVersion: nil)
            guard let event = await events.next(), event == .changed(path) else {
                throw CommandFailure(.failed, "watch stream ended or reported something else")
            }
            samples.append(MonotonicClock.nanos() - issued)
        }
        let elapsed = MonotonicClock.nanos() - start
        await watcher.close()
        await writer.close()
        return LatencySummary(nanos: samples, elapsedNanos: elapsed)
    }

    static func removeTree(_ store: any MetadataStore, _ path: String) async throws {
        for child in try await store.children(path) { try await removeTree(store, MetadataPath.join(path, child)) }
        try await store.delete(path, expectedVersion: nil)
    }
}
