import DLCore
import Foundation
import Testing
import TestSupport

/// Counterparts of DistributedLog's TestTruncate: which segments a position truncates, only
/// forward, never the in-progress segment, reading a truncated position, and purging.
@Suite(.serialized) struct LogTruncationTests {
    /// A log of three completed segments of 1,000 records each, plus an open writer on a fourth.
    static func threeSegments(_ fixture: LogFixture, _ text: String) async throws -> (LogName, LogWriter, [[DLSN]]) {
        let name = try LogName(parsing: text)
        try await LogCatalog(store: fixture.store).createLog(name)
        var dlsns: [[DLSN]] = []
        for segment in 0..<3 {
            let writer = try await LogWriter.open(name, store: fixture.store, connections: fixture.connections)
            dlsns.append(try await fixture.write((0..<1000).map { "s\(segment)-\($0)" }, to: writer))
            try await writer.close()
        }
        let writer = try await LogWriter.open(name, store: fixture.store, connections: fixture.connections)
        _ = try await fixture.write(["open"], to: writer)
        // Acknowledged, and readable once the idle writer's control record moves the LAC.
        try #require(await waitUntil(timeout: .seconds(10)) { (try? await fixture.readAll(name).last?.record.payload) == Array("open".utf8) })
        return (name, writer, dlsns)
    }

    @Test func truncationMarksWholeAndPartialSegmentsOnlyForward() async throws {
        let fixture = try await LogFixture()
        let (name, writer, dlsns) = try await Self.threeSegments(fixture, "t/trunc")
        let truncation = LogTruncation(store: fixture.store)
        let cut = dlsns[1][500]
        let changed = try await truncation.truncate(name, before: cut)
        #expect(changed.map(\.sequenceNumber) == [1, 2])
        var segments = try await fixture.segments(name)
        #expect(segments[0].truncation == .truncated)
        #expect(segments[1].truncation == .partiallyTruncated && segments[1].minActiveDLSN == cut)
        #expect(segments[2].truncation == .none && segments[3].truncation == .none)
        // Readers start at the min active DLSN; a truncated position is an error.
        let records = try await fixture.readAll(name)
        #expect(records.first?.dlsn == cut)
        #expect(records.count == 500 + 1000 + 1)
        let truncated = await failure { _ = try await fixture.reader(name, from: .dlsn(dlsns[0][10])) }
        #expect(truncated as? LogError == .positionTruncated(log: name.description, position: dlsns[0][10], firstAvailable: cut))
        // Only forward: an earlier position changes nothing.
        #expect(try await truncation.truncate(name, before: dlsns[0][3]).isEmpty)
        #expect(try await truncation.truncate(name, before: dlsns[1][100]).isEmpty)
        // Beyond everything: completed segments are truncated, the in-progress one never.
        try await truncation.truncate(name, before: DLSN(99, 0, 0))
        segments = try await fixture.segments(name)
        #expect(segments.prefix(3).allSatisfy { $0.truncation == .truncated })
        #expect(segments[3].state == .inProgress && segments[3].truncation == .none)
        #expect(try await fixture.readAll(name).map { String(decoding: $0.record.payload, as: UTF8.self) } == ["open"])
        try await writer.close()
        await fixture.shutdown()
    }

    @Test func truncatedSegmentStatesFollowTheRules() throws {
        var segment = SegmentMetadata(sequenceNumber: 2, ledgerId: 7, firstTxId: 0, startSequenceId: 0, createdAtMillis: 0)
        segment = segment.completed(lastTxId: 9, lastDLSN: DLSN(2, 3, 4), recordCount: 10, length: 100, atMillis: 1)
        #expect(LogTruncationRules.apply(segment, before: DLSN(2, 0, 0)) == nil, "the segment's first position truncates nothing")
        #expect(LogTruncationRules.apply(segment, before: DLSN(1, 9, 9)) == nil)
        #expect(LogTruncationRules.apply(segment, before: DLSN(2, 3, 5))?.truncation == .truncated, "past its last record")
        #expect(LogTruncationRules.apply(segment, before: DLSN(3, 0, 0))?.truncation == .truncated)
        let partial = try #require(LogTruncationRules.apply(segment, before: DLSN(2, 1, 0)))
        #expect(partial.truncation == .partiallyTruncated && partial.minActiveDLSN == DLSN(2, 1, 0))
        #expect(LogTruncationRules.apply(partial, before: DLSN(2, 0, 5)) == nil, "only forward")
        #expect(LogTruncationRules.apply(partial, before: DLSN(2, 2, 0))?.minActiveDLSN == DLSN(2, 2, 0))
        #expect(throws: Never.self) { try partial.validate() }
    }

    @Test func purgeDeletesTruncatedSegmentsAndTheirLedgersButKeepsTheLastCompleted() async throws {
        let fixture = try await LogFixture()
        let (name, writer, dlsns) = try await Self.threeSegments(fixture, "t/purge")
        let truncation = LogTruncation(store: fixture.store)
        let before = try await fixture.segments(name)
        try await truncation.truncate(name, before: dlsns[1][0].startOfNextSegment)
        let purged = try await truncation.purge(name)
        #expect(purged.segments == [1, 2])
        #expect(purged.ledgers == [before[0].ledgerId, before[1].ledgerId])
        for ledger in purged.ledgers {
            #expect(try await fixture.store.exists(ClusterLayout.ledgerPath(ledger)) == nil)
        }
        #expect(try await fixture.segments(name).map(\.sequenceNumber) == [3, 4])
        // Retention: everything completed is older than zero seconds, but the last completed
        // segment (3) stays, and the in-progress one (4) is never touched.
        #expect(try await truncation.purge(name, olderThan: .zero).segments.isEmpty)
        #expect(try await fixture.readAll(name).count == 1001)
        try await writer.close()
        // Now 4 is the last completed: 3 may go by retention.
        #expect(try await truncation.purge(name, olderThan: .zero).segments == [3])
        #expect(try await fixture.readAll(name).map { String(decoding: $0.record.payload, as: UTF8.self) } == ["open"])
        await fixture.shutdown()
    }
}
