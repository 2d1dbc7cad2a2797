/// A token bucket: `rate` tokens a second, holding at most one second's worth. A request is
/// let through while the bucket holds any token and takes all it asks for, down to a debt
/// (so a request larger than a second's worth passes once the bucket is full, and the rate
/// over time still holds). No clock inside: the caller says when.
public struct TokenBucket: Sendable, Equatable {
    public let rate: Double
    public private(set) var tokens: Double
    private var refilled: ContinuousClock.Instant

    public init(rate: Double, now: ContinuousClock.Instant) {
        self.rate = rate
        self.tokens = rate
        self.refilled = now
    }

    public var capacity: Double { rate }

    private mutating func refill(_ now: ContinuousClock.Instant) {
        guard now > refilled else { return }
        let elapsed = now - refilled
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        tokens = min(capacity, tokens + seconds * rate)
        refilled = now
    }

    /// Whether a request would be let through now (refills first).
    public mutating func allows(now: ContinuousClock.Instant) -> Bool {
        refill(now)
        return tokens > 0
    }

    /// Takes `amount` tokens (after `allows`), possibly into debt.
    public mutating func take(_ amount: Double) {
        tokens -= amount
    }
}
