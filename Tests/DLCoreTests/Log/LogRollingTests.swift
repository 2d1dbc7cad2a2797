import DLCore
import Foundation
import Testing
import TestSupport

/// Counterparts of DistributedLog's TestRollLogSegments: rolling by size and by time, the
/// metadata of rolled segments, and readers following rolls.
@Suite(.serialized) struct LogRollingTests {
    static func rollingOptions(bytes: Int64) -> LogWriter.Options {
        var options = LogWriter.Options()
        options.rollBytes = bytes
        options.bufferBytes = 4096
        return options
    }

    @Test func rollsBySizeWithContiguousSegmentMetadata() async throws {
        let fixture = try await LogFixture()
        let (name, writer) = try await fixture.log("t/roll", options: Self.rollingOptions(bytes: 64 * 1024))
        let payloads = (0..<20_000).map { String(format: "payload-%08d", $0) }
        let dlsns = try await fixture.write(payloads, to: writer)
        try await writer.close()
        let segments = try await fixture.segments(name)
        #expect(segments.count >= 4, "20,000 records of ~40 bytes roll at 64 KiB: \(segments.count) segments")
        #expect(segments.map(\.sequenceNumber) == (0..<segments.count).map { Int64($0 + 1) })
        #expect(segments.allSatisfy { $0.state == .completed })
        #expect(segments.reduce(0) { $0 + $1.recordCount } == 20_000)
        var start: Int64 = 0
        for segment in segments {
            #expect(segment.startSequenceId == start, "segment \(segment.sequenceNumber) starts after the records before it")
            #expect(segment.length <= 64 * 1024 + 8192, "rolled close to the size limit")
            start += segment.recordCount
            let last = try #require(segment.lastDLSN)
            #expect(dlsns.contains(last), "the recorded last DLSN is an acknowledged record's")
            #expect(segment.firstTxId == start - segment.recordCount, "first txid is its first record's")
            #expect(segment.lastTxId == start - 1)
        }
        #expect(Set(dlsns.map(\.segmentSequenceNumber)).count == segments.count)
        let records = try await fixture.readAll(name)
        #expect(records.map { String(decoding: $0.record.payload, as: UTF8.self) } == payloads)
        await fixture.shutdown()
    }

    @Test func aFollowingReaderCrossesEveryRoll() async throws {
        let fixture = try await LogFixture()
        let name = try LogName(parsing: "t/follow")
        try await LogCatalog(store: fixture.store).createLog(name)
        let reader = try await fixture.reader(name, follow: true)
        let writer = try await LogWriter.open(name, store: fixture.store, connections: fixture.connections,
                                              options: Self.rollingOptions(bytes: 32 * 1024))
        let payloads = (0..<10_000).map { "f\($0)" }
        let reading = Task {
            var seen: [String] = []
            while seen.count < payloads.count, let record = try await reader.next() {
                seen.append(String(decoding: record.record.payload, as: UTF8.self))
            }
            return seen
        }
        _ = try await fixture.write(payloads, to: writer)
        // The last records are read while the writer is still open: no close is needed.
        let seen = try await reading.value
        #expect(seen == payloads)
        try await writer.close()
        #expect(try await fixture.segments(name).count >= 3)
        await fixture.shutdown()
    }

    /// DistributedLog completes a segment before its writer writes to the next: a record is
    /// acknowledged in segment N only after every segment before N is completed, and
    /// acknowledgements come in log order across rolls. (A writer that switched first and
    /// completed the old segment later could acknowledge records past a segment whose ledger
    /// then failed: tailing readers waited there while the writer went on.)
    @Test func aRecordIsAcknowledgedInASegmentOnlyAfterTheSegmentsBeforeItAreCompleted() async throws {
        let fixture = try await LogFixture()
        let (name, writer) = try await fixture.log("t/ordered", options: Self.rollingOptions(bytes: 16 * 1024))
        let store = fixture.store
        let order = Locked<[DLSN]>([])
        // For each segment, the states of the segments before it, read once its first record was acknowledged.
        let checks = Locked<[Task<(Int64, [SegmentMetadata.State]), any Error>]>([])
        for index in 0..<6_000 {
            try await writer.enqueue(Array("o\(index)".utf8)) { result in
                guard case let .success(dlsn) = result else { return }
                let first = order.withLock { seen in
                    defer { seen.append(dlsn) }
                    return seen.last.map { $0.segmentSequenceNumber != dlsn.segmentSequenceNumber } ?? true
                }
                guard first else { return }
                let check = Task {
                    let before = try await LogCatalog(store: store).segments(name).map(\.metadata)
                        .filter { $0.sequenceNumber < dlsn.segmentSequenceNumber }
                    return (dlsn.segmentSequenceNumber, before.map(\.state))
                }
                checks.withLock { $0.append(check) }
            }
        }
        await writer.flush()
        let all = await waitUntil(timeout: .seconds(60)) { order.withLock { $0.count } == 6_000 }
        try #require(all, "every write is acknowledged")
        let acknowledged = order.withLock { $0 }
        #expect(acknowledged == acknowledged.sorted(), "acknowledgements in log order")
        let tasks = checks.withLock { $0 }
        #expect(tasks.count >= 4, "6,000 records roll at 16 KiB: \(tasks.count) segments")
        for task in tasks {
            let (segment, states) = try await task.value
            #expect(states.count == Int(segment) - 1 && states.allSatisfy { $0 == .completed },
                    "segment \(segment)'s first record was acknowledged while the segments before it were \(states)")
        }
        try await writer.close()
        await fixture.shutdown()
    }

    @Test func rollsByTime() async throws {
        let fixture = try await LogFixture()
        var options = LogWriter.Options()
        options.rollInterval = .milliseconds(100)
        let (name, writer) = try await fixture.log("t/timed", options: options)
        var written = 0
        let rolled = await waitUntil(timeout: .seconds(30), pollEvery: .milliseconds(1)) {
            _ = try? await writer.write(Array("t\(written)".utf8))
            written += 1
            return await writer.segmentSequenceNumber >= 4
        }
        #expect(rolled)
        try await writer.close()
        let segments = try await fixture.segments(name)
        #expect(segments.count >= 4)
        for segment in segments.dropLast() {
            #expect((segment.completedAtMillis ?? 0) - segment.createdAtMillis >= 100, "a segment lives out its interval")
        }
        #expect(try await fixture.readAll(name).count == written)
        await fixture.shutdown()
    }

    @Test func aNewWriterContinuesTheSequenceAfterRolls() async throws {
        let fixture = try await LogFixture()
        let (name, first) = try await fixture.log("t/continue", options: Self.rollingOptions(bytes: 16 * 1024))
        _ = try await fixture.write((0..<3000).map { "a\($0)" }, to: first)
        try await first.close()
        let before = try await fixture.segments(name)
        let second = try await LogWriter.open(name, store: fixture.store, connections: fixture.connections)
        let dlsn = try await second.write(Array("b".utf8))
        try await second.close()
        #expect(dlsn == DLSN(Int64(before.count + 1), 0, 0))
        let segments = try await fixture.segments(name)
        #expect(segments.last?.startSequenceId == 3000)
        #expect(try await fixture.readAll(name).count == 3001)
        await fixture.shutdown()
    }

    @Test func aFailedRollKeepsWritingTheOldSegmentAndRollsOnceItCan() async throws {
        let fixture = try await LogFixture()
        let (name, writer) = try await fixture.log("t/stuck", options: Self.rollingOptions(bytes: 32 * 1024))
        _ = try await fixture.write((0..<2000).map { "before-\($0)" }, to: writer)
        let rolledBefore = try await fixture.segments(name).count
        #expect(rolledBefore >= 2)
        // With one of three bookies gone, a new 3-bookie ledger cannot be made: rolls fail,
        // and the open segment goes on with the two left (an ack quorum).
        await fixture.bookies.kill("b2")
        // Once its registration has expired, no new ledger can have three bookies.
        try #require(await waitUntil(timeout: .seconds(30)) {
            (try? await fixture.store.children(ClusterLayout.availableBookies).count) == 2
        })
        let rolledAtFailure = try await fixture.segments(name).count
        let during = try await fixture.write((0..<4000).map { "during-\($0)" }, to: writer)
        #expect(Set(during.map(\.segmentSequenceNumber)).count == 1, "no new segment while rolls fail")
        #expect(try await fixture.segments(name).count == rolledAtFailure)
        // The idle writer still makes its last acknowledged record readable (a failed roll once
        // swallowed the control record that moves the LAC past it).
        let seen = try await fixture.readAll(name).last.map { String(decoding: $0.record.payload, as: UTF8.self) }
        #expect(seen == "during-3999")
        // Back: the next roll succeeds (retried a second after the failure).
        try await fixture.bookies.start("b2")
        let recovered = await waitUntil(timeout: .seconds(30)) {
            _ = try? await fixture.write((0..<200).map { "after-\($0)" }, to: writer)
            return (try? await fixture.segments(name).count) ?? 0 > rolledAtFailure
        }
        #expect(recovered, "rolling resumes once a new ledger can be made")
        try await writer.close()
        let payloads = try await fixture.readAll(name).map { String(decoding: $0.record.payload, as: UTF8.self) }
        #expect(Array(payloads.prefix(6000)) == (0..<2000).map { "before-\($0)" } + (0..<4000).map { "during-\($0)" })
        #expect(payloads.dropFirst(6000).allSatisfy { $0.hasPrefix("after-") })
        await fixture.shutdown()
    }
}
