import ArgumentParser
import DLCore
import Foundation

struct MetaGet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get", abstract: "Print a node's data and version.")

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "Node path.") var path: String
    @Flag(help: "Print data as hex even when it is text.") var hex = false
    @Option(name: .shortAndLong, help: "Output format: table or json.") var output: OutputFormat = .table

    struct Node: Encodable {
        var path: String
        var version: Int64
        var data: String
        var encoding: String
    }

    func run() async throws {
        let (cluster, path, hex, output) = (self.cluster, self.path, self.hex, self.output)
        try await reportingErrors(timeout: cluster.commandTimeout) {
            let node = try await cluster.withStore { try await $0.get(path) }
            switch output {
            case .json:
                if !hex, let text = String(validating: node.data, as: UTF8.self) {
                    try JSONOutput.print(Node(path: path, version: node.version, data: text, encoding: "utf8"))
                } else {
                    try JSONOutput.print(Node(path: path, version: node.version, data: Data(node.data).base64EncodedString(),
                                              encoding: "base64"))
                }
            case .table:
                print("version: \(node.version)")
                print(NodeDataText.render(node.data, hex: hex))
            }
        }
    }
}
