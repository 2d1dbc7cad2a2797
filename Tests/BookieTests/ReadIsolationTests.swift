@testable import Bookie
import DLCore
import Dispatch
import Foundation
import Logging
import NIOCore
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
