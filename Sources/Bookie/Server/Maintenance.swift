import DLCore
import Foundation
import Logging

/// The bookie's background disk work on its own thread (never on an event loop): periodic
/// checkpoints (or sooner when the write cache fills), removal of journal files a checkpoint
/// covers, and garbage collection with compaction when asked.
final class Maintenance: @unchecked Sendable {
    private let storage: LedgerStorage
    private let journal: Journal
    private let interval: Duration
    private let logger: Logger
    private let condition = NSCondition()
    private var checkpointRequested = false
    private var pendingDrops: [Int64] = []
    private var compactionThreshold: Double?
    private var stopping = false
    private var done = false

    init(storage: LedgerStorage, journal: Journal, interval: Duration, logger: Logger) {
        self.storage = storage
        self.journal = journal
        self.interval = interval
        self.logger = logger
        let thread = Thread { [unowned self] in self.run() }
        thread.name = "bookie-maintenance"
        thread.start()
    }

    func requestCheckpoint() {
        condition.withLock {
            checkpointRequested = true
            condition.signal()
        }
    }

    /// Drops ledgers deleted from metadata, then compacts entry logs below `threshold`.
    func collectGarbage(droppedLedgers: [Int64], compactionThreshold: Double) {
        condition.withLock {
            pendingDrops += droppedLedgers
            self.compactionThreshold = compactionThreshold
            condition.signal()
        }
    }

    /// Stops the thread after a final checkpoint.
    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        while !done { condition.wait() }
        condition.unlock()
    }

    /// The maintenance thread's nice value. A checkpoint encodes and checksums the whole write
    /// cache (hundreds of MiB at speed) in a burst of CPU; at the default priority, bookies on
    /// one machine checkpointing together held the event loops and journal threads off both
    /// cores for up to 120 ms (`perf sched`, 3 bookies at 240,000 records/s). Lowered, the
    /// burst yields to them and takes the idle time; under full load it still gets its share
    /// (weight 110 against 1,024), and a full write cache holds adds back until it is done.
    static let niceness: Int32 = 10

    private func run() {
        if setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, Self.niceness) != 0 {
            logger.debug("could not lower the maintenance thread's priority", metadata: ["errno": "\(errno)"])
        }
        // The first checkpoint comes after a random part of the interval: bookies started
        // together do not checkpoint together ever after.
        var wait = interval.inSeconds * Double.random(in: 0.5...1)
        while true {
            condition.lock()
            let deadline = Date().addingTimeInterval(wait)
            wait = interval.inSeconds
            // Only a checkpoint that came due (nothing asked for it: not a full write cache, not
            // a stop) is paced.
            var due = false
            while !checkpointRequested && !stopping && pendingDrops.isEmpty && compactionThreshold == nil {
                if !condition.wait(until: deadline) {
                    due = true
                    break
                }
            }
            let (stop, drops, threshold) = (stopping, pendingDrops, compactionThreshold)
            checkpointRequested = false
            pendingDrops = []
            compactionThreshold = nil
            condition.unlock()

            if !drops.isEmpty { storage.dropLedgers(drops) }
            if let threshold {
                do { try storage.compact(threshold: threshold) } catch {
                    logger.error("compaction failed", metadata: ["error": "\(error)"])
                }
            }
            checkpoint(paced: due && !stop)
            if stop { break }
        }
        condition.withLock {
            done = true
            condition.broadcast()
        }
    }

    private func checkpoint(paced: Bool) {
        do { try checkpointNow(paced: paced) } catch {
            logger.error("checkpoint failed; the journal keeps everything until one succeeds", metadata: ["error": "\(error)"])
        }
    }

    /// A checkpoint on the caller's thread (it waits for one running on the maintenance
    /// thread), then the removal of the journal files it covers.
    func checkpointNow(paced: Bool = false) throws {
        let mark = try storage.checkpoint(spreadOver: paced ? interval : nil)
        let current = journal.currentFileId
        JournalFiles.remove(below: min(mark.fileId, current), in: journal.directory, files: journal.files)
    }
}
