import DLCore
import Testing
import TestSupport

/// When an embedded-store session ends: only when another process sweeps it (as a ZooKeeper
/// session ends only when the server expires it), not when its own lease is seen to have run
/// out, which is what a process starved of CPU for a few seconds sees first.
@Suite struct SQLiteSessionTests {
    @Test func aLapsedLeaseThatNobodySweptIsRenewed() async throws {
        let fixture = try await MetadataFixture.make(.sqlite)
        let store = try await fixture.open(sessionTimeout: .seconds(60))
        try await store.create("/held", data: [], mode: .ephemeral)
        try ForeignSQLite.execute(fixture.uri, "UPDATE sessions SET expires_at = 0 WHERE id = \(store.sessionId)")
        try await store.create("/still-mine", data: [], mode: .ephemeral)
        #expect(try await store.exists("/held") != nil)
        await store.close()
    }

    @Test func aSweptSessionIsExpiredAndItsNodesAreGone() async throws {
        let fixture = try await MetadataFixture.make(.sqlite)
        let store = try await fixture.open(sessionTimeout: .seconds(60))
        try await store.create("/held", data: [], mode: .ephemeral)
        try ForeignSQLite.execute(fixture.uri, "UPDATE sessions SET expires_at = 0 WHERE id = \(store.sessionId)")
        // A process that starts a session sweeps the ones whose leases ran out.
        let sweeper = try await fixture.open(sessionTimeout: .seconds(60))
        #expect(try await sweeper.exists("/held") == nil)
        #expect(await metadataError { try await store.create("/after", data: [], mode: .ephemeral) } == .sessionExpired)
        await sweeper.close()
        await store.close()
    }
}
