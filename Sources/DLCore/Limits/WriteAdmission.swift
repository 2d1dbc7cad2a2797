/// Whether a write on a proxy goes through its limits (DESIGN.md section 10): the limits of
/// its log, of its namespace (on this proxy: the namespace's logs this proxy owns share it) and
/// of the proxy itself. A write over any hard level is refused and takes nothing; one that
/// passes takes from every bucket, and counts where it went over a soft level. No I/O and no
/// clock: the caller says when.
public struct WriteAdmission: Sendable {
    public enum Scope: Hashable, Sendable, CustomStringConvertible {
        case log(String)
        case namespace(String)
        case proxy

        public var description: String {
            switch self {
            case let .log(name): return "log \(name)"
            case let .namespace(name): return "namespace \(name)"
            case .proxy: return "this proxy"
            }
        }
    }

    public enum Decision: Equatable, Sendable {
        case admitted(overSoft: Bool)
        /// Over a hard level; the reason names the scope and the level.
        case refused(String)
    }

    public struct Counters: Equatable, Sendable {
        /// Writes let through above a soft level.
        public var overSoft: UInt64 = 0
        /// Writes refused above a hard level.
        public var refused: UInt64 = 0
        public init() {}
    }

    private struct Buckets: Sendable {
        var limits: WriteLimits
        var softRecords: TokenBucket?
        var hardRecords: TokenBucket?
        var softBytes: TokenBucket?
        var hardBytes: TokenBucket?

        init(_ limits: WriteLimits, keeping old: Buckets?, now: ContinuousClock.Instant) {
            func bucket(_ rate: Double?, _ previous: TokenBucket?) -> TokenBucket? {
                guard let rate else { return nil }
                if let previous, previous.rate == rate { return previous }
                return TokenBucket(rate: rate, now: now)
            }
            self.limits = limits
            softRecords = bucket(limits.softRecordsPerSecond, old?.softRecords)
            hardRecords = bucket(limits.hardRecordsPerSecond, old?.hardRecords)
            softBytes = bucket(limits.softBytesPerSecond, old?.softBytes)
            hardBytes = bucket(limits.hardBytesPerSecond, old?.hardBytes)
        }
    }

    private var buckets: [Scope: Buckets] = [:]
    public private(set) var counters: [Scope: Counters] = [:]

    public init() {}

    /// Sets the limits of `scope` (none removes them). A level whose rate did not change keeps
    /// its bucket, so re-reading unchanged limits gives no fresh burst.
    public mutating func configure(_ scope: Scope, _ limits: WriteLimits, now: ContinuousClock.Instant) {
        if limits.isEmpty {
            buckets[scope] = nil
        } else {
            buckets[scope] = Buckets(limits, keeping: buckets[scope], now: now)
        }
    }

    /// Forgets `scope` (a log this proxy let go), its counters too.
    public mutating func forget(_ scope: Scope) {
        buckets[scope] = nil
        counters[scope] = nil
    }

    public func limits(of scope: Scope) -> WriteLimits { buckets[scope]?.limits ?? .none }

    /// Decides a write of `records` records and `bytes` bytes to `log` (in `namespace`).
    public mutating func admit(log: String, namespace: String, records: Int, bytes: Int, now: ContinuousClock.Instant) -> Decision {
        let scopes: [Scope] = [.log(log), .namespace(namespace), .proxy].filter { buckets[$0] != nil }
        for scope in scopes {
            if buckets[scope]!.hardRecords?.allows(now: now) == false {
                counters[scope, default: Counters()].refused += 1
                return .refused("\(scope) is over its hard limit of \(WriteLimits.format(buckets[scope]!.limits.hardRecordsPerSecond!)) records/s")
            }
            if buckets[scope]!.hardBytes?.allows(now: now) == false {
                counters[scope, default: Counters()].refused += 1
                return .refused("\(scope) is over its hard limit of \(WriteLimits.bytes(buckets[scope]!.limits.hardBytesPerSecond!))/s")
            }
        }
        var overSoft = false
        for scope in scopes {
            var level = buckets[scope]!
            var over = false
            if level.softRecords?.allows(now: now) == false { over = true }
            if level.softBytes?.allows(now: now) == false { over = true }
            level.softRecords?.take(Double(records))
            level.hardRecords?.take(Double(records))
            level.softBytes?.take(Double(bytes))
            level.hardBytes?.take(Double(bytes))
            buckets[scope] = level
            if over {
                counters[scope, default: Counters()].overSoft += 1
                overSoft = true
            }
        }
        return .admitted(overSoft: overSoft)
    }

    /// Counters summed over every scope.
    public var totals: Counters {
        counters.values.reduce(into: Counters()) {
            $0.overSoft += $1.overSoft
            $0.refused += $1.refused
        }
    }
}
