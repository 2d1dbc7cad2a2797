import DLCore
import Foundation
import Testing
import TestSupport

/// Three bookies and an open metadata session, for driving LogWriter and LogReader in process.
final class LogFixture: @unchecked Sendable {
    let bookies: LocalBookies
    let store: any MetadataStore
    let connections = BookieConnections()

    init(bookies count: Int = 3, backend: MetadataBackend = .sqlite) async throws {
        try #require(Binaries.dlctlExists)
        bookies = try await LocalBookies(backend)
        for index in 0..<count { try await bookies.start("b\(index)") }
        store = try await Self.session(bookies.metadataURI)
    }

    /// A separate metadata session (another "process" as far as locks are concerned).
    func openSession() async throws -> any MetadataStore { try await Self.session(bookies.metadataURI) }

    private static func session(_ uri: String) async throws -> any MetadataStore {
        try await MetadataURI(parsing: uri).open(options: .init(
            sessionTimeout: .seconds(10), operationTimeout: .seconds(20), watchPollInterval: .milliseconds(10)))
    }

    func shutdown() async {
        await connections.closeAll()
        await store.close()
    }

    /// A new log with a writer on it.
    func log(_ text: String, options: LogWriter.Options = .init()) async throws -> (LogName, LogWriter) {
        let name = try LogName(parsing: text)
        try await LogCatalog(store: store).createLog(name)
        return (name, try await LogWriter.open(name, store: store, connections: connections, options: options))
    }

    func reader(_ name: LogName, from start: LogReader.Start = .beginning, follow: Bool = false) async throws -> LogReader {
        try await LogReader(name, store: store, connections: connections, from: start, follow: follow)
    }

    /// Every record readable now, from `start`.
    func readAll(_ name: LogName, from start: LogReader.Start = .beginning) async throws -> [PositionedRecord] {
        let reader = try await reader(name, from: start)
        var records: [PositionedRecord] = []
        while let record = try await reader.next() { records.append(record) }
        return records
    }

    func segments(_ name: LogName) async throws -> [SegmentMetadata] {
        try await LogCatalog(store: store).segments(name).map(\.metadata)
    }

    /// Queues `payloads` in order and waits for every acknowledgement; their DLSNs in order.
    func write(_ payloads: [String], to writer: LogWriter) async throws -> [DLSN] {
        let results = Locked<[Int: Result<DLSN, any Error>]>([:])
        for (index, payload) in payloads.enumerated() {
            try await writer.enqueue(Array(payload.utf8)) { result in results.withLock { $0[index] = result } }
        }
        await writer.flush()
        let all = await waitUntil(timeout: .seconds(60)) { results.withLock { $0.count } == payloads.count }
        try #require(all, "every write is acknowledged")
        let collected = results.withLock { $0 }
        return try (0..<payloads.count).map { try collected[$0]!.get() }
    }
}

/// The error a throwing call ended with (nil if it succeeded).
func failure(of body: () async throws -> Void) async -> (any Error)? {
    do {
        try await body()
        return nil
    } catch {
        return error
    }
}
