@testable import Bookie
import DLCore
import Dispatch
import Foundation
import Logging
import NIOCore
import NIOEmbedded
import NIOPosix
import Testing
import TestSupport

/// Fencing (recovery) reads are served apart from bulk reads: a recovery never waits behind
/// catch-up readers that keep the read pool busy.
@Suite struct ReadIsolationTests {
    @Test func aRecoveryReadIsAnsweredWhileBulkReadsWait() async throws {
        let directory = TemporaryDirectory("dlctl-isolation")
        let logger = Logger(label: "isolation", factory: { _ in SwiftLogNoOpLogHandler() })
        let storage = try LedgerStorage(directory: directory.path, logger: logger)
        let journal = try Journal(directory: directory.file("journal"), firstFileId: 1, logger: logger) { batches, mark in
            storage.apply(batches, mark: mark)
        }
        let readPool = NIOThreadPool(numberOfThreads: 1)
        let recoveryPool = NIOThreadPool(numberOfThreads: 1)
        readPool.start()
        recoveryPool.start()
        let service = BookieService(bookieId: "isolation:1", storage: storage, journal: journal, readPool: readPool,
                                    recoveryPool: recoveryPool, authToken: nil, logger: logger)
        // The bulk read pool is busy (a slow catch-up read) until `release` is signalled.
        let busy = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        readPool.submit { _ in
            busy.signal()
            release.wait()
        }
        busy.wait()
        let events = Locked<[String]>([])
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        service.handle(.read(ledgerId: 7, entryId: 0, fence: false, ledgerKey: [1]), on: loop) { _ in events.withLock { $0.append("bulk") } }
        service.handle(.read(ledgerId: 7, entryId: 0, fence: true, ledgerKey: [1]), on: loop) { response in
            events.withLock { $0.append("recovery \(response.status)") }
        }
        #expect(await waitUntil(timeout: .seconds(20)) { events.withLock { $0.contains { $0.hasPrefix("recovery") } } })
        let seen = events.withLock { $0 }
        #expect(!seen.contains("bulk"), "the bulk read is still waiting: \(seen)")
        release.signal()
        #expect(await waitUntil(timeout: .seconds(20)) { events.withLock { $0.contains("bulk") } })
        journal.stop()
        try await readPool.shutdownGracefully()
        try await recoveryPool.shutdownGracefully()
    }
}

/// A connection with too many adds in flight is not read until they are answered: a client
/// that floods the bookie slows itself down, not the bookie's other connections.
@Suite struct AddAdmissionTests {
    /// Files whose data syncs wait while the gate is shut (the journal's adds stay in flight).
    final class GatedSyncFiles: FileLayer, @unchecked Sendable {
        private let base = PosixFiles()
        private let condition = NSCondition()
        private var open = false
        func openGate() {
            condition.lock()
            open = true
            condition.broadcast()
            condition.unlock()
        }
        func syncData(_ fd: Int32) throws {
            condition.lock()
            while !open { condition.wait() }
            condition.unlock()
            try base.syncData(fd)
        }
        func open(_ path: String, flags: Int32, mode: UInt32) throws -> Int32 { try base.open(path, flags: flags, mode: mode) }
        func close(_ fd: Int32) { base.close(fd) }
        func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int64) throws { try base.write(fd, bytes, at: offset) }
        func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int {
            try base.read(fd, into: buffer, at: offset)
        }
        func sync(_ fd: Int32) throws { try base.sync(fd) }
        func preallocate(_ fd: Int32, length: Int64) throws { try base.preallocate(fd, length: length) }
        func writeBack(_ fd: Int32, offset: Int64, length: Int64) throws { try base.writeBack(fd, offset: offset, length: length) }
        func rename(_ source: String, to destination: String) throws { try base.rename(source, to: destination) }
        func remove(_ path: String) { base.remove(path) }
        func syncDirectory(_ path: String) throws { try base.syncDirectory(path) }
        func makeDirectory(_ path: String) throws { try base.makeDirectory(path) }
        func contents(_ path: String) throws -> [UInt8]? { try base.contents(path) }
        func list(_ directory: String) -> [String] { base.list(directory) }
        func size(_ path: String) -> Int64? { base.size(path) }
    }

    /// Counts the reads that reach the head of the pipeline.
    final class ReadCounter: ChannelOutboundHandler, @unchecked Sendable {
        typealias OutboundIn = ByteBuffer
        let reads = Locked(0)
        func read(context: ChannelHandlerContext) {
            reads.withLock { $0 += 1 }
            context.read()
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aConnectionOverItsBoundIsReadOnlyOnceItsAddsAreAnswered() async throws {
        let directory = TemporaryDirectory("dlctl-admission")
        let logger = Logger(label: "admission", factory: { _ in SwiftLogNoOpLogHandler() })
        let files = GatedSyncFiles()
        let storage = try LedgerStorage(directory: directory.path, logger: logger)
        let journal = try Journal(directory: directory.file("journal"), firstFileId: 1, files: files, logger: logger) { batches, mark in
            storage.apply(batches, mark: mark)
        }
        defer {
            files.openGate()
            journal.stop()
        }
        let service = BookieService(bookieId: "admission:1", storage: storage, journal: journal, readPool: nil, authToken: nil, logger: logger)
        let counter = ReadCounter()
        // A thread-safe test loop: the journal answers from its own thread.
        let channel = NIOAsyncTestingChannel()
        try await channel.testingEventLoop.executeInContext {
            try channel.pipeline.syncOperations.addHandler(counter)
            try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder()))
            try channel.pipeline.syncOperations.addHandler(BookieChannelHandler(service: service, logger: logger, maxAddsInFlight: 4))
        }
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1))
        var burst = ByteBuffer()
        for (index, entry) in TestEntries.make(ledgerId: 9, count: 6).enumerated() {
            WireCodec.encode(BookieFrame(requestId: UInt64(index), message: .add(ledgerKey: [1], entry: entry, recovery: false)), into: &burst)
        }
        try await channel.writeInbound(burst)
        let before = counter.reads.withLock { $0 }
        try await channel.testingEventLoop.executeInContext { channel.read() }
        #expect(counter.reads.withLock { $0 } == before, "not read while 6 adds are in flight over a bound of 4")
        files.openGate()
        var answered = 0
        while answered < 6 {
            var reply = try await channel.waitForOutboundWrite(as: ByteBuffer.self)
            while reply.readableBytes > 0, let length = reply.readInteger(as: UInt32.self), let body = reply.readSlice(length: Int(length)) {
                if case .add(.ok, _, _) = try WireCodec.decodeResponse(body).message { answered += 1 }
            }
        }
        #expect(await waitUntil(timeout: .seconds(30)) { counter.reads.withLock { $0 } == before + 1 }, "read again once they are answered")
        _ = try? await channel.finish()
    }
}
