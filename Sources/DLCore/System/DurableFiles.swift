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

    /// Replaces `path` with `bytes` atomically and durably (`AtomicFileWriter`): a temporary
    /// file, written and synced, renamed over `path`, then the directory synced. After a power
    /// loss the file holds either its old contents or all of the new ones. With `pacing`, the
    /// bytes go out chunk by chunk at its rate (see `WritePacing`) before the sync.
    public func writeAtomically(_ bytes: UnsafeRawBufferPointer, to path: String, pacing: WritePacing? = nil) throws {
        var writer = try AtomicFileWriter(files: self, path: path, pacing: pacing)
        try writer.append(bytes)
        try writer.commit()
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
