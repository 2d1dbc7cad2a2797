import DLCore
import Foundation
import Testing
import TestSupport

/// A reader that does not follow never ends quietly before a record that may have been
/// acknowledged: LogEndRules, and the reader on a real cluster.
@Suite("Log end")
struct LogEndTests {
    typealias Reply = RecoveryRules.EntryReply

    @Test func anInProgressSegmentWithoutWriterIsSettledOnlyByExplicitNegatives() {
        let rule = { (replies: [Reply]) in LogEndRules.inProgressWithoutWriter(next: replies, writeQuorum: 3, ackQuorum: 2) }
        #expect(rule([.missing, .missing, .missing]) == .settled)
        #expect(rule([.missing, .missing, .unknown]) == .settled)
        #expect(rule([.missing, .unknown, .unknown]) == .unrecovered, "a hung bookie is not a negative")
        #expect(rule([.found, .missing, .missing]) == .unrecovered, "one copy may be an acknowledged add")
    }

    @Test func aClosedLedgerIsContradictedOnlyByAnAckQuorum() {
        #expect(LogEndRules.closed(next: [.found, .missing, .missing], ackQuorum: 2) == .settled,
                "one copy is an add recovery rightly left out")
        #expect(LogEndRules.closed(next: [.found, .found, .unknown], ackQuorum: 2) == .contradicted)
        #expect(LogEndRules.closed(next: [.unknown, .unknown, .unknown], ackQuorum: 2) == .settled)
    }

    @Test func aDeadWritersTailNeedsRecoveryBeforeAReaderMayEnd() async throws {
        let fixture = try await LogFixture()
        defer { Task { await fixture.shutdown() } }
        // A writer that never sends an idle control record: its last entry stays past the LAC.
        var options = LogWriter.Options()
        options.idleControlDelay = .seconds(3600)
        let writerStore = try await fixture.openSession()
        let writerConnections = BookieConnections()
        let name = try LogName(parsing: "end/dead")
        try await LogCatalog(store: fixture.store).createLog(name)
        let writer = try await LogWriter.open(name, store: writerStore, connections: writerConnections, options: options)
        var acknowledged: [DLSN] = []
        for index in 0..<5 { acknowledged.append(try await writer.write(Array("r\(index)".utf8))) }
        // The writer's process dies: its session ends, the segment stays in progress.
        await writerConnections.closeAll()
        await writerStore.close()

        let reader = try await fixture.reader(name)
        var read: [PositionedRecord] = []
        let error = await failure { while let record = try await reader.next() { read.append(record) } }
        #expect(error as? LogError == .unrecoveredSegment(log: "end/dead", segment: 1, readableThrough: read.last?.dlsn, writer: nil),
                "\(String(describing: error))")
        #expect(read.count < acknowledged.count)
        #expect("\(error.map { "\($0)" } ?? "")".contains("dlctl recover end/dead"))

        _ = try await LogRecovery.recover(name, store: fixture.store, connections: fixture.connections, lockTimeout: .seconds(30))
        #expect(try await fixture.readAll(name).map(\.dlsn) == acknowledged)
    }

    /// A writer that failed (every bookie gone at once) and is closed once they are back
    /// completes its segment by recovery before it lets the lock go: a reader reads to the end
    /// at once, where it used to stop at an in-progress segment nobody held (the sandbox's
    /// orphaned proxy, stopped after the bookies it wrote to were killed and restarted).
    @Test func aFailedWriterCompletesItsSegmentWhenItCloses() async throws {
        let fixture = try await LogFixture()
        defer { Task { await fixture.shutdown() } }
        var options = LogWriter.Options()
        options.idleControlDelay = .seconds(3600)
        let (name, writer) = try await fixture.log("end/failed", options: options)
        let acknowledged = try await fixture.write(["one", "two"], to: writer)
        for index in 0..<3 { await fixture.bookies.kill("b\(index)") }
        let refused = await failure { _ = try await writer.write(Array("three".utf8)) }
        #expect(refused != nil, "no bookie takes the write")
        for index in 0..<3 { try await fixture.bookies.start("b\(index)") }

        let closing = await failure { _ = try await writer.close() }
        #expect(closing != nil, "close still reports the failure")
        let segments = try await fixture.segments(name)
        #expect(segments.map(\.state) == [.completed], "\(segments)")
        #expect(try await LogLock.holder(of: name, store: fixture.store) == nil)
        #expect(try await fixture.readAll(name).map(\.dlsn) == acknowledged)
    }

    /// Closing commits the last entry (a control record carries the LAC past it): a reader
    /// following the segment gets the writer's last records at once, without reading the
    /// segment's metadata again (here never: its wait is an hour). The test suite's follower
    /// used to wait up to a second for them, and under load missed its one-second bar.
    @Test(arguments: MetadataBackend.allCases)
    func aFollowerGetsTheLastRecordsWhenTheWriterCloses(_ backend: MetadataBackend) async throws {
        let fixture = try await LogFixture(backend: backend)
        defer { Task { await fixture.shutdown() } }
        var options = LogWriter.Options()
        options.idleControlDelay = .seconds(3600)
        let (name, writer) = try await fixture.log("end/closing", options: options)
        let acknowledged = try await fixture.write(["one", "two"], to: writer)
        let follower = try await LogReader(name, store: fixture.store, connections: fixture.connections, from: .beginning,
                                           follow: true, waitInterval: .seconds(3600))
        let read = Locked<[DLSN]>([])
        let reading = Task {
            while let record = try await follower.next() {
                read.withLock { $0.append(record.dlsn) }
            }
        }
        defer { reading.cancel() }
        _ = try await writer.close()
        #expect(await waitUntil(timeout: .seconds(30)) { read.withLock { $0 } == acknowledged }, "\(read.withLock { $0 })")
    }

    @Test func metadataThatLostACommitIsReportedNotReadAsTheEnd() async throws {
        let fixture = try await LogFixture()
        defer { Task { await fixture.shutdown() } }
        let (name, writer) = try await fixture.log("end/behind")
        // One entry per record (each awaited), so the ledger surely has entries to lose.
        for index in 0..<20 { _ = try await writer.write(Array("r\(index)".utf8)) }
        _ = try await writer.close()
        // The metadata goes back to an older state of the ledger: closed two entries earlier
        // (as a store that lost its last commits after a power loss would have it).
        let segment = try #require(try await fixture.segments(name).first)
        let path = ClusterLayout.ledgerPath(segment.ledgerId)
        var ledger = try LedgerMetadata(decoding: try await fixture.store.get(path).data)
        try #require(ledger.lastEntryId >= 19)
        ledger.lastEntryId -= 2
        _ = try await fixture.store.set(path, data: ledger.encoded(), expectedVersion: nil)

        let reader = try await fixture.reader(name)
        let error = await failure { while try await reader.next() != nil {} }
        #expect(error as? LogError == .metadataBehindBookies(log: "end/behind", segment: 1, ledgerId: segment.ledgerId,
                                                             lastEntryId: ledger.lastEntryId), "\(String(describing: error))")
    }

    @Test func aSegmentLeftInProgressBelowANewerOneDoesNotEndTheRead() async throws {
        let fixture = try await LogFixture()
        defer { Task { await fixture.shutdown() } }
        var options = LogWriter.Options()
        options.rollBytes = 512
        let (name, writer) = try await fixture.log("end/midroll", options: options)
        var written: [DLSN] = []
        for index in 0..<40 { written.append(try await writer.write(Array("record-\(index)-".utf8) + [UInt8](repeating: 1, count: 64))) }
        _ = try await writer.close()
        // The writer died mid-roll: segment 2 exists, segment 1 was never marked completed.
        let first = try #require(try await fixture.segments(name).first)
        try #require(try await fixture.segments(name).count >= 2)
        var inProgress = SegmentMetadata(sequenceNumber: first.sequenceNumber, ledgerId: first.ledgerId, firstTxId: first.firstTxId,
                                         startSequenceId: first.startSequenceId, createdAtMillis: first.createdAtMillis)
        inProgress.state = .inProgress
        _ = try await fixture.store.set(name.segmentPath(first.sequenceNumber), data: inProgress.encoded(), expectedVersion: nil)
        #expect(try await fixture.readAll(name).map(\.dlsn) == written, "the read goes on past the stale segment")
    }
}
