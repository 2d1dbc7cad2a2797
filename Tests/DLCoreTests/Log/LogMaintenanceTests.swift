import DLCore
import Foundation
import Testing
import TestSupport

/// Recovery of a dead writer's log, the consistency check and its repair, and renaming.
@Suite(.serialized) struct LogMaintenanceTests {
    /// A log whose writer acknowledged `count` records and then lost its session without closing.
    static func abandoned(_ fixture: LogFixture, _ text: String, count: Int) async throws -> (LogName, [DLSN]) {
        let session = try await fixture.openSession()
        let name = try LogName(parsing: text)
        try await LogCatalog(store: fixture.store).createLog(name)
        let writer = try await LogWriter.open(name, store: session, connections: fixture.connections)
        let dlsns = try await fixture.write((0..<count).map { "d\($0)" }, to: writer)
        await session.close()
        return (name, dlsns)
    }

    @Test func recoveryCompletesTheDeadWritersSegment() async throws {
        let fixture = try await LogFixture()
        let (name, dlsns) = try await Self.abandoned(fixture, "t/dead", count: 777)
        #expect(try await fixture.segments(name).first?.state == .inProgress)
        let completed = try await LogRecovery.recover(name, store: fixture.store, connections: fixture.connections,
                                                      lockTimeout: .seconds(10))
        #expect(completed.count == 1)
        let segment = try #require(try await fixture.segments(name).first)
        #expect(segment.state == .completed && segment.recordCount == 777)
        #expect(segment.lastDLSN == dlsns.last && segment.lastTxId == 776 && segment.firstTxId == 0)
        #expect(try await LogCatalog(store: fixture.store).maxTxId(name) == 776)
        #expect(try await fixture.readAll(name).map(\.dlsn) == dlsns)
        #expect(try await LogRecovery.recover(name, store: fixture.store, connections: fixture.connections,
                                              lockTimeout: .seconds(10)).isEmpty, "nothing left to recover")
        #expect(try await LogCheck.check(name, store: fixture.store, connections: fixture.connections, repair: false).isEmpty)
        await fixture.shutdown()
    }

    @Test func checkReportsMismatchesAndRepairFixesThem() async throws {
        let fixture = try await LogFixture()
        let (name, writer) = try await fixture.log("t/check")
        let dlsns = try await fixture.write((0..<300).map { "c\($0)" }, to: writer)
        try await writer.close()
        #expect(try await LogCheck.check(name, store: fixture.store, connections: fixture.connections, repair: false).isEmpty)
        // Someone else's tool wrote wrong numbers into the segment.
        let path = name.segmentPath(1)
        let node = try await fixture.store.get(path)
        var wrong = try SegmentMetadata(decoding: node.data)
        wrong.recordCount = 250
        wrong.lastDLSN = dlsns[249]
        wrong.lastTxId = 249
        try await fixture.store.set(path, data: wrong.encoded(), expectedVersion: node.version)
        let findings = try await LogCheck.check(name, store: fixture.store, connections: fixture.connections, repair: false)
        #expect(findings.count == 3 && findings.allSatisfy { !$0.repaired && $0.segment == 1 })
        #expect(findings.contains { $0.problem.contains("record count 250, ledger holds 300") })
        let repaired = try await LogCheck.check(name, store: fixture.store, connections: fixture.connections, repair: true)
        #expect(repaired.count == 3 && repaired.allSatisfy(\.repaired))
        let fixed = try #require(try await fixture.segments(name).first)
        #expect(fixed.recordCount == 300 && fixed.lastDLSN == dlsns.last && fixed.lastTxId == 299)
        #expect(try await LogCheck.check(name, store: fixture.store, connections: fixture.connections, repair: false).isEmpty)
        await fixture.shutdown()
    }

    @Test func checkFindsAnAbandonedSegmentAndRepairRecoversIt() async throws {
        let fixture = try await LogFixture()
        let (name, dlsns) = try await Self.abandoned(fixture, "t/orphan", count: 50)
        let findings = try await LogCheck.check(name, store: fixture.store, connections: fixture.connections, repair: false)
        #expect(findings.map(\.problem) == ["in progress with no writer holding the lock (run 'dlctl recover')"])
        _ = try await LogCheck.check(name, store: fixture.store, connections: fixture.connections, repair: true)
        #expect(try await fixture.segments(name).first?.lastDLSN == dlsns.last)
        await fixture.shutdown()
    }

    @Test func renameMovesEverythingAndIsRefusedWhileAWriterHoldsTheLog() async throws {
        let fixture = try await LogFixture()
        let (name, writer) = try await fixture.log("t/old")
        _ = try await fixture.write(["x", "y"], to: writer)
        let catalog = LogCatalog(store: fixture.store)
        try await LogSubscriptions(store: fixture.store).commit(name, subscriber: "s", dlsn: DLSN(1, 0, 0))
        let target = try LogName(parsing: "t/new")
        guard case .locked? = await failure(of: { try await catalog.renameLog(name, to: target) }) as? LogError else {
            Issue.record("rename of a log with a writer must be refused")
            return
        }
        try await writer.close()
        try await catalog.renameLog(name, to: target)
        #expect(try await catalog.exists(name) == false)
        #expect(try await fixture.readAll(target).map(\.record.payload) == [Array("x".utf8), Array("y".utf8)])
        #expect(try await LogSubscriptions(store: fixture.store).committed(target, subscriber: "s") == DLSN(1, 0, 0))
        #expect(await failure { try await catalog.renameLog(target, to: try LogName(parsing: "nope/x")) } as? LogError
            == .noSuchNamespace("nope"))
        // Deleting the log deletes its ledgers.
        let ledger = try #require(try await fixture.segments(target).first?.ledgerId)
        try await catalog.deleteLog(target)
        #expect(try await fixture.store.exists(ClusterLayout.ledgerPath(ledger)) == nil)
        await fixture.shutdown()
    }
}
