#if canImport(Glibc)
import Glibc
#endif

/// The durable compositions of `FileLayer` operations every writer of state files uses.
extension FileLayer {
    /// mkdir -p: each directory it creates is made durable in its parent, so a power loss
    /// cannot take away a directory (and with it every file in it) that a caller relied on.
    public func createDirectories(_ path: String) throws {
        var missing: [String] = []
        var current = path
        while !current.isEmpty && current != "/" && size(current) == nil {
            missing.append(current)
            current = Self.parent(of: current)
        }
        for directory in missing.reversed() {
            try makeDirectory(directory)
            try syncDirectory(Self.parent(of: directory))
        }
    }

    /// Replaces `path` with `bytes` atomically and durably: a temporary file, written and
    /// synced, renamed over `path`, then the directory synced. After a power loss the file
    /// holds either its old contents or all of the new ones.
    /// With `pacing`, the bytes go out chunk by chunk at its rate (see `WritePacing`) before
    /// the sync; the call then takes about `bytes.count / pacing.bytesPerSecond` seconds.
    public func writeAtomically(_ bytes: UnsafeRawBufferPointer, to path: String, pacing: WritePacing? = nil) throws {
        let temporary = path + ".tmp"
        let fd = try open(temporary, flags: O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, mode: 0o644)
        do {
            if let pacing {
                try writePaced(fd, bytes, pacing)
            } else {
                try write(fd, bytes, at: 0)
            }
            try sync(fd)
        } catch {
            close(fd)
            // Name the file, not the descriptor.
            throw FileError("write", temporary, code: (error as? FileError)?.code ?? EIO)
        }
        close(fd)
        try rename(temporary, to: path)
        try syncDirectory(Self.parent(of: path))
    }

    private func writePaced(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, _ pacing: WritePacing) throws {
        let started = MonotonicClock.nanos()
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + pacing.chunkBytes, bytes.count)
            try write(fd, UnsafeRawBufferPointer(rebasing: bytes[offset..<end]), at: Int64(offset))
            try writeBack(fd, offset: Int64(offset), length: Int64(end - offset))
            offset = end
            let pause = pacing.pause(afterWriting: offset, elapsedNanos: MonotonicClock.nanos() - started)
            if pause > 0 && offset < bytes.count {
                var request = timespec(tv_sec: Int(pause / 1_000_000_000), tv_nsec: Int(pause % 1_000_000_000))
                var remaining = timespec()
                while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
            }
        }
    }

    public func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        try bytes.withUnsafeBytes { try writeAtomically($0, to: path) }
    }

    /// Reads exactly `buffer.count` bytes at `offset`; a short read is an error (`EIO`).
    public func readFully(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64,
                          path: String) throws {
        var done = 0
        while done < buffer.count {
            let n = try read(fd, into: UnsafeMutableRawBufferPointer(rebasing: buffer[done...]), at: offset + Int64(done))
            guard n > 0 else { throw FileError("read \(buffer.count) bytes at offset \(offset) of", path, code: EIO) }
            done += n
        }
    }

    /// The directory holding `path` ("/" for a top-level name, "." for a bare name).
    public static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
