@testable import Bookie
import Testing
import TestSupport

@Suite struct EntryLocationsTests {
    @Test func aRunOfIdsWithHolesReadsBackAndReportsWhatEachWriteReplaced() {
        var locations = EntryLocations<String>()
        #expect(locations[0] == nil)
        #expect(locations.updateValue("a", forKey: 10) == nil)
        #expect(locations.updateValue("b", forKey: 12) == nil)
        #expect(locations[10] == "a" && locations[11] == nil && locations[12] == "b")
        #expect(locations.updateValue("c", forKey: 10) == "a")
        #expect(locations.updateValue(nil, forKey: 12) == "b")
        #expect(locations[12] == nil)
        #expect(locations.all.map(\.id) == [10])
    }

    @Test func idsFarOutsideTheRunAndBeforeItAreKeptToo() {
        var locations = EntryLocations<Int>()
        locations[100] = 1
        locations[99] = 2
        locations[100 + EntryLocations<Int>.maxGap * 4] = 3
        locations[Int64.max] = 4
        locations[101] = 5
        #expect(locations[99] == 2 && locations[100] == 1 && locations[101] == 5)
        #expect(locations[100 + EntryLocations<Int>.maxGap * 4] == 3 && locations[Int64.max] == 4)
        #expect(Array(locations.all.map(\.id).prefix(2)) == [100, 101])
        #expect(Set(locations.all.map(\.id)) == [99, 100, 101, 100 + EntryLocations<Int>.maxGap * 4, Int64.max])
        #expect(locations.all.count == 5)
    }

    /// Seeded random writes and removals agree with a dictionary at every step.
    @Test(arguments: [1, 2, 3] as [UInt64]) func agreesWithADictionary(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        var locations = EntryLocations<Int>()
        var reference: [Int64: Int] = [:]
        for step in 0..<20_000 {
            let id: Int64 = switch Int.random(in: 0..<10, using: &random) {
            case 0: Int64.random(in: -5...Int64.max / 2, using: &random)
            case 1: Int64.random(in: 0...200_000, using: &random)
            default: Int64(step / 2) + Int64.random(in: -3...3, using: &random)
            }
            let value: Int? = Int.random(in: 0..<8, using: &random) == 0 ? nil : step
            let replaced = reference[id]
            reference[id] = value
            #expect(locations.updateValue(value, forKey: id) == replaced)
            let probe = Int64.random(in: -5...Int64(step), using: &random)
            #expect(locations[probe] == reference[probe])
        }
        #expect(Dictionary(uniqueKeysWithValues: locations.all.map { ($0.id, $0.location) }) == reference)
    }
}
