import DLCore
import Testing
import TestSupport

@Suite struct AddQuorumTests {
    /// Drives the machine with every acknowledgement of `entries` entries in a seeded random
    /// order (with duplicates and replies from outside write sets mixed in), checking that
    /// completions come out once each, in order, exactly when their quorum and every earlier
    /// entry's quorum are in.
    func check(ensemble: Int, writeQuorum: Int, ackQuorum: Int, entries: Int, seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        var quorum = AddQuorum(ensembleSize: ensemble, writeQuorum: writeQuorum, ackQuorum: ackQuorum)
        let ids = (0..<entries).map { _ in quorum.send() }
        #expect(ids == (0..<Int64(entries)).map { $0 })
        var replies: [(Int64, Int)] = []
        for id in ids {
            for index in quorum.writeSet(id) { replies.append((id, index)) }
            replies.append((id, quorum.writeSet(id)[0]))
            if writeQuorum < ensemble {
                let outside = (0..<ensemble).first { !quorum.writeSet(id).contains($0) }!
                replies.append((id, outside))
            }
        }
        replies.shuffle(using: &random)
        var acked: [Int64: Set<Int>] = [:]
        var completed: [Int64] = []
        for (id, index) in replies {
            let done = quorum.acknowledge(entryId: id, bookieIndex: index)
            if quorum.writeSet(id).contains(index) { acked[id, default: []].insert(index) }
            completed += done
            // Expected: every entry up to the first without a quorum is complete.
            var expectedLAC: Int64 = -1
            while let set = acked[expectedLAC + 1], set.count >= ackQuorum { expectedLAC += 1 }
            #expect(quorum.lastAddConfirmed == expectedLAC)
            #expect(completed == Array(0..<(expectedLAC + 1)))
        }
        #expect(completed == ids)
        #expect(quorum.outstanding.isEmpty)
        #expect(quorum.acknowledge(entryId: Int64(entries), bookieIndex: 0).isEmpty)
        #expect(quorum.acknowledge(entryId: 0, bookieIndex: -1).isEmpty && quorum.acknowledge(entryId: 0, bookieIndex: ensemble).isEmpty)
        // Late replies after completion change nothing.
        #expect(quorum.acknowledge(entryId: 0, bookieIndex: quorum.writeSet(0)[0]).isEmpty)
    }

    @Test(arguments: [(3, 3, 2), (3, 2, 2), (5, 3, 2), (4, 4, 1), (1, 1, 1), (5, 5, 3)])
    func completionsAreInOrderUnderEveryResponseOrder(_ quorum: (Int, Int, Int)) {
        for seed in 0..<300 {
            check(ensemble: quorum.0, writeQuorum: quorum.1, ackQuorum: quorum.2, entries: 6, seed: UInt64(seed))
        }
    }

    @Test func exhaustiveOrdersForTwoEntries() {
        // Every permutation of the six acknowledgements of two entries at 3/3/2.
        let base: [(Int64, Int)] = [(0, 0), (0, 1), (0, 2), (1, 1), (1, 2), (1, 0)]
        func permutations(_ items: [(Int64, Int)]) -> [[(Int64, Int)]] {
            if items.count <= 1 { return [items] }
            return items.indices.flatMap { i -> [[(Int64, Int)]] in
                var rest = items
                let head = rest.remove(at: i)
                return permutations(rest).map { [head] + $0 }
            }
        }
        for order in permutations(base) {
            var quorum = AddQuorum(ensembleSize: 3, writeQuorum: 3, ackQuorum: 2)
            _ = quorum.send()
            _ = quorum.send()
            var completed: [Int64] = []
            var seen: [Int64: Int] = [:]
            for (id, index) in order {
                seen[id, default: 0] += 1
                let done = quorum.acknowledge(entryId: id, bookieIndex: index)
                completed += done
                if done.contains(1) { #expect(done.first == 0 || completed.first == 0) }
                if seen[0, default: 0] >= 2 { #expect(completed.contains(0)) }
            }
            #expect(completed == [0, 1])
        }
    }

    @Test func replacingABookieDropsItsAcknowledgements() {
        var quorum = AddQuorum(ensembleSize: 3, writeQuorum: 3, ackQuorum: 2)
        for _ in 0..<3 { _ = quorum.send() }
        #expect(quorum.acknowledge(entryId: 0, bookieIndex: 0).isEmpty)
        #expect(quorum.acknowledge(entryId: 1, bookieIndex: 0).isEmpty)
        #expect(quorum.replace(bookieIndex: 0) == [0, 1, 2])
        // Index 0's earlier acks no longer count: two more are needed.
        #expect(quorum.acknowledge(entryId: 0, bookieIndex: 1).isEmpty)
        #expect(Array(quorum.acknowledge(entryId: 0, bookieIndex: 0)) == [0])
        #expect(quorum.lastAddConfirmed == 0)
    }
}

@Suite struct RecoveryRulesTests {
    typealias Fence = RecoveryRules.FenceReply

    @Test func fencingNeedsEveryWriteSetBelowTheAckQuorumUnknown() {
        let known = Fence.lastEntry(entryId: 5, lastAddConfirmed: 4)
        #expect(RecoveryRules.fencedEnough([known, known, .unknown], writeQuorum: 3, ackQuorum: 2))
        #expect(!RecoveryRules.fencedEnough([known, .unknown, .unknown], writeQuorum: 3, ackQuorum: 2))
        #expect(RecoveryRules.fencedEnough([.empty, known, .unknown], writeQuorum: 3, ackQuorum: 2))
        // E=5, Qw=3, Qa=2: unknown bookies 0 and 2 share the write set {0,1,2}.
        #expect(!RecoveryRules.fencedEnough([.unknown, known, .unknown, known, known], writeQuorum: 3, ackQuorum: 2))
        #expect(RecoveryRules.fencedEnough([.unknown, known, known, .unknown, known], writeQuorum: 3, ackQuorum: 2) == false)
        #expect(RecoveryRules.fencedEnough([.unknown, known, known, known, known], writeQuorum: 3, ackQuorum: 2))
        #expect(RecoveryRules.lastAddConfirmed([known, .empty, .lastEntry(entryId: 9, lastAddConfirmed: 7)]) == 7)
        #expect(RecoveryRules.lastAddConfirmed([.empty, .unknown]) == -1)
    }

    @Test func anEntryIsMissingOnlyOnEnoughExplicitNegatives() {
        #expect(RecoveryRules.verdict([.missing, .missing, .unknown], writeQuorum: 3, ackQuorum: 2) == .missing)
        #expect(RecoveryRules.verdict([.missing, .unknown, .unknown], writeQuorum: 3, ackQuorum: 2) == .undecided)
        #expect(RecoveryRules.verdict([.missing, .missing, .found], writeQuorum: 3, ackQuorum: 2) == .found)
        #expect(RecoveryRules.verdict([.unknown, .unknown, .unknown], writeQuorum: 3, ackQuorum: 2) == .undecided)
        #expect(RecoveryRules.verdict([.missing, .unknown], writeQuorum: 2, ackQuorum: 2) == .missing)
        #expect(RecoveryRules.verdict([.missing, .missing, .unknown], writeQuorum: 3, ackQuorum: 1) == .undecided)
    }
}
