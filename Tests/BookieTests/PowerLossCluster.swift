import Bookie
import DLCore
import Foundation
import Logging
import NIOPosix
import TestSupport

/// A cluster in the test process whose every disk can lose power: the embedded metadata store
/// (through `PowerLossVFS`) and bookies (through their `FileLayer`), each on its own
/// `PowerLossDisk` and circuit.
final class PowerLossCluster: @unchecked Sendable {
    let directory = TemporaryDirectory("power-cluster")
    let metadata: PowerLossDisk
    let bookieDisks: [PowerLossDisk]
    private let ports: [Int]
    /// Its own loopback address (127.0.0.0/8 is all loopback): a bookie restarted in place keeps
    /// its host:port identity, and no other test process can take that address meanwhile.
    let host = "127.\(Int.random(in: 1...254)).\(Int.random(in: 1...254)).\(Int.random(in: 2...254))"
    private(set) var nodes: [BookieNode?]
    private let logger = Logger(label: "power-loss") { _ in SwiftLogNoOpLogHandler() }
    /// Changes to the bookies' configuration, applied at every start.
    var tune: @Sendable (inout BookieConfiguration) -> Void = { _ in }

    var metadataPath: String { metadata.root + "/meta.db" }

    var storeOptions: MetadataStoreOptions {
        MetadataStoreOptions(sessionTimeout: .seconds(10), operationTimeout: .seconds(10), watchPollInterval: .milliseconds(10),
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
        configuration.host = host
        configuration.files = bookieDisks[index]
        configuration.metadataOptions = storeOptions
        configuration.checkpointInterval = .milliseconds(50)
        configuration.journal.fileSize = 256 * 1024
        configuration.garbageCollectionInterval = .seconds(3600)
        tune(&configuration)
        // The previous node's sockets close asynchronously: its address is free again within moments.
        var failure: (any Error)?
        let logger = self.logger
        let started = try await waitUntil(timeout: .seconds(20), pollEvery: .milliseconds(50)) {
            do {
                nodes[index] = try await BookieNode.start(configuration, logger: logger)
                return true
            } catch let error as BookieNode.StartFailure {
                guard case .cannotBind = error else { throw error }
                failure = error
                return false
            }
        }
        if !started {
            throw failure ?? BookieNode.StartFailure.storage("bookie \(index) did not start")
        }
    }

    func stopBookie(_ index: Int) async {
        await nodes[index]?.shutdown()
        nodes[index] = nil
    }

    /// A connection to bookie `index`; a connect that times out on a starved machine is tried
    /// again until a deadline.
    func client(_ index: Int) async throws -> BookieClient {
        var failure: (any Error)?
        var client: BookieClient?
        let address = bookieId(index)
        _ = await waitUntil(timeout: .seconds(30), pollEvery: .milliseconds(50)) {
            do {
                client = try await BookieClient.connect(address, group: MultiThreadedEventLoopGroup.singleton)
                return true
            } catch {
                failure = error
                return false
            }
        }
        guard let client else { throw failure ?? BookieNode.StartFailure.storage("bookie \(index) does not answer") }
        return client
    }

    func bookieId(_ index: Int) -> String { "\(host):\(ports[index])" }
}
