import ArgumentParser
import DLCore
import Foundation

struct MetaCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a node.",
        discussion: """
            With --hold the command keeps its session (and so its ephemeral nodes) until it is \
            killed or its standard input closes. With --count N it creates N nodes (use with \
            --sequential) and prints each path as it is created.
            """
    )

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "Node path (for --sequential, the prefix the counter is appended to).") var path: String
    @Argument(help: "Data, as text.") var data: String = ""
    @Flag(help: "Vanish when this command's session ends.") var ephemeral = false
    @Flag(help: "Append a unique increasing counter to the name.") var sequential = false
    @Flag(name: .customLong("parents"), help: "Create missing parents (persistent).") var parents = false
    @Option(help: "How many nodes to create.") var count = 1
    @Flag(help: "Keep the session open until killed or stdin closes.") var hold = false

    func validate() throws {
        guard count >= 1 else { throw ValidationError("--count must be at least 1") }
    }

    var mode: CreateMode {
        switch (ephemeral, sequential) {
        case (false, false): return .persistent
        case (true, false): return .ephemeral
        case (false, true): return .persistentSequential
        case (true, true): return .ephemeralSequential
        }
    }

    func run() async throws {
        let (cluster, path, bytes, mode, count, parents, hold) =
            (self.cluster, self.path, Array(self.data.utf8), self.mode, self.count, self.parents, self.hold)
        let store = try await openStore(cluster)
        do {
            try await reportingErrors(timeout: hold ? nil : cluster.commandTimeout) {
                if parents {
                    for ancestor in MetadataPath.ancestors(of: path) { try await store.createIfAbsent(ancestor) }
                }
                for _ in 0..<count {
                    let created = try await store.create(path, data: bytes, mode: mode)
                    print(created)
                    StandardOutput.flush()
                }
            }
        } catch {
            await store.close()
            throw error
        }
        if hold {
            print("holding session \(store.sessionId); kill or close stdin to release")
            StandardOutput.flush()
            await Self.waitForStdinToClose()
        }
        await store.close()
    }

    private func openStore(_ cluster: ClusterOptions) async throws -> any MetadataStore {
        do {
            return try await cluster.metadataURI().open(options: cluster.storeOptions)
        } catch {
            throw ErrorReporter.report(error)
        }
    }

    private static func waitForStdinToClose() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread {
                while FileHandle.standardInput.availableData.count > 0 {}
                continuation.resume()
            }.start()
        }
    }
}
