import ArgumentParser
import DLCore
import Foundation

struct ProxyList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List registered write proxies with their status and the logs each owns."
    )

    @OptionGroup var cluster: ClusterOptions
    @Option(name: .shortAndLong, help: "Output format: table or json.") var output: OutputFormat = .table

    struct Row: Encodable {
        var address: String
        var status: String
        var httpPort: Int?
        var pid: Int32
        /// From the proxy itself; nil when it did not answer.
        var ownedLogs: [String]?
        var connections: Int?
    }

    func run() async throws {
        let (cluster, output) = (self.cluster, self.output)
        try await reportingErrors(timeout: cluster.commandTimeout) {
            let rows = try await cluster.withStore { store in try await Self.rows(store, timeout: cluster.commandTimeout / 2) }
            switch output {
            case .json: try JSONOutput.print(rows)
            case .table:
                Table.print(["ADDRESS", "STATUS", "HTTP", "PID", "CONNECTIONS", "OWNED LOGS"], rows.map {
                    [$0.address, $0.status, $0.httpPort.map(String.init) ?? "-", "\($0.pid)", $0.connections.map(String.init) ?? "-",
                     $0.ownedLogs.map { $0.isEmpty ? "-" : $0.joined(separator: ",") } ?? "(no answer)"]
                })
            }
        }
    }

    /// Every registration, with what each proxy answers to a handshake (asked all at once).
    static func rows(_ store: any MetadataStore, timeout: Duration) async throws -> [Row] {
        let registrations = try await ProxyRegistration.all(in: store)
        let client = ProxyClient(store: store)
        let infos = await client.handshakes(registrations.map(\.address), client: "dlctl proxy list", timeout: timeout)
        await client.close()
        return registrations.map { registration in
            let info = infos[registration.address]
            return Row(address: registration.address, status: info?.status ?? registration.status.rawValue, httpPort: registration.httpPort,
                       pid: registration.pid, ownedLogs: info?.ownedLogs, connections: info?.connections)
        }
    }
}
