@testable import DLCore
import Testing
import TestSupport

@Suite struct PendingRequestsTests {
    @Test func idsAreSequentialAndEachIsAnsweredOnce() {
        var pending = PendingRequests<String>()
        let ids = ["a", "b", "c"].map { pending.add($0) }
        #expect(ids == [1, 2, 3])
        #expect(pending.remove(2) == "b")
        #expect(pending.remove(2) == nil)
        #expect(pending.remove(99) == nil && pending.remove(0) == nil)
        #expect(pending.remove(1) == "a" && pending.remove(3) == "c")
        #expect(pending.isEmpty)
        #expect(pending.add("d") == 4)
    }

    @Test func aRequestLeftUnansweredMovesAsideAndIsStillFound() {
        var pending = PendingRequests<Int>(ringLimit: 8)
        let longPoll = pending.add(-1)
        for value in 0..<100 {
            let id = pending.add(value)
            #expect(pending.remove(id) == value)
        }
        #expect(pending.count == 1)
        #expect(pending.remove(longPoll) == -1)
        #expect(pending.isEmpty)
    }

    @Test func removeAllPicksFromTheRingAndFromAside() {
        var pending = PendingRequests<Int>(ringLimit: 4)
        for value in 0..<10 { _ = pending.add(value) }
        #expect(pending.removeAll { $0 % 2 == 0 }.sorted() == [0, 2, 4, 6, 8])
        #expect(pending.count == 5)
        #expect(pending.contains { $0 == 3 } && !pending.contains { $0 == 4 })
        #expect(pending.removeAll { _ in true }.sorted() == [1, 3, 5, 7, 9])
        #expect(pending.isEmpty)
    }

    /// Seeded random adds and answers in any order agree with a dictionary.
    @Test(arguments: [7, 8] as [UInt64]) func agreesWithADictionary(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        var pending = PendingRequests<Int>(ringLimit: 64)
        var reference: [UInt64: Int] = [:]
        for step in 0..<20_000 {
            if reference.isEmpty || Bool.random(using: &random) {
                reference[pending.add(step)] = step
            } else {
                let id = Bool.random(using: &random) ? reference.keys.randomElement(using: &random)!
                                                     : UInt64.random(in: 0...UInt64(step + 2), using: &random)
                #expect(pending.remove(id) == reference.removeValue(forKey: id))
            }
            #expect(pending.count == reference.count)
        }
    }
}
