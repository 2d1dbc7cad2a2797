import ArgumentParser
import DLCore
import Foundation

struct MetaWatch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "watch", abstract: "Print events on a node (or its children) as they happen.")

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "Node path.") var path: String
    @Flag(help: "Watch the node's children instead of its data.") var children = false
    @Option(name: .short, help: "Exit after this many events.") var count: Int?

    func run() async throws {
        let (cluster, path, children, count) = (self.cluster, self.path, self.children, self.count)
        StandardOutput.endWhenReaderGoes()
        try await reportingErrors(timeout: nil) {
            try await cluster.withStore { store in
                let stream = children ? try await store.watchChildren(path) : try await store.watch(path)
                print("watching \(path)")
                StandardOutput.flush()
                var seen = 0
                for await event in stream {
                    print(Self.describe(event))
                    StandardOutput.flush()
                    seen += 1
                    if let count, seen >= count { return }
                }
            }
        }
    }

    static func describe(_ event: MetadataEvent) -> String {
        switch event {
        case let .created(path): return "created \(path)"
        case let .changed(path): return "changed \(path)"
        case let .deleted(path): return "deleted \(path)"
        case let .childrenChanged(path): return "children \(path)"
        case .sessionExpired: return "session expired"
        }
    }
}
