extension Duration {
    /// Whole milliseconds (truncated).
    public var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }

    /// Whole nanoseconds (truncated; negative durations give 0).
    public var nanoseconds: UInt64 {
        guard self > .zero else { return 0 }
        return UInt64(components.seconds) * 1_000_000_000 + UInt64(components.attoseconds / 1_000_000_000)
    }
}

extension Duration {
    /// In seconds, with the fraction.
    public var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
