import DLCore
import Foundation
import NIOPosix

/// A cluster for one test: an embedded metadata store in a temporary directory and bookie
/// processes (`dlctl bookie start`) started and killed at will.
public final class LocalBookies: @unchecked Sendable {
    public let directory = TemporaryDirectory("dlctl-bookies")
    public let metadataURI: String
    public private(set) var processes: [String: ChildProcess] = [:]
    private var ports: [String: Int] = [:]

    /// A cluster on the embedded store, or in a fresh chroot of the test ZooKeeper server.
    public init(_ backend: MetadataBackend = .sqlite) async throws {
        if backend == .zookeeper {
            metadataURI = "zk://\(try await ZooKeeperTestServer.hosts())/c-\(UUID().uuidString.prefix(12).lowercased())"
        } else {
            metadataURI = directory.file("meta.db")
        }
        let store = try await MetadataURI(parsing: metadataURI).open()
        try await store.ensureRoot()
        _ = try await ClusterLayout.initialize(store)
        await store.close()
    }

    deinit { for process in processes.values { process.kill(SIGKILL) } }

    public func dataDirectory(_ name: String) -> String { directory.file(name) }

    /// Starts bookie `name` (same port on every restart) and waits until it serves.
    @discardableResult
    public func start(_ name: String, extraArguments: [String] = [], expectFailure: Bool = false) async throws -> ChildProcess {
        // A first start whose port another process took meanwhile gets another port; a restart
        // keeps its port (it is the bookie's identity).
        let firstStart = ports[name] == nil
        for attempt in 1...3 {
            let port = try ports[name] ?? FreePort.next()
            ports[name] = port
            let process = try ChildProcess(Binaries.dlctl, [
                "bookie", "start", "--data-dir", dataDirectory(name), "--port", "\(port)", "--uri", metadataURI,
                "--session-timeout", "3",
            ] + extraArguments)
            processes[name] = process
            if expectFailure { return process }
            if await process.waitForError(containing: "bookie serving", timeout: 60) { return process }
            // Its last words: everything it wrote, once its output is drained.
            let status = await process.waitForExit(timeout: 5)
            if firstStart && attempt < 3 && process.stderr.contains("Address already in use") {
                ports[name] = nil
                continue
            }
            throw StartFailure(description: "bookie \(name) did not start (status \(status.map(String.init) ?? "running")): "
                + process.stderr.suffix(800))
        }
        throw StartFailure(description: "bookie \(name) did not start")
    }

    public struct StartFailure: Error, CustomStringConvertible { public var description: String }

    public func address(_ name: String) -> String { "127.0.0.1:\(ports[name] ?? 0)" }

    public func kill(_ name: String, signal: Int32 = SIGKILL) async {
        processes[name]?.kill(signal)
        await processes[name]?.waitForExit(timeout: 30)
    }

    public func client(_ name: String) async throws -> BookieClient {
        try await BookieClient.connect(address(name), group: MultiThreadedEventLoopGroup.singleton)
    }

    /// Creates ledger metadata so the bookies' garbage collector keeps the ledger.
    public func createLedgerMetadata(ensemble: [String], key: [UInt8]) async throws -> Int64 {
        let store = try await MetadataURI(parsing: metadataURI).open()
        let id = try await LedgerIds.next(store)
        let metadata = LedgerMetadata(ensembleSize: ensemble.count, writeQuorum: ensemble.count, ackQuorum: ensemble.count,
                                      ensemble: ensemble, ledgerKeyHex: key.map { String(format: "%02x", $0) }.joined(),
                                      createdAtMillis: 0)
        try await store.create(ClusterLayout.ledgerPath(id), data: metadata.encoded(), mode: .persistent)
        await store.close()
        return id
    }
}

/// Builds the entries of a test ledger.
public enum TestEntries {
    public static func make(ledgerId: Int64, count: Int, payloadSize: Int = 100, startingAt first: Int64 = 0) -> [StoredEntry] {
        var length: Int64 = 0
        return (first..<(first + Int64(count))).map { entryId in
            var payload = Array("ledger \(ledgerId) entry \(entryId) ".utf8)
            payload += [UInt8](repeating: UInt8(truncatingIfNeeded: entryId), count: max(0, payloadSize - payload.count))
            length += Int64(payload.count)
            return StoredEntry(ledgerId: ledgerId, entryId: entryId, lastAddConfirmed: entryId - 1, length: length, payload: payload)
        }
    }
}
