import CFileSync
#if canImport(Glibc)
import Glibc
#endif

/// The real file layer: POSIX calls, retried on EINTR.
public struct PosixFiles: FileLayer {
    public init() {}

    public func open(_ path: String, flags: Int32, mode: UInt32) throws -> Int32 {
        let fd = Glibc.open(path, flags, mode_t(mode))
        guard fd >= 0 else { throw FileError("open", path, code: errno) }
        return fd
    }

    public func close(_ fd: Int32) { _ = Glibc.close(fd) }

    public func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int64) throws {
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError("write to", "descriptor \(fd)", code: errno)
            }
            done += n
        }
    }

    public func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int {
        guard buffer.count > 0 else { return 0 }
        while true {
            let n = pread(fd, buffer.baseAddress!, buffer.count, off_t(offset))
            if n >= 0 { return n }
            if errno != EINTR { throw FileError("read from", "descriptor \(fd)", code: errno) }
        }
    }

    public func syncData(_ fd: Int32) throws {
        guard fdatasync(fd) == 0 else { throw FileError("fdatasync", "descriptor \(fd)", code: errno) }
    }

    public func sync(_ fd: Int32) throws {
        guard fsync(fd) == 0 else { throw FileError("fsync", "descriptor \(fd)", code: errno) }
    }

    public func preallocate(_ fd: Int32, length: Int64) throws {
        let rc = posix_fallocate(fd, 0, off_t(length))
        guard rc == 0 || rc == EOPNOTSUPP else { throw FileError("preallocate", "descriptor \(fd)", code: rc) }
    }

    public func writeBack(_ fd: Int32, offset: Int64, length: Int64) throws {
        while dlctl_write_back_range(fd, offset, length) != 0 {
            if errno == EINTR { continue }
            // Not every file system has it; the final sync writes the range then.
            if errno == ENOSYS || errno == EOPNOTSUPP || errno == EINVAL { return }
            throw FileError("write back", "descriptor \(fd)", code: errno)
        }
    }

    public func rename(_ source: String, to destination: String) throws {
        guard Glibc.rename(source, destination) == 0 else { throw FileError("rename \(source) to", destination, code: errno) }
    }

    public func remove(_ path: String) { _ = unlink(path) }

    public func syncDirectory(_ path: String) throws {
        let fd = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError("open directory", path, code: errno) }
        defer { _ = Glibc.close(fd) }
        guard fsync(fd) == 0 else { throw FileError("sync directory", path, code: errno) }
    }

    public func makeDirectory(_ path: String) throws {
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else { throw FileError("create directory", path, code: errno) }
    }

    public func contents(_ path: String) throws -> [UInt8]? {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw FileError("open", path, code: errno)
        }
        defer { _ = Glibc.close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError("read", path, code: errno)
            }
            if n == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<n])
        }
    }

    public func list(_ directory: String) -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    public func size(_ path: String) -> Int64? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int64(info.st_size)
    }
}
