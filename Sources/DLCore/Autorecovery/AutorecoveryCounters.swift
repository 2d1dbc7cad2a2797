import Synchronization

/// What this process's autorecovery did, for its metrics: fragments and bytes copied by its
/// worker, ledgers it re-replicated, and the under-replicated ledgers it last counted.
public final class AutorecoveryCounters: Sendable {
    /// The counters of this process (it runs one autorecovery at most).
    public static let process = AutorecoveryCounters()

    public let fragmentsCopied = Atomic<Int64>(0)
    public let entriesCopied = Atomic<Int64>(0)
    public let bytesCopied = Atomic<Int64>(0)
    public let ledgersReplicated = Atomic<Int64>(0)
    /// -1 until counted.
    public let underReplicatedLedgers = Atomic<Int64>(-1)

    public init() {}
}
