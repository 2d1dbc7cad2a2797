/// How many bytes a log writer lets wait for acknowledgement: enough to keep the path to the
/// bookies full, and no more, so a writer at its peak does not queue a second of records behind
/// a fixed 16 MiB. Decisions only, no I/O or clock (DESIGN.md section 2): the writer reports
/// each entry's acknowledgement with the times it was sent and acknowledged.
///
/// The bound is twice the bandwidth-delay product of the path, as TCP BBR sizes its window:
/// the highest delivery rate seen over the last `memory` times the lowest round trip seen over
/// the same span. Below the writer's peak the queue stays short because the bound is a time,
/// not a size; a writer whose acknowledgements come back faster gets a larger bound at once
/// (each full window measured delivers up to twice as much as the one before).
public struct WriteWindow: Sendable {
    /// The bound never goes below this (a full entry in flight and one filling).
    public let floor: Int
    /// Nor above this (the writer's `maxOutstandingBytes`).
    public let ceiling: Int
    /// How long a round trip or a delivery rate counts (nanoseconds).
    public let memory: UInt64
    /// Rates are measured over intervals at least this long (nanoseconds).
    public let sampleInterval: UInt64

    /// The lowest round trip within `memory`, and when it was seen.
    private var minRoundTrip: (nanos: UInt64, at: UInt64)?
    /// The highest delivery rate (bytes a second) within `memory`, and when it was seen.
    private var maxRate: (bytesPerSecond: Double, at: UInt64)?
    /// The sample being gathered: bytes acknowledged since `sampleStart`.
    private var sampleStart: UInt64?
    private var sampleBytes = 0

    public init(floor: Int, ceiling: Int, memory: Duration = .seconds(10), sampleInterval: Duration = .milliseconds(10)) {
        self.floor = min(floor, ceiling)
        self.ceiling = ceiling
        self.memory = UInt64(memory.nanoseconds)
        self.sampleInterval = UInt64(sampleInterval.nanoseconds)
    }

    /// The bytes that may be outstanding now.
    public var limit: Int {
        guard let minRoundTrip, let maxRate else { return floor }
        let product = 2 * maxRate.bytesPerSecond * Double(minRoundTrip.nanos) / 1e9
        return Swift.min(ceiling, Swift.max(floor, Int(product.rounded(.up))))
    }

    /// An entry of `bytes` sent at `sentAt` was acknowledged at `now` (monotonic nanoseconds).
    /// Reports may come a little out of order (each is taken on its own thread): no time here
    /// goes backwards.
    public mutating func acknowledged(bytes: Int, sentAt: UInt64, now: UInt64) {
        let roundTrip = Self.since(sentAt, now)
        if let known = minRoundTrip, known.nanos < roundTrip, Self.since(known.at, now) <= memory {
            // Still the lowest within memory (an equal one renews it).
        } else {
            minRoundTrip = (roundTrip, now)
        }
        // A sample starts at the first acknowledgement after the previous one ended; its bytes
        // are those acknowledged after that start.
        guard let start = sampleStart else {
            sampleStart = now
            sampleBytes = 0
            return
        }
        sampleBytes += bytes
        let elapsed = Self.since(start, now)
        guard elapsed >= sampleInterval else { return }
        let rate = Double(sampleBytes) * 1e9 / Double(elapsed)
        if let known = maxRate, known.bytesPerSecond > rate, Self.since(known.at, now) <= memory {
            // Still the highest within memory (an equal one renews it).
        } else {
            maxRate = (rate, now)
        }
        sampleStart = now
        sampleBytes = 0
    }

    /// Nanoseconds from `earlier` to `later`, 0 when `later` is not after it.
    private static func since(_ earlier: UInt64, _ later: UInt64) -> UInt64 { later > earlier ? later - earlier : 0 }
}
