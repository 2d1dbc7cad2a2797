import ArgumentParser
import DLCore

struct MetaDelete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rm", abstract: "Delete a node, optionally only at a version.")

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "Node path.") var path: String
    @Option(help: "Fail unless the node is at this version.") var version: Int64?

    func run() async throws {
        let (cluster, path, version) = (self.cluster, self.path, self.version)
        try await reportingErrors(timeout: cluster.commandTimeout) {
            try await cluster.withStore { try await $0.delete(path, expectedVersion: version) }
        }
    }
}
