import ArgumentParser
import DLCore
import Foundation

struct BookieList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List registered bookies (available and read-only).")

    @OptionGroup var cluster: ClusterOptions
    @Option(name: .shortAndLong, help: "Output format: table or json.") var output: OutputFormat = .table

    struct Row: Encodable {
        var id: String
        var address: String
        var state: String
        var httpPort: Int?
        var pid: Int32
        var dataDirectory: String
    }

    func run() async throws {
        let (cluster, output) = (self.cluster, self.output)
        try await reportingErrors(timeout: cluster.commandTimeout) {
            let rows = try await cluster.withStore { try await Self.registrations($0) }
            switch output {
            case .json: try JSONOutput.print(rows)
            case .table:
                Table.print(["ID", "ADDRESS", "STATE", "HTTP", "PID", "DATA DIR"],
                            rows.map { [$0.id, $0.address, $0.state, $0.httpPort.map(String.init) ?? "-", "\($0.pid)", $0.dataDirectory] })
            }
        }
    }

    static func registrations(_ store: any MetadataStore) async throws -> [Row] {
        var rows: [Row] = []
        for state in [BookieRegistration.State.available, .readonly] {
            let parent = state == .available ? ClusterLayout.availableBookies : ClusterLayout.readOnlyBookies
            for name in try await store.children(parent) {
                guard let node = try await store.getIfExists(parent + "/" + name) else { continue }
                let registration = try BookieRegistration(decoding: node.data)
                rows.append(Row(id: registration.bookieId, address: registration.address, state: state.rawValue,
                                httpPort: registration.httpPort, pid: registration.pid, dataDirectory: registration.dataDirectory))
            }
        }
        return rows.sorted { $0.id < $1.id }
    }
}

/// Aligned text tables.
enum Table {
    static func print(_ header: [String], _ rows: [[String]]) {
        let widths = header.indices.map { column in
            ([header] + rows).map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0
        }
        for row in [header] + rows {
            let cells = row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }
            StandardOutput.write(cells.joined(separator: "  ") + "\n")
        }
    }
}
