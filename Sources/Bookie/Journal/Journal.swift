import DLCore
import Foundation
import Logging
import NIOCore

/// The bookie's write-ahead journal with group commit.
///
/// Callers append records from any thread; a dedicated thread takes everything queued (up to
/// `maxGroupBytes`), writes it with one `pwrite` and makes it durable with one `fdatasync`,
/// then hands the batch to `onDurable` (which applies it to ledger storage) and only then runs
/// the completions: an add is acknowledged only after its fdatasync. Files are preallocated
/// (fallocate) so a sync does not also flush a size change, and rolled over when full.
public final class Journal: @unchecked Sendable {
    public struct Options: Sendable {
        /// The most bytes one write + fdatasync carries.
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
        var record: JournalRecord
        var encoded: ByteBuffer
        var completion: Completion
    }

    public let directory: String
    private let options: Options
    private let logger: Logger
    private let onDurable: @Sendable ([JournalRecord], JournalMark) -> Void
    private let condition = NSCondition()
    private var queue: [Pending] = []
    private var queuedBytes = 0
    private var stopping = false
    private var failure: String?
    private var thread: Thread?
    private let finished = NSCondition()
    private var threadDone = false

    // Owned by the journal thread once started.
    private var fd: Int32 = -1
    private var fileId: UInt64
    private var offset: Int64 = 0

    public let syncLatency = LatencyHistogram()
    public private(set) var syncCount: UInt64 = 0

    /// Opens a new journal file with id `firstFileId` and starts the commit thread.
    public init(directory: String, firstFileId: UInt64, options: Options = .init(), logger: Logger,
                onDurable: @escaping @Sendable ([JournalRecord], JournalMark) -> Void) throws {
        self.directory = directory
        self.options = options
        self.logger = logger
        self.onDurable = onDurable
        self.fileId = firstFileId
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        fd = try openFile(firstFileId)
        let thread = Thread { [unowned self] in self.run() }
        thread.name = "journal"
        thread.qualityOfService = .userInitiated
        self.thread = thread
        thread.start()
    }

    /// The first journal position not yet written: where the current file continues.
    public var currentFileId: UInt64 { condition.lock(); defer { condition.unlock() }; return fileId }

    public var queueDepth: Int { condition.lock(); defer { condition.unlock() }; return queue.count }

    /// Queues `record`; false (and no completion) when the queue is full or the journal has
    /// failed or stopped, so the caller can answer at once.
    @discardableResult
    public func append(_ record: JournalRecord, completion: @escaping Completion) -> Bool {
        var encoded = ByteBuffer()
        encoded.reserveCapacity(record.encodedLength)
        record.write(to: &encoded)
        condition.lock()
        if stopping || failure != nil || queuedBytes + encoded.readableBytes > options.maxQueuedBytes {
            condition.unlock()
            return false
        }
        queue.append(Pending(record: record, encoded: encoded, completion: completion))
        queuedBytes += encoded.readableBytes
        condition.signal()
        condition.unlock()
        return true
    }

    /// Why the journal stopped accepting records, if it failed.
    public var failureReason: String? { condition.lock(); defer { condition.unlock() }; return failure }

    /// Finishes what is queued, then stops the thread and closes the file.
    public func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
        finished.lock()
        while !threadDone { finished.wait() }
        finished.unlock()
        if fd >= 0 { close(fd) }
        fd = -1
    }

    private func run() {
        var group = ByteBuffer()
        while true {
            condition.lock()
            while queue.isEmpty && !stopping { condition.wait() }
            if queue.isEmpty && stopping {
                condition.unlock()
                break
            }
            var batch: [Pending] = []
            var bytes = 0
            var taken = 0
            while taken < queue.count && (batch.isEmpty || bytes + queue[taken].encoded.readableBytes <= options.maxGroupBytes) {
                bytes += queue[taken].encoded.readableBytes
                batch.append(queue[taken])
                taken += 1
            }
            queue.removeFirst(taken)
            queuedBytes -= bytes
            condition.unlock()

            group.clear()
            group.reserveCapacity(bytes)
            for var pending in batch { group.writeBuffer(&pending.encoded) }
            let outcome = commit(&group)
            if outcome == .durable {
                onDurable(batch.map(\.record), JournalMark(fileId: fileId, offset: offset))
            }
            for pending in batch { pending.completion(outcome) }
        }
        finished.lock()
        threadDone = true
        finished.broadcast()
        finished.unlock()
    }

    /// Writes one group and syncs it; on failure the journal refuses everything after.
    private func commit(_ group: inout ByteBuffer) -> Outcome {
        if let failure = failureReason { return .failed(failure) }
        do {
            if offset + Int64(group.readableBytes) > options.fileSize {
                try rollOver()
            }
            let written = group.withUnsafeReadableBytes { bytes -> Int in
                var done = 0
                while done < bytes.count {
                    let n = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done))
                    if n < 0 {
                        if errno == EINTR { continue }
                        return -Int(errno)
                    }
                    done += n
                }
                return done
            }
            if written < 0 { throw JournalError.io("write to \(JournalFiles.name(fileId)) failed: \(String(cString: strerror(Int32(-written))))") }
            let start = DispatchTime.now().uptimeNanoseconds
            if fdatasync(fd) != 0 {
                throw JournalError.io("fdatasync of \(JournalFiles.name(fileId)) failed: \(String(cString: strerror(errno)))")
            }
            syncLatency.record(nanos: DispatchTime.now().uptimeNanoseconds - start)
            syncCount += 1
            offset += Int64(written)
            return .durable
        } catch {
            let reason = "\(error)"
            logger.error("journal failed; refusing further writes", metadata: ["reason": "\(reason)"])
            condition.lock()
            failure = reason
            condition.unlock()
            return .failed(reason)
        }
    }

    private func rollOver() throws {
        let next = fileId + 1
        let newFd = try openFile(next)
        close(fd)
        fd = newFd
        condition.lock()
        fileId = next
        condition.unlock()
        offset = 0
        logger.debug("journal rolled over", metadata: ["file": "\(JournalFiles.name(next))"])
    }

    private func openFile(_ id: UInt64) throws -> Int32 {
        let path = directory + "/" + JournalFiles.name(id)
        let fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw JournalError.io("cannot create \(path): \(String(cString: strerror(errno)))") }
        let rc = posix_fallocate(fd, 0, off_t(options.fileSize))
        if rc != 0 && rc != EOPNOTSUPP {
            close(fd)
            throw JournalError.io("cannot preallocate \(path): \(String(cString: strerror(rc)))")
        }
        guard fsync(fd) == 0 else {
            close(fd)
            throw JournalError.io("cannot sync \(path): \(String(cString: strerror(errno)))")
        }
        try Durability.syncDirectory(directory)
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

/// fsync helpers for directories and files.
public enum Durability {
    /// Makes a directory's entries (created, renamed, removed files) durable.
    public static func syncDirectory(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw JournalError.io("cannot open directory \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw JournalError.io("cannot sync directory \(path): \(String(cString: strerror(errno)))") }
    }

    /// Writes `data` to `path` atomically: a temporary file, fsync, rename, directory fsync.
    public static func writeAtomically(_ data: [UInt8], to path: String) throws {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw JournalError.io("cannot create \(temporary): \(String(cString: strerror(errno)))") }
        var done = 0
        while done < data.count {
            let n = data.withUnsafeBytes { write(fd, $0.baseAddress! + done, data.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                close(fd)
                throw JournalError.io("cannot write \(temporary): \(String(cString: strerror(errno)))")
            }
            done += n
        }
        guard fsync(fd) == 0 else {
            close(fd)
            throw JournalError.io("cannot sync \(temporary): \(String(cString: strerror(errno)))")
        }
        close(fd)
        guard rename(temporary, path) == 0 else { throw JournalError.io("cannot rename \(temporary): \(String(cString: strerror(errno)))") }
        try syncDirectory((path as NSString).deletingLastPathComponent)
    }
}
