/// Routes logs to write proxies by consistent hashing (DESIGN.md section 10), without I/O: each
/// proxy stands at `pointsPerProxy` places on a ring of 64-bit hashes, and a log goes to the
/// first proxy at or after its own hash, then to the next distinct ones (where a client turns
/// when the first fails). Adding or removing one of N proxies moves about 1/N of the logs, and
/// every client with the same proxy list routes the same way.
public struct ProxyRing: Sendable {
    public let proxies: [String]
    private let points: [(hash: UInt64, proxy: Int)]

    public init(proxies: [String], pointsPerProxy: Int = 128) {
        let unique = Array(Set(proxies)).sorted()
        self.proxies = unique
        var points: [(hash: UInt64, proxy: Int)] = []
        points.reserveCapacity(unique.count * max(pointsPerProxy, 1))
        for (index, proxy) in unique.enumerated() {
            for point in 0..<max(pointsPerProxy, 1) { points.append((Self.hash("\(proxy)#\(point)"), index)) }
        }
        self.points = points.sorted { ($0.hash, $0.proxy) < ($1.hash, $1.proxy) }
    }

    /// Every proxy in the order `log` should try them: the owner-to-be first.
    public func route(_ log: String) -> [String] {
        guard !points.isEmpty else { return [] }
        let target = Self.hash(log)
        // The first point at or after the log's hash (binary search), wrapping around.
        var (low, high) = (0, points.count)
        while low < high {
            let middle = (low + high) / 2
            if points[middle].hash < target { low = middle + 1 } else { high = middle }
        }
        var order: [String] = []
        var seen = Set<Int>()
        var index = low % points.count
        while order.count < proxies.count {
            let proxy = points[index].proxy
            if seen.insert(proxy).inserted { order.append(proxies[proxy]) }
            index = (index + 1) % points.count
        }
        return order
    }

    /// A stable 64-bit hash (FNV-1a, then the splitmix64 finaliser to spread nearby keys):
    /// the same on every machine and every run, unlike Swift's seeded `Hasher`.
    static func hash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        hash = (hash ^ (hash >> 30)) &* 0xBF58_476D_1CE4_E5B9
        hash = (hash ^ (hash >> 27)) &* 0x94D0_49BB_1331_11EB
        return hash ^ (hash >> 31)
    }
}
