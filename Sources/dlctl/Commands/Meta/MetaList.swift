import ArgumentParser
import DLCore

struct MetaList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ls", abstract: "List the children of a node.")

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "Node path.") var path: String = "/"
    @Flag(name: [.customShort("R"), .long], help: "List the whole subtree.") var recursive = false
    @Option(name: .shortAndLong, help: "Output format: table or json.") var output: OutputFormat = .table

    func run() async throws {
        let (cluster, path, recursive, output) = (self.cluster, self.path, self.recursive, self.output)
        try await reportingErrors(timeout: cluster.commandTimeout) {
            let paths = try await cluster.withStore { store in
                try await Self.list(store, path, recursive: recursive)
            }
            switch output {
            case .json: try JSONOutput.print(paths)
            case .table: paths.forEach { print($0) }
            }
        }
    }

    static func list(_ store: any MetadataStore, _ path: String, recursive: Bool) async throws -> [String] {
        var result: [String] = []
        for child in try await store.children(path) {
            let full = MetadataPath.join(path, child)
            result.append(recursive ? full : child)
            if recursive {
                do { result += try await list(store, full, recursive: true) } catch MetadataError.noNode {}
            }
        }
        return result
    }
}
