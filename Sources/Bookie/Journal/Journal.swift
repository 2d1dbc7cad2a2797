import DLCore
import Foundation
import Logging
import NIOCore
import Synchronization

/// The bookie's write-ahead journal with group commit.
///
/// Callers append records from any thread, one or a batch at a time (a batch has one
/// completion: a connection's burst of adds costs one queue operation and one wake-up). A
/// writer thread takes everything queued (up to `maxGroupBytes`), encodes it into one buffer
/// and writes it with one `pwrite`; a sync thread
/// makes everything written so far durable with one `fdatasync`, hands each group to
/// `onDurable` (which applies it to ledger storage) and only then runs its completions: an add
/// is acknowledged only after its fdatasync. The two threads overlap the next group's encoding
/// and write with the current sync. Files are preallocated (fallocate) so a sync does not also
/// flush a size change, and rolled over when full.
public final class Journal: @unchecked Sendable {
    public struct Options: Sendable {
        /// The most bytes one write carries.
        public var maxGroupBytes = 4 * 1024 * 1024
        /// Appends refused (back-pressure) while this many bytes wait.
        public var maxQueuedBytes = 64 * 1024 * 1024
        public var fileSize = JournalFiles.fileSize
        public init() {}
    }

    public enum Outcome: Sendable, Equatable {
        case durable
        case failed(String)
    }

    public typealias Completion = @Sendable (Outcome) -> Void

    private struct Pending {
        var records: [JournalRecord]
        var length: Int
        var completion: Completion
    }

    /// A group written to a file, waiting for its sync.
    private struct WrittenGroup {
        var pending: [Pending]
        var fd: Int32
        var mark: JournalMark
        var failure: String?
        /// The file the group ended, to close once synced (after a rollover).
        var closesFd: Int32?
    }

    public let directory: String
    public let files: any FileLayer
    private let options: Options
    private let logger: Logger
    /// Gets each durable group as its appended batches, in order, with the mark after it.
    private let onDurable: @Sendable ([[JournalRecord]], JournalMark) -> Void

    private let condition = NSCondition()
    private var queue: [Pending] = []
    private var queuedBytes = 0
    /// The writer sleeps on `condition`: only then does an append need to signal it.
    private var writerWaiting = false
    private var stopping = false
    private var failure: String?
    private var fileId: UInt64

    /// Guards `written`; the syncer and `stop()` both wait on it, so it is always broadcast.
    private let syncCondition = NSCondition()
    private var written: [WrittenGroup] = []
    private var writerDone = false
    private var syncerDone = false

    // Owned by the writer thread.
    private var fd: Int32 = -1
    private var offset: Int64 = 0

    public let syncLatency = LatencyHistogram()
    private let syncs = Atomic<UInt64>(0)
    public var syncCount: UInt64 { syncs.load(ordering: .relaxed) }

    /// Opens a new journal file with id `firstFileId` and starts the threads.
    public init(directory: String, firstFileId: UInt64, files: any FileLayer = PosixFiles(), options: Options = .init(),
                logger: Logger, onDurable: @escaping @Sendable ([[JournalRecord]], JournalMark) -> Void) throws {
        self.directory = directory
        self.files = files
        self.options = options
        self.logger = logger
        self.onDurable = onDurable
        self.fileId = firstFileId
        try files.createDirectories(directory)
        fd = try openFile(firstFileId)
        let writer = Thread { [unowned self] in self.runWriter() }
        writer.name = "journal-writer"
        let syncer = Thread { [unowned self] in self.runSyncer() }
        syncer.name = "journal-sync"
        writer.start()
        syncer.start()
    }

    /// The journal file being written.
    public var currentFileId: UInt64 { condition.lock(); defer { condition.unlock() }; return fileId }

    public var queueDepth: Int { condition.lock(); defer { condition.unlock() }; return queue.count }

    /// Queues `record`; false (and no completion) when the queue is full or the journal has
    /// failed or stopped, so the caller can answer at once.
    @discardableResult
    public func append(_ record: JournalRecord, completion: @escaping Completion) -> Bool {
        append([record], completion: completion)
    }

    /// Queues `records`, written in order into one group, with one completion for all of them;
    /// false (and no completion) when the queue is full or the journal has failed or stopped.
    @discardableResult
    public func append(_ records: [JournalRecord], completion: @escaping Completion) -> Bool {
        // Encoding happens on the writer thread, straight into the group buffer.
        var length = 0
        for record in records { length += record.encodedLength }
        condition.lock()
        if stopping || failure != nil || queuedBytes + length > options.maxQueuedBytes {
            condition.unlock()
            return false
        }
        queue.append(Pending(records: records, length: length, completion: completion))
        queuedBytes += length
        if writerWaiting { condition.signal() }
        condition.unlock()
        return true
    }

    /// Why the journal stopped accepting records, if it failed.
    public var failureReason: String? { condition.lock(); defer { condition.unlock() }; return failure }

    /// Finishes what is queued (written and synced), then stops the threads and closes the file.
    public func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
        syncCondition.lock()
        while !syncerDone { syncCondition.wait() }
        syncCondition.unlock()
        if fd >= 0 { files.close(fd) }
        fd = -1
    }

    private func fail(_ reason: String) {
        logger.error("journal failed; refusing further writes", metadata: ["reason": "\(reason)"])
        condition.lock()
        if failure == nil { failure = reason }
        condition.unlock()
    }

    private func runWriter() {
        var group = ByteBuffer()
        while true {
            condition.lock()
            while queue.isEmpty && !stopping {
                writerWaiting = true
                condition.wait()
                writerWaiting = false
            }
            if queue.isEmpty && stopping {
                condition.unlock()
                break
            }
            var bytes = 0
            var taken = 0
            while taken < queue.count && (taken == 0 || bytes + queue[taken].length <= options.maxGroupBytes) {
                bytes += queue[taken].length
                taken += 1
            }
            let batch = Array(queue.prefix(taken))
            queue.removeFirst(taken)
            queuedBytes -= bytes
            let failed = failure
            condition.unlock()

            var closesFd: Int32?
            var outcome = failed
            if outcome == nil {
                group.clear()
                group.reserveCapacity(bytes)
                for pending in batch.indices {
                    for record in batch[pending].records.indices { batch[pending].records[record].write(to: &group) }
                }
                do {
                    if offset + Int64(group.readableBytes) > options.fileSize {
                        closesFd = try rollOver()
                    }
                    try writeGroup(group)
                } catch {
                    outcome = "\(error)"
                    fail("\(error)")
                }
            }
            let mark = JournalMark(fileId: currentFileId, offset: offset)
            syncCondition.lock()
            written.append(WrittenGroup(pending: batch, fd: fd, mark: mark, failure: outcome, closesFd: closesFd))
            syncCondition.broadcast()
            syncCondition.unlock()
        }
        syncCondition.lock()
        writerDone = true
        syncCondition.broadcast()
        syncCondition.unlock()
    }

    private func writeGroup(_ group: ByteBuffer) throws {
        do {
            try group.withUnsafeReadableBytes { try files.write(fd, $0, at: offset) }
        } catch let error as FileError {
            throw JournalError.io("write to \(JournalFiles.name(currentFileId)) failed: \(error.reason)")
        }
        offset += Int64(group.readableBytes)
    }

    private func runSyncer() {
        while true {
            syncCondition.lock()
            while written.isEmpty && !writerDone { syncCondition.wait() }
            if written.isEmpty && writerDone {
                syncerDone = true
                syncCondition.broadcast()
                syncCondition.unlock()
                return
            }
            let groups = written
            written.removeAll()
            syncCondition.unlock()

            // One fdatasync per file covers every group written to it so far.
            var syncFailure: String?
            var synced = Set<Int32>()
            for group in groups where group.failure == nil && !synced.contains(group.fd) {
                synced.insert(group.fd)
                let start = DispatchTime.now().uptimeNanoseconds
                do { try files.syncData(group.fd) } catch {
                    syncFailure = "fdatasync of the journal failed: \(FileError.reason(error))"
                    fail(syncFailure!)
                    break
                }
                syncLatency.record(nanos: DispatchTime.now().uptimeNanoseconds - start)
                syncs.wrappingAdd(1, ordering: .relaxed)
            }
            for group in groups {
                let failure = group.failure ?? syncFailure
                if failure == nil { onDurable(group.pending.map(\.records), group.mark) }
                let outcome: Outcome = failure.map { .failed($0) } ?? .durable
                for pending in group.pending { pending.completion(outcome) }
                if let old = group.closesFd { files.close(old) }
            }
        }
    }

    /// Opens the next file; returns the previous descriptor, closed by the syncer once synced.
    private func rollOver() throws -> Int32 {
        let next = currentFileId + 1
        let newFd = try openFile(next)
        let old = fd
        fd = newFd
        condition.lock()
        fileId = next
        condition.unlock()
        offset = 0
        logger.debug("journal rolled over", metadata: ["file": "\(JournalFiles.name(next))"])
        return old
    }

    /// Creates journal file `id`, preallocated and synced, its name durable in the directory.
    private func openFile(_ id: UInt64) throws -> Int32 {
        let path = directory + "/" + JournalFiles.name(id)
        let fd = try files.open(path, flags: O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, mode: 0o644)
        do {
            try files.preallocate(fd, length: options.fileSize)
            try files.sync(fd)
            try files.syncDirectory(directory)
        } catch {
            files.close(fd)
            throw JournalError.io("cannot prepare journal file \(path): \(FileError.reason(error))")
        }
        return fd
    }
}

public enum JournalError: Error, CustomStringConvertible {
    case io(String)
    public var description: String {
        switch self {
        case let .io(reason): return reason
        }
    }
}
