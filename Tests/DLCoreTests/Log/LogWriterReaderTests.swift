import DLCore
import Foundation
import Testing
import TestSupport

/// Counterparts of DistributedLog's TestAsyncReaderWriter and TestBKLogSegmentWriter: DLSN
/// order, control records, txid rules, end of stream, flushing modes and fencing.
@Suite(.serialized) struct LogWriterReaderTests {
    @Test func dlsnsIncreaseAndEveryRecordReadsBackInOrder() async throws {
        let fixture = try await LogFixture()
        let (name, writer) = try await fixture.log("t/order")
        let payloads = (0..<5000).map { "record-\($0)" }
        let dlsns = try await fixture.write(payloads, to: writer)
        #expect(zip(dlsns, dlsns.dropFirst()).allSatisfy { $0 < $1 }, "DLSNs strictly increase in write order")
        #expect(dlsns.first == DLSN(1, 0, 0))
        try await writer.close()
        let records = try await fixture.readAll(name)
        #expect(records.map { String(decoding: $0.record.payload, as: UTF8.self) } == payloads)
        #expect(records.map(\.dlsn) == dlsns)
        #expect(records.map(\.record.txid) == (0..<5000).map(Int64.init), "assigned txids count up from 0")
        // Reading from a DLSN in the middle starts exactly there.
        let middle = try await fixture.readAll(name, from: .dlsn(dlsns[2500]))
        #expect(middle.first?.dlsn == dlsns[2500] && middle.count == 2500)
        #expect(try await fixture.readAll(name, from: .after(dlsns[2500])).first?.dlsn == dlsns[2501])
        await fixture.shutdown()
    }

    /// The adaptive window (a small bound on unacknowledged bytes, callers admitted in their
    /// order) and sending at once when idle: a flood of pipelined records, some awaited one by
    /// one, all acknowledged at increasing DLSNs and read back in order.
    @Test func theAdaptiveWindowKeepsEveryRecordInOrder() async throws {
        let fixture = try await LogFixture()
        var options = LogWriter.Options()
        options.adaptiveWindow = true
        options.flushWhenIdle = true
        options.bufferBytes = 4096
        let (name, writer) = try await fixture.log("t/window", options: options)
        let acknowledged = Locked<[Int: DLSN]>([:])
        let count = 20_000
        for index in 0..<count {
            let payload = Array("record-\(index)-".utf8) + [UInt8](repeating: 0x61, count: index % 300)
            if index % 1000 == 0 {
                let dlsn = try await writer.write(payload)
                acknowledged.withLock { $0[index] = dlsn }
            } else {
                try await writer.enqueue(payload) { result in
                    if case let .success(dlsn) = result { acknowledged.withLock { $0[index] = dlsn } }
                }
            }
        }
        try await writer.close()
        let dlsns = acknowledged.withLock { $0 }
        #expect(dlsns.count == count, "every record acknowledged")
        let ordered = (0..<count).compactMap { dlsns[$0] }
        #expect(zip(ordered, ordered.dropFirst()).allSatisfy { $0 < $1 }, "DLSNs increase in write order")
        let records = try await fixture.readAll(name)
        #expect(records.map(\.dlsn) == ordered)
        #expect(records.map { String(decoding: $0.record.payload.prefix { $0 != 0x61 }, as: UTF8.self) }
                == (0..<count).map { "record-\($0)-" })
        await fixture.shutdown()
    }

    @Test func controlRecordsAdvanceTheLACAndStayInvisible() async throws {
        let fixture = try await LogFixture()
        let (name, writer) = try await fixture.log("t/control")
        _ = try await fixture.write(["a", "b", "c"], to: writer)
        // With the writer idle and still open, the control record makes the last data entry
        // readable: a reader sees all three records without another write.
        let seen = await waitUntil(timeout: .seconds(10)) {
            (try? await fixture.readAll(name).count) == 3
        }
        #expect(seen)
        try await writer.close()
        let segment = try #require(try await fixture.segments(name).first)
        let ledger = try await LedgerReader.open(store: fixture.store, connections: fixture.connections, ledgerId: segment.ledgerId)
        var flags: [Bool] = []
        for entry in try await ledger.read(from: 0, through: ledger.metadata.lastEntryId) {
            flags += try RecordSet.positioned(entry: entry.payload, segment: 1, entryId: entry.entryId).map(\.record.isControl)
        }
        #expect(flags.contains(true), "a control record was written")
        #expect(try await fixture.readAll(name).map { String(decoding: $0.record.payload, as: UTF8.self) } == ["a", "b", "c"])
        #expect(segment.recordCount == 3, "control records are not counted")
        await fixture.shutdown()
    }

    @Test func txidsMustNotDecreaseAndARefusalLeavesTheWriterUsable() async throws {
        let fixture = try await LogFixture()
        let (name, writer) = try await fixture.log("t/txid")
        _ = try await writer.write(Array("ten".utf8), txid: 10)
        _ = try await writer.write(Array("twenty".utf8), txid: 20)
        let refused = await failure { _ = try await writer.write(Array("fifteen".utf8), txid: 15) }
        guard case .txidOutOfOrder? = refused as? LogError else {
            Issue.record("expected txidOutOfOrder, got \(String(describing: refused))")
            return
        }
        _ = try await writer.write(Array("twenty again".utf8), txid: 20)
        _ = try await writer.write(Array("assigned".utf8))
        try await writer.close()
        let records = try await fixture.readAll(name)
        #expect(records.map(\.record.txid) == [10, 20, 20, 21])
        #expect(try await LogCatalog(store: fixture.store).maxTxId(name) == 21)
        // A new writer continues after the highest txid.
        let next = try await LogWriter.open(name, store: fixture.store, connections: fixture.connections)
        _ = try await next.write(Array("next".utf8))
        try await next.close()
        #expect(try await fixture.readAll(name).last?.record.txid == 22)
        await fixture.shutdown()
    }

    @Test func endOfStreamEndsReadersAndRefusesEveryLaterWrite() async throws {
        let fixture = try await LogFixture()
        let (name, writer) = try await fixture.log("t/eos")
        let follower = try await fixture.reader(name, follow: true)
        _ = try await fixture.write(["1", "2"], to: writer)
        try await writer.markEndOfStream()
        // Twice: the second is refused.
        #expect(await failure { try await writer.markEndOfStream() } as? LogError == .endOfStream(name.description))
        #expect(await failure { _ = try await writer.write([1]) } as? LogError == .endOfStream(name.description))
        #expect(try await follower.next()?.record.payload == Array("1".utf8))
        #expect(try await follower.next()?.record.payload == Array("2".utf8))
        #expect(try await follower.next() == nil, "a following reader ends at the end of stream")
        let reopened = await failure { _ = try await LogWriter.open(name, store: fixture.store, connections: fixture.connections) }
        #expect(reopened as? LogError == .endOfStream(name.description))
        #expect(try await fixture.readAll(name).count == 2)
        await fixture.shutdown()
    }

    @Test func oversizedRecordIsRefusedAndTheWriterGoesOn() async throws {
        let fixture = try await LogFixture()
        let (name, writer) = try await fixture.log("t/big")
        let big = [UInt8](repeating: 7, count: Limits.maxRecordSize + 1)
        #expect(await failure { _ = try await writer.write(big) } as? LogError
            == .recordTooLarge(size: Limits.maxRecordSize + 1, limit: Limits.maxRecordSize))
        _ = try await writer.write([1, 2, 3])
        try await writer.close()
        #expect(try await fixture.readAll(name).map(\.record.payload) == [[1, 2, 3]])
        await fixture.shutdown()
    }

    @Test func immediateFlushSendsEachRecordAsItsOwnEntry() async throws {
        let fixture = try await LogFixture()
        var options = LogWriter.Options()
        options.flushInterval = .zero
        let (_, writer) = try await fixture.log("t/immediate", options: options)
        var dlsns: [DLSN] = []
        for index in 0..<20 { dlsns.append(try await writer.write(Array("\(index)".utf8))) }
        try await writer.close()
        #expect(dlsns.map(\.slotId) == Array(repeating: 0, count: 20))
        // One entry per record, in order (an idle writer's control entries may sit between them).
        #expect(zip(dlsns, dlsns.dropFirst()).allSatisfy { $0.entryId < $1.entryId })
        await fixture.shutdown()
    }

    @Test func aWriterWhoseSegmentWasRecoveredFailsWithTheFencedLedger() async throws {
        let fixture = try await LogFixture()
        let zombieSession = try await fixture.openSession()
        let name = try LogName(parsing: "t/fenced")
        try await LogCatalog(store: fixture.store).createLog(name)
        let zombie = try await LogWriter.open(name, store: zombieSession, connections: fixture.connections)
        let acknowledged = try await fixture.write((0..<100).map { "z\($0)" }, to: zombie)
        // The zombie's session ends (its lock goes); a new writer takes over and fences it.
        await zombieSession.close()
        let successor = try await LogWriter.open(name, store: fixture.store, connections: fixture.connections)
        let refused = await failure { _ = try await zombie.write(Array("late".utf8)) }
        let description = "\(String(describing: refused))"
        #expect(description.contains("fenced") && description.contains("ledger"), "root cause names the ledger: \(description)")
        _ = try await successor.write(Array("new".utf8))
        try await successor.close()
        let records = try await fixture.readAll(name)
        #expect(records.count == 101)
        #expect(Array(records.prefix(100).map(\.dlsn)) == acknowledged, "everything the zombie had acknowledged is there")
        #expect(records.last?.record.payload == Array("new".utf8))
        let segments = try await fixture.segments(name)
        #expect(segments.count == 2 && segments[0].state == .completed && segments[0].recordCount == 100)
        #expect(segments[0].lastDLSN == acknowledged.last && segments[0].lastTxId == 99)
        await fixture.shutdown()
    }

    @Test func theLockAdmitsOneWriterAndSaysWhoHoldsIt() async throws {
        let fixture = try await LogFixture()
        let (name, writer) = try await fixture.log("t/lock")
        let second = await failure { _ = try await LogWriter.open(name, store: fixture.store, connections: fixture.connections) }
        guard case let .locked(_, holder)? = second as? LogError else {
            Issue.record("expected locked, got \(String(describing: second))")
            return
        }
        #expect(holder.contains("pid \(getpid())"))
        try await writer.close()
        let after = try await LogWriter.open(name, store: fixture.store, connections: fixture.connections)
        try await after.close()
        await fixture.shutdown()
    }
}
