import ArgumentParser
import DLCore

struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the cluster layout in the metadata store (idempotent).",
        discussion: "Refuses a location that already holds something other than a dlctl cluster."
    )

    @OptionGroup var cluster: ClusterOptions

    func run() async throws {
        let cluster = self.cluster
        try await reportingErrors(timeout: cluster.commandTimeout) {
            let outcome = try await cluster.withStore { try await ClusterLayout.initialize($0) }
            let uri = try cluster.metadataURI()
            switch outcome {
            case let .created(info): print("initialized cluster \(info.instanceId) at \(uri)")
            case let .alreadyInitialized(info): print("cluster \(info.instanceId) already initialized at \(uri)")
            }
        }
    }
}
