import Synchronization

/// Holds a replication worker's copying to a rate (bytes a second), so that re-replicating a lost
/// bookie does not take the disks and cores from the writers: each batch copied takes its bytes
/// from a token bucket, and the worker waits out any debt before the next.
public final class CopyThrottle: Sendable {
    /// nil: no limit.
    private let bucket: Mutex<TokenBucket?>

    /// `bytesPerSecond` nil: no limit.
    public init(bytesPerSecond: Double?) {
        bucket = Mutex(bytesPerSecond.map { TokenBucket(rate: $0, now: .now) })
    }

    /// Counts `bytes` copied; returns once the rate allows the next batch.
    func pace(_ bytes: Int) async throws {
        let wait = bucket.withLock { bucket -> Duration in
            guard var current = bucket else { return .zero }
            _ = current.allows(now: .now)
            current.take(Double(bytes))
            bucket = current
            return current.tokens >= 0 ? .zero : .nanoseconds(Int64(-current.tokens / current.rate * 1e9))
        }
        if wait > .zero { try await Task.sleep(for: wait) }
    }
}
