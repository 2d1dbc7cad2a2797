import DLCore
import Synchronization
import Testing

/// The slot a log writer tells its acknowledged records through (a proxy pushes them to its
/// followers from there): called once per entry for as long as the proxy owns the log.
@Suite("Callback slot")
struct CallbackSlotTests {
    /// Kept as `Locked<((T) -> Void)?>` and read once per call, the closure grew by two
    /// reabstraction thunks a call: 50,000 calls took 10 s in a release build, a million never
    /// end (or overflow the stack).
    @Test(.timeLimit(.minutes(1)))
    func aCallbackCalledAMillionTimesIsStillCalledDirectly() {
        let slot = CallbackSlot<[Int]>()
        let total = Atomic<Int>(0)
        slot.set { values in total.add(values.count, ordering: .relaxed) }
        var answered = 0
        for _ in 0..<1_000_000 where slot([1]) { answered += 1 }
        #expect(answered == 1_000_000)
        #expect(total.load(ordering: .relaxed) == 1_000_000)
    }

    @Test func clearedItCallsNothingAndBuildsNoArgument() {
        let slot = CallbackSlot<[Int]>()
        let calls = Atomic<Int>(0)
        let built = Atomic<Int>(0)
        func argument() -> [Int] {
            built.add(1, ordering: .relaxed)
            return [1]
        }
        // Called outside #expect, which would evaluate the argument itself to show it.
        let unset = slot(argument())
        slot.set { _ in calls.add(1, ordering: .relaxed) }
        let set = slot(argument())
        slot.set(nil)
        let cleared = slot(argument())
        #expect(!unset && set && !cleared)
        #expect(calls.load(ordering: .relaxed) == 1)
        #expect(built.load(ordering: .relaxed) == 1)
    }
}
