#if canImport(Glibc)
import Glibc
#endif

/// A file written front to back, then put in place atomically and durably: the bytes go to
/// `path.tmp` as they come, `commit` syncs it, renames it over `path` and syncs the
/// directory. After a power loss `path` holds either its old contents or all of the new ones.
///
/// A large file (a checkpoint's entry log) is produced and written a chunk at a time, so it is
/// never held in memory whole: a buffer of hundreds of MiB cost its owner a page fault per page
/// to fill and an `munmap` to free, and that `munmap` held the process's memory map for 40 ms,
/// stalling every thread that faulted or grew a heap meanwhile (event loops, the journal).
/// With `pacing`, each chunk is pushed to the device before the next is written, at no more
/// than its rate (see `WritePacing`).
public struct AtomicFileWriter: ~Copyable {
    private let files: any FileLayer
    private let path: String
    private let temporary: String
    private let pacing: WritePacing?
    private let started = MonotonicClock.nanos()
    private var fd: Int32
    /// Bytes written so far.
    public private(set) var offset = 0

    public init(files: any FileLayer, path: String, pacing: WritePacing? = nil) throws {
        self.files = files
        self.path = path
        temporary = path + ".tmp"
        self.pacing = pacing
        fd = try files.open(temporary, flags: O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, mode: 0o644)
    }

    deinit {
        if fd >= 0 { files.close(fd) }
    }

    /// Writes `bytes` after what was written before (in chunks of `pacing`, paced, if any).
    public mutating func append(_ bytes: UnsafeRawBufferPointer) throws {
        var start = 0
        while start < bytes.count {
            let end = pacing.map { min(start + $0.chunkBytes, bytes.count) } ?? bytes.count
            let chunk = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
            do {
                try files.write(fd, chunk, at: Int64(offset))
                if pacing != nil { try files.writeBack(fd, offset: Int64(offset), length: Int64(chunk.count)) }
            } catch {
                // Name the file, not the descriptor.
                throw FileError("write", temporary, code: (error as? FileError)?.code ?? EIO)
            }
            offset += chunk.count
            start = end
            if let pacing { Self.sleep(nanos: pacing.pause(afterWriting: offset, elapsedNanos: MonotonicClock.nanos() - started)) }
        }
    }

    /// Syncs what was written and puts it in place of `path`, durably.
    public consuming func commit() throws {
        do { try files.sync(fd) } catch {
            throw FileError("write", temporary, code: (error as? FileError)?.code ?? EIO)
        }
        files.close(fd)
        fd = -1
        try files.rename(temporary, to: path)
        try files.syncDirectory(PosixFiles.parent(of: path))
    }

    private static func sleep(nanos: UInt64) {
        guard nanos > 0 else { return }
        var request = timespec(tv_sec: Int(nanos / 1_000_000_000), tv_nsec: Int(nanos % 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }
}
