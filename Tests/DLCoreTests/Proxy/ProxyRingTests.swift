import DLCore
import Testing

@Suite struct ProxyRingTests {
    static let logs = (0..<4_000).map { "ns/log-\($0)" }

    @Test func everyLogGetsEveryProxyOnceOwnerFirst() {
        let ring = ProxyRing(proxies: ["p3", "p1", "p2", "p1"])
        #expect(ring.proxies == ["p1", "p2", "p3"])
        for log in Self.logs.prefix(100) {
            let order = ring.route(log)
            #expect(order.count == 3 && Set(order) == ["p1", "p2", "p3"])
        }
        #expect(ProxyRing(proxies: []).route("t/a").isEmpty)
    }

    @Test func theSameProxiesRouteTheSameWayInAnyOrder() {
        let one = ProxyRing(proxies: ["a:1", "b:2", "c:3"])
        let other = ProxyRing(proxies: ["c:3", "a:1", "b:2"])
        for log in Self.logs.prefix(500) { #expect(one.route(log) == other.route(log)) }
    }

    @Test func logsSpreadEvenlyAndAnAddedProxyTakesItsShareOnly() {
        let four = ProxyRing(proxies: ["p1", "p2", "p3", "p4"])
        var counts: [String: Int] = [:]
        for log in Self.logs { counts[four.route(log)[0], default: 0] += 1 }
        // 1,000 each on average; 128 points per proxy keep each within about 20%.
        #expect(counts.values.allSatisfy { (800...1_200).contains($0) }, "\(counts)")
        let five = ProxyRing(proxies: ["p1", "p2", "p3", "p4", "p5"])
        var moved = 0
        for log in Self.logs {
            let (before, after) = (four.route(log)[0], five.route(log)[0])
            if before != after {
                moved += 1
                #expect(after == "p5", "a log moves only to the new proxy")
            }
        }
        #expect((550...1_050).contains(moved), "about a fifth of the logs move: \(moved)")
        // Removing a proxy moves only its logs, each to what was its next choice.
        let three = ProxyRing(proxies: ["p1", "p2", "p4"])
        for log in Self.logs.prefix(2_000) where four.route(log)[0] != "p3" {
            #expect(three.route(log)[0] == four.route(log)[0])
        }
        for log in Self.logs.prefix(2_000) where four.route(log)[0] == "p3" {
            #expect(three.route(log)[0] == four.route(log)[1])
        }
    }
}
