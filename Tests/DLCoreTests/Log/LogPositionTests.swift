import DLCore
import Foundation
import Testing
import TestSupport

/// Counterparts of DistributedLog's TestReadUtils (finding the first record with txid >= t by
/// binary search inside a segment) and of its subscription checkpoints.
@Suite(.serialized) struct LogPositionTests {
    @Test func txidSearchFindsTheFirstRecordAtOrAfterTheTxid() async throws {
        let fixture = try await LogFixture()
        var options = LogWriter.Options()
        options.flushInterval = .zero  // one record per entry: the search runs over many entries
        let (name, writer) = try await fixture.log("t/search", options: options)
        // Segment 1: txids 0, 2, 4, ..., 198, then 198 three more times (duplicates).
        var expected: [(Int64, DLSN)] = []
        for txid in stride(from: Int64(0), through: 198, by: 2) {
            expected.append((txid, try await writer.write(Array("\(txid)".utf8), txid: txid)))
        }
        for _ in 0..<3 { expected.append((198, try await writer.write(Array("dup".utf8), txid: 198))) }
        try await writer.close()
        // Segment 2 (in progress): txids 1000...1049.
        let second = try await LogWriter.open(name, store: fixture.store, connections: fixture.connections, options: options)
        for txid in Int64(1000)..<1050 { expected.append((txid, try await second.write(Array("\(txid)".utf8), txid: txid))) }
        try #require(await waitUntil(timeout: .seconds(10)) { (try? await fixture.readAll(name).count) == expected.count })

        func located(_ txid: Int64) async throws -> DLSN {
            try await LogReader.locate(txid: txid, in: name, store: fixture.store, connections: fixture.connections)
        }
        for probe: Int64 in [0, 1, 2, 57, 100, 197, 198, 199, 500, 999, 1000, 1001, 1025, 1049] {
            let want = try #require(expected.first { $0.0 >= probe })
            #expect(try await located(probe) == want.1, "txid \(probe)")
            let first = try await fixture.reader(name, from: .txid(probe)).next()
            #expect(first?.dlsn == want.1 && first?.record.txid == want.0, "a reader opened at txid \(probe)")
        }
        #expect(try await located(198) == expected[99].1, "the first of equal txids")
        // Past every txid: the end of the log, where the next record will be.
        let end = try await located(5000)
        let next = try await second.write(Array("later".utf8), txid: 5000)
        #expect(end <= next)
        try await second.close()
        await fixture.shutdown()
    }

    @Test func subscribersCommitOnlyForwardAndResumeAfterTheirPosition() async throws {
        let fixture = try await LogFixture()
        let (name, writer) = try await fixture.log("t/subs")
        let dlsns = try await fixture.write((0..<100).map { "m\($0)" }, to: writer)
        try await writer.close()
        let subscriptions = LogSubscriptions(store: fixture.store)
        #expect(try await subscriptions.committed(name, subscriber: "app") == nil)
        #expect(try await subscriptions.commit(name, subscriber: "app", dlsn: dlsns[40]) == dlsns[40])
        #expect(try await subscriptions.commit(name, subscriber: "app", dlsn: dlsns[10]) == dlsns[40], "never backwards")
        #expect(try await subscriptions.committed(name, subscriber: "app") == dlsns[40])
        let resumed = try await fixture.readAll(name, from: .after(dlsns[40]))
        #expect(resumed.first?.dlsn == dlsns[41] && resumed.count == 59)
        try await subscriptions.commit(name, subscriber: "other", dlsn: dlsns[0])
        #expect(try await subscriptions.all(name).map(\.subscriber) == ["app", "other"])
        try await subscriptions.remove(name, subscriber: "other")
        #expect(try await subscriptions.all(name).map(\.subscriber) == ["app"])
        #expect(await failure { try await subscriptions.commit(name, subscriber: "bad/id", dlsn: dlsns[0]) } is LogName.Invalid)
        await fixture.shutdown()
    }
}
