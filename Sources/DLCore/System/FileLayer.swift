/// The file operations that storage relies on across a restart, behind one protocol.
///
/// Everything a bookie or the embedded metadata store keeps on disk goes through a
/// `FileLayer`: in production `PosixFiles`, in tests a recorder that knows which bytes and
/// which directory entries were made durable, and at a simulated power loss keeps only those.
/// The durability rule the callers follow (DESIGN.md section 3): data is durable after
/// `syncData`/`sync` of its file; a name (create, rename, remove) after `syncDirectory` of the
/// directory holding it.
public protocol FileLayer: Sendable {
    /// open(2): a descriptor for `path`.
    func open(_ path: String, flags: Int32, mode: UInt32) throws -> Int32
    func close(_ fd: Int32)
    /// Writes all of `bytes` at `offset`.
    func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int64) throws
    /// Reads up to `buffer.count` bytes at `offset`; 0 at the end of the file.
    func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int
    /// fdatasync(2): the file's data, and its size if it changed.
    func syncData(_ fd: Int32) throws
    /// fsync(2): the file's data and all of its metadata.
    func sync(_ fd: Int32) throws
    /// Reserves `length` bytes from offset 0 (posix_fallocate), so later syncs do not also
    /// flush a size change. A file system without it keeps the file as it is.
    func preallocate(_ fd: Int32, length: Int64) throws
    /// Pushes the range to the device and waits for it (sync_file_range): spreads the device's
    /// work over a long write. It makes nothing durable: only `syncData`/`sync` does.
    func writeBack(_ fd: Int32, offset: Int64, length: Int64) throws
    /// rename(2); durable after `syncDirectory` of the directory.
    func rename(_ source: String, to destination: String) throws
    /// unlink(2) of a file; nothing when it is absent. Durable after `syncDirectory`.
    func remove(_ path: String)
    /// fsync(2) of a directory: its entries (created, renamed, removed) become durable.
    func syncDirectory(_ path: String) throws
    /// mkdir(2) of one directory; nothing when it exists. Durable after `syncDirectory` of its parent.
    func makeDirectory(_ path: String) throws
    /// The whole file, or nil when there is no such file.
    func contents(_ path: String) throws -> [UInt8]?
    /// The names in `directory` (empty when it does not exist).
    func list(_ directory: String) -> [String]
    /// The file's size, or nil when there is no such file.
    func size(_ path: String) -> Int64?
}
