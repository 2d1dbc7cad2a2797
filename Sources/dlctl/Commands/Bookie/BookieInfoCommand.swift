import ArgumentParser
import DLCore
import Foundation
import NIOPosix

struct BookieInfoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "info", abstract: "Show a bookie's disk, ledgers and statistics.")

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "Bookie id (host:port).", completion: LiveNames.completion(.bookies)) var id: String
    @Option(name: .shortAndLong, help: "Output format: table or json.") var output: OutputFormat = .table

    func run() async throws {
        let (cluster, id, output) = (self.cluster, self.id, self.output)
        try await reportingErrors(timeout: cluster.commandTimeout) {
            let info = try await BookieConnection.info(id, cluster: cluster)
            switch output {
            case .json: try JSONOutput.print(info)
            case .table:
                let mib = { (bytes: Int64) in String(format: "%.1f MiB", Double(bytes) / 1_048_576) }
                let s = info.stats
                Table.print(["FIELD", "VALUE"], [
                    ["id", info.bookieId], ["state", info.state.rawValue], ["pid", "\(info.pid)"],
                    ["data dir", info.dataDirectory],
                    ["disk", "\(mib(info.disk.usedBytes)) of \(mib(info.disk.totalBytes)) (\(String(format: "%.1f", info.disk.usedFraction * 100))%)"],
                    ["ledgers", "\(info.ledgers)"], ["write cache", mib(Int64(info.writeCacheBytes))],
                    ["adds", "\(s.adds) (\(mib(Int64(s.addBytes))))"], ["adds refused", "\(s.addsRefused)"],
                    ["reads", "\(s.reads) (\(mib(Int64(s.readBytes))))"],
                    ["journal syncs", "\(s.journalSyncs)"],
                    ["journal fsync", String(format: "p50 %.0f us, p99 %.0f us", s.journalSyncLatency.p50Micros, s.journalSyncLatency.p99Micros)],
                    ["add latency", String(format: "p50 %.0f us, p99 %.0f us", s.addLatency.p50Micros, s.addLatency.p99Micros)],
                    ["journal queue", "\(s.journalQueueDepth)"],
                ] + (info.doubtBelowLedgerId.map { [["in doubt", "ledgers below \($0): journal found damaged, misses answer errors"]] } ?? []))
            }
        }
    }
}

/// Finding and talking to a registered bookie.
enum BookieConnection {
    static func address(of id: String, cluster: ClusterOptions) async throws -> String {
        try await cluster.withStore { store in
            for state in [BookieRegistration.State.available, .readonly] {
                if let node = try await store.getIfExists(BookieRegistration.path(id, state)) {
                    return try BookieRegistration(decoding: node.data).address
                }
            }
            throw CommandFailure(.notFound, "bookie \(id) is not registered (see dlctl bookie list)")
        }
    }

    static func info(_ id: String, cluster: ClusterOptions) async throws -> BookieInfo {
        let address = try await address(of: id, cluster: cluster)
        let client = try await BookieClient.connect(address, group: MultiThreadedEventLoopGroup.singleton, timeout: cluster.commandTimeout)
        defer { Task { await client.close() } }
        let response = try await client.send(.info, timeout: cluster.commandTimeout)
        guard case let .info(.ok, json) = response else { throw CommandFailure(.failed, "bookie \(id) answered \(response.status)") }
        return try JSONDecoder().decode(BookieInfo.self, from: Data(json))
    }
}
