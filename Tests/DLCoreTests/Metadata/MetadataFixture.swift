import DLCore
import Foundation
import Testing
import TestSupport

/// The metadata backends the conformance suite runs against.
typealias Backend = MetadataBackend

/// A fresh, empty metadata location on one backend: a new database file, or a new chroot on
/// the test ZooKeeper server.
struct MetadataFixture: Sendable {
    let backend: Backend
    let uri: String
    let directory: TemporaryDirectory

    static func make(_ backend: Backend) async throws -> MetadataFixture {
        let directory = TemporaryDirectory("dlctl-meta")
        switch backend {
        case .sqlite:
            return MetadataFixture(backend: backend, uri: directory.file("meta.db"), directory: directory)
        case .zookeeper:
            let hosts = try await ZooKeeperTestServer.hosts()
            let fixture = MetadataFixture(backend: backend, uri: "zk://\(hosts)/t-\(UUID().uuidString.prefix(12).lowercased())",
                                          directory: directory)
            let store = try await fixture.open()
            try await store.ensureRoot()
            await store.close()
            return fixture
        }
    }

    /// Opens a store; sessions long enough to survive a loaded test machine.
    func open(sessionTimeout: Duration = .seconds(10)) async throws -> any MetadataStore {
        try await MetadataURI(parsing: uri).open(options: .init(sessionTimeout: sessionTimeout, operationTimeout: .seconds(20),
                                                                watchPollInterval: .milliseconds(10)))
    }

    /// Runs `dlctl` against this location.
    func dlctl(_ arguments: [String], timeout: TimeInterval = 60) async throws -> CommandResult {
        try await ChildProcess.run(Binaries.dlctl, arguments + ["--uri", uri], timeout: timeout)
    }
}

/// Opens a store for the duration of `body`.
func withStore(_ fixture: MetadataFixture, _ body: (any MetadataStore) async throws -> Void) async throws {
    let store = try await fixture.open()
    do {
        try await body(store)
    } catch {
        await store.close()
        throw error
    }
    await store.close()
}

/// The MetadataError a throwing call ended with, or nil if it succeeded.
func metadataError(_ body: () async throws -> Void) async -> MetadataError? {
    do {
        try await body()
        return nil
    } catch let error as MetadataError {
        return error
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}
