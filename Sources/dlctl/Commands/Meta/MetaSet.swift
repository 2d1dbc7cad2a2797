import ArgumentParser
import DLCore

struct MetaSet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "set", abstract: "Set a node's data, optionally only at a version.")

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "Node path.") var path: String
    @Argument(help: "Data, as text.") var data: String
    @Option(help: "Fail unless the node is at this version (compare-and-set).") var version: Int64?

    func run() async throws {
        let (cluster, path, bytes, version) = (self.cluster, self.path, Array(self.data.utf8), self.version)
        try await reportingErrors(timeout: cluster.commandTimeout) {
            let newVersion = try await cluster.withStore { try await $0.set(path, data: bytes, expectedVersion: version) }
            print("version: \(newVersion)")
        }
    }
}
