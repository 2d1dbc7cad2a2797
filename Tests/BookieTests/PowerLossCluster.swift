import Bookie
import DLCore
import Foundation
import Logging
import TestSupport

/// A cluster in the test process whose every disk can lose power: the embedded metadata store
/// (through `PowerLossVFS`) and bookies (through their `FileLayer`), each on its own
/// `PowerLossDisk` and circuit.
final class PowerLossCluster: @unchecked Sendable {
    let directory = TemporaryDirectory("power-cluster")
    let metadata: PowerLossDisk
    let bookieDisks: [PowerLossDisk]
    private let ports: [Int]
    private(set) var nodes: [BookieNode?]
    private let logger = Logger(label: "power-loss") { _ in SwiftLogNoOpLogHandler() }

    var metadataPath: String { metadata.root + "/meta.db" }

    /// Short sessions, so a dead writer's lock is free again soon after a restart.
    var storeOptions: MetadataStoreOptions {
        MetadataStoreOptions(sessionTimeout: .seconds(1), operationTimeout: .seconds(5), watchPollInterval: .milliseconds(10),
                             files: metadata)
    }

    init(bookies: Int) async throws {
        metadata = try PowerLossDisk(root: directory.file("metadata"))
        PowerLossVFS.attach(metadata)
        let directory = self.directory
        bookieDisks = try (0..<bookies).map { try PowerLossDisk(root: directory.file("bookie-\($0)")) }
        ports = try (0..<bookies).map { _ in try FreePort.next() }
        nodes = Array(repeating: nil, count: bookies)
        let store = try await openStore()
        _ = try await ClusterLayout.initialize(store)
        await store.close()
    }

    deinit { PowerLossVFS.detach(metadata) }

    func openStore() async throws -> any MetadataStore {
        try await SQLiteMetadataStore.open(path: metadataPath, options: storeOptions)
    }

    /// Starts bookie `index` on its disk: frequent checkpoints and small journal files, so a
    /// power loss finds them at every stage.
    func startBookie(_ index: Int) async throws {
        var configuration = BookieConfiguration(dataDirectory: bookieDisks[index].root, port: ports[index],
                                                metadataURI: .embedded(path: metadataPath))
        configuration.files = bookieDisks[index]
        configuration.metadataOptions = storeOptions
        configuration.checkpointInterval = .milliseconds(25)
        configuration.journal.fileSize = 256 * 1024
        configuration.garbageCollectionInterval = .seconds(3600)
        nodes[index] = try await BookieNode.start(configuration, logger: logger)
    }

    func stopBookie(_ index: Int) async {
        await nodes[index]?.shutdown()
        nodes[index] = nil
    }

    func bookieId(_ index: Int) -> String { "127.0.0.1:\(ports[index])" }
}
