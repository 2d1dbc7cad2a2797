import DLCore
import Testing

@Suite struct LostBookieClockTests {
    @Test func aBookieIsLostOnlyAfterTheDelayAndNotWhenItComesBack() {
        var clock = LostBookieClock(delay: .seconds(5))
        let t0 = ContinuousClock.now
        let all: Set = ["a", "b", "c"]
        #expect(clock.observe(registered: all, referenced: all, now: t0).isEmpty)
        #expect(clock.observe(registered: ["a", "b"], referenced: all, now: t0 + .seconds(1)).isEmpty)
        #expect(clock.observe(registered: ["a", "b"], referenced: all, now: t0 + .seconds(5)).isEmpty)
        #expect(clock.observe(registered: ["a", "b"], referenced: all, now: t0 + .seconds(6)) == ["c"])
        // Back: forgotten; gone again: the delay starts over.
        #expect(clock.observe(registered: all, referenced: all, now: t0 + .seconds(7)).isEmpty)
        #expect(clock.observe(registered: ["a", "b"], referenced: all, now: t0 + .seconds(8)).isEmpty)
        #expect(clock.observe(registered: ["a", "b"], referenced: all, now: t0 + .seconds(12)).isEmpty)
        #expect(clock.observe(registered: ["a", "b"], referenced: all, now: t0 + .seconds(13)) == ["c"])
        // No ledger references it any more: nothing to do.
        #expect(clock.observe(registered: ["a", "b"], referenced: ["a", "b"], now: t0 + .seconds(14)).isEmpty)
    }

    @Test func aZeroDelayLosesAMissingBookieAtOnce() {
        var clock = LostBookieClock(delay: .zero)
        #expect(clock.observe(registered: ["a"], referenced: ["a", "b"], now: .now) == ["b"])
    }
}
