import DLCore
import Testing

@Suite struct WriteWindowTests {
    static let millisecond: UInt64 = 1_000_000

    @Test func beforeAnyMeasurementTheBoundIsTheFloor() {
        let window = WriteWindow(floor: 512 * 1024, ceiling: 16 << 20)
        #expect(window.limit == 512 * 1024)
    }

    @Test func theBoundIsTwiceTheBandwidthDelayProductWithinFloorAndCeiling() {
        // 100 KB every 2 ms (50 MB/s) with 2 ms round trips: 2 x 50 MB/s x 2 ms = 200 KB.
        var window = WriteWindow(floor: 64 * 1024, ceiling: 16 << 20)
        var now: UInt64 = 0
        for _ in 0..<100 {
            now += 2 * Self.millisecond
            window.acknowledged(bytes: 100_000, sentAt: now - 2 * Self.millisecond, now: now)
        }
        #expect((190_000...210_000).contains(window.limit), "\(window.limit)")
        var small = WriteWindow(floor: 1 << 20, ceiling: 16 << 20)
        var tight = WriteWindow(floor: 1024, ceiling: 100_000)
        now = 0
        for _ in 0..<100 {
            now += 2 * Self.millisecond
            small.acknowledged(bytes: 100_000, sentAt: now - 2 * Self.millisecond, now: now)
            tight.acknowledged(bytes: 100_000, sentAt: now - 2 * Self.millisecond, now: now)
        }
        #expect(small.limit == 1 << 20, "the floor holds")
        #expect(tight.limit == 100_000, "the ceiling holds")
    }

    @Test func aLowerRoundTripCountsAtOnceAndAnOldOneIsForgotten() {
        var window = WriteWindow(floor: 1, ceiling: 1 << 30, memory: .seconds(1))
        var now: UInt64 = 0
        // 1 ms round trips at 10 MB/s: 20 KB.
        for _ in 0..<100 {
            now += Self.millisecond
            window.acknowledged(bytes: 10_000, sentAt: now - Self.millisecond, now: now)
        }
        #expect((19_000...21_000).contains(window.limit), "\(window.limit)")
        // Round trips of 4 ms for longer than the memory: the 1 ms one is forgotten.
        for _ in 0..<1500 {
            now += Self.millisecond
            window.acknowledged(bytes: 10_000, sentAt: now - 4 * Self.millisecond, now: now)
        }
        #expect((76_000...84_000).contains(window.limit), "\(window.limit)")
    }

    @Test func acknowledgementsReportedOutOfOrderNeverRunTimeBackwards() {
        var window = WriteWindow(floor: 1, ceiling: 1 << 30)
        var now: UInt64 = 10 * Self.millisecond
        for step in 0..<1000 {
            // Every other report carries an earlier time than the one before it.
            now += step % 2 == 0 ? 3 * Self.millisecond : 0
            let at = step % 2 == 0 ? now : now - 2 * Self.millisecond
            window.acknowledged(bytes: 10_000, sentAt: at + (step % 3 == 0 ? Self.millisecond : 0), now: at)
        }
        #expect(window.limit >= 1 && window.limit <= 1 << 30)
    }

    /// A closed-loop writer (as many bytes outstanding as the window allows) on a path that
    /// serves `capacity` bytes a second after a fixed delay: the window grows from its floor
    /// until the path is busy, and the queue stays a few round trips long instead of the ceiling.
    @Test(arguments: [(capacity: 80e6, delay: 1.5), (capacity: 20e6, delay: 3.0), (capacity: 200e6, delay: 0.5)])
    func aWriterAtItsPeakKeepsThePathBusyAndItsQueueShort(_ path: (capacity: Double, delay: Double)) {
        let entry = 64 * 1024
        let floor = 128 * 1024
        let ceiling = 16 << 20
        var window = WriteWindow(floor: floor, ceiling: ceiling)
        let delay = UInt64(path.delay * Double(Self.millisecond))
        let service = UInt64(Double(entry) / path.capacity * 1e9)
        var inFlight: [(sentAt: UInt64, ackAt: UInt64)] = []
        var serverFree: UInt64 = 0
        var now: UInt64 = 0
        var delivered = 0
        var roundTrips: [UInt64] = []
        let end = 3_000 * Self.millisecond
        let warmUp = 1_000 * Self.millisecond
        while now < end {
            // Send while the window allows.
            while (inFlight.count + 1) * entry <= window.limit {
                let start = max(now, serverFree)
                serverFree = start + service
                inFlight.append((now, serverFree + delay))
            }
            // The next acknowledgement.
            let next = inFlight.removeFirst()
            now = next.ackAt
            window.acknowledged(bytes: entry, sentAt: next.sentAt, now: now)
            if now > warmUp {
                delivered += entry
                roundTrips.append(next.ackAt - next.sentAt)
            }
        }
        let throughput = Double(delivered) / (Double(end - warmUp) / 1e9)
        roundTrips.sort()
        let p99 = roundTrips[roundTrips.count * 99 / 100]
        let unloaded = delay + service
        #expect(throughput >= 0.95 * path.capacity, "throughput \(throughput) of \(path.capacity)")
        #expect(p99 <= 3 * unloaded + service, "p99 round trip \(p99) ns, unloaded \(unloaded) ns")
        #expect(window.limit < ceiling / 4, "window \(window.limit)")
    }
}
