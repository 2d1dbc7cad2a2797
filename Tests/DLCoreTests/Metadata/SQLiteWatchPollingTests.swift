@testable import DLCore
import Testing
import TestSupport

/// The embedded store polls its change table only while a watch is live: a follower that
/// watched once (for its log to be created) must not wake a hundred times a second for the rest
/// of its life, and a watch added after the poller stopped still sees every change.
@Suite struct SQLiteWatchPollingTests {
    @Test func thePollerStopsWithTheLastWatchAndStartsWithTheNext() async throws {
        let fixture = try await MetadataFixture.make(.sqlite)
        let watcher = try #require(try await fixture.open() as? SQLiteMetadataStore)
        let writer = try await fixture.open()
        #expect(!watcher.pollsChanges, "no watch, no poller")
        do {
            let first = EventCollector(try await watcher.watch("/p"))
            #expect(watcher.pollsChanges)
            try await writer.create("/p", data: [], mode: .persistent)
            #expect(await first.wait(for: .created("/p")))
        }
        #expect(await waitUntil(timeout: .seconds(10)) { !watcher.pollsChanges }, "the poller ended with its last watch")
        let second = EventCollector(try await watcher.watch("/p"))
        #expect(watcher.pollsChanges)
        try await writer.set("/p", data: [1], expectedVersion: 0)
        #expect(await second.wait(for: .changed("/p")))
        await writer.close()
        await watcher.close()
    }
}
