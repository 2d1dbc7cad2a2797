import DLCore
import Synchronization

/// The bookie's running counters and latency histograms.
public final class BookieCounters: Sendable {
    public let adds = Atomic<UInt64>(0)
    public let addBytes = Atomic<UInt64>(0)
    public let reads = Atomic<UInt64>(0)
    public let readBytes = Atomic<UInt64>(0)
    public let addsRefused = Atomic<UInt64>(0)
    /// From an add's arrival to its durable acknowledgement.
    public let addLatency = LatencyHistogram()

    public init() {}

    func count(_ counter: borrowing Atomic<UInt64>, _ amount: UInt64 = 1) {
        counter.wrappingAdd(amount, ordering: .relaxed)
    }
}
