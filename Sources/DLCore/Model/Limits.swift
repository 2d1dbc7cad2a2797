/// Size limits, as in DistributedLog.
public enum Limits {
    /// Largest user payload of one log record: 1 MiB - 8 KiB.
    public static let maxRecordSize = 1024 * 1024 - 8 * 1024
    /// Largest entry (one record set, after compression): 1 MiB - 4 KiB.
    public static let maxEntrySize = 1024 * 1024 - 4 * 1024
}
