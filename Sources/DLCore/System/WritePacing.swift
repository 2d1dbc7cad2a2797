/// How fast a large file is written out when nothing waits for it (a bookie's periodic
/// checkpoint writing its write cache into an entry log): in chunks, each pushed to the device
/// before the next is written, at no more than `bytesPerSecond` on average.
///
/// Why: journals and entry logs share the disk. Written in one go, a checkpoint's tens of MiB
/// sit in the device's queue and write cache at once, and every journal fdatasync meanwhile
/// waits behind them: acknowledgements stalled 20 to 100 ms every checkpoint. Paced, each
/// journal sync finds at most a chunk ahead of it. Decisions only (DESIGN.md section 2): the
/// caller writes, pushes and sleeps.
public struct WritePacing: Sendable, Equatable {
    public var chunkBytes: Int
    public var bytesPerSecond: Double

    public init(chunkBytes: Int = 256 * 1024, bytesPerSecond: Double) {
        self.chunkBytes = max(chunkBytes, 4096)
        self.bytesPerSecond = max(bytesPerSecond, 1)
    }

    /// A periodic write of `bytes` every `interval`: done within half the interval (so it keeps
    /// up with whatever fills the cache at twice the rate it fills now), and never slower than
    /// `minimumBytesPerSecond`.
    public static func spreading(_ bytes: Int, over interval: Duration, minimumBytesPerSecond: Double = 8 * 1_048_576) -> WritePacing {
        let seconds = interval.inSeconds
        let rate = seconds > 0 ? Double(bytes) / (seconds / 2) : .infinity
        return WritePacing(bytesPerSecond: max(rate, minimumBytesPerSecond))
    }

    /// Nanoseconds to pause after `written` bytes took `elapsedNanos`, to stay at the rate.
    public func pause(afterWriting written: Int, elapsedNanos: UInt64) -> UInt64 {
        let due = Double(written) / bytesPerSecond * 1e9
        return due > Double(elapsedNanos) ? UInt64(due - Double(elapsedNanos)) : 0
    }
}
