import DLCore

/// Naming and listing of journal files: `journal/<16 hex digits>.jnl`, in id order.
public enum JournalFiles {
    public static let fileSize: Int64 = 64 * 1024 * 1024

    public static func name(_ id: UInt64) -> String {
        let hex = String(id, radix: 16)
        return String(repeating: "0", count: max(0, 16 - hex.count)) + hex + ".jnl"
    }

    public static func id(ofName name: String) -> UInt64? {
        guard name.hasSuffix(".jnl"), name.count == 20 else { return nil }
        return UInt64(name.prefix(16), radix: 16)
    }

    /// Ids of the journal files in `directory`, ascending.
    public static func list(_ directory: String, files: any FileLayer = PosixFiles()) -> [UInt64] {
        files.list(directory).compactMap(id(ofName:)).sorted()
    }

    /// Removes the journal files of `directory` below `fileId` (a checkpoint covers them). Not
    /// synced: a file that comes back after a power loss lies before the checkpoint's mark, so
    /// replay skips it and the next checkpoint removes it again.
    public static func remove(below fileId: UInt64, in directory: String, files: any FileLayer) {
        for id in list(directory, files: files) where id < fileId { files.remove(directory + "/" + name(id)) }
    }
}
