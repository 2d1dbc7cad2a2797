import DLCore
import Testing

/// Where a ledger's entries should be: fragments, the entries a bookie of one holds, the
/// fragments of lost bookies and their replacements.
@Suite struct ReplicaRulesTests {
    private func ledger(_ e: Int, _ qw: Int, _ qa: Int, _ ensembles: [(Int64, [String])], last: Int64) -> LedgerMetadata {
        var metadata = LedgerMetadata(ensembleSize: e, writeQuorum: qw, ackQuorum: qa, ensemble: ensembles[0].1,
                                      ledgerKeyHex: "00", createdAtMillis: 0)
        metadata.ensembles = ensembles.map { LedgerMetadata.Ensemble(firstEntryId: $0.0, bookies: $0.1) }
        metadata.lastEntryId = last
        metadata.state = .closed
        return metadata
    }

    @Test func fragmentsFollowTheEnsembles() {
        let metadata = ledger(3, 3, 2, [(0, ["a", "b", "c"]), (10, ["a", "d", "c"])], last: 14)
        let fragments = ReplicaRules.fragments(of: metadata, through: metadata.lastEntryId)
        #expect(fragments.map { "\($0.bookie):\($0.firstEntryId)-\($0.lastEntryId)" }
                == ["a:0-9", "b:0-9", "c:0-9", "a:10-14", "d:10-14", "c:10-14"])
        // Qw = E: each bookie of an ensemble holds every entry of its range.
        #expect(ReplicaRules.entries(of: fragments[1], in: metadata) == Array(0...9))
        #expect(ReplicaRules.fragments(on: ["b"], of: metadata, through: 14).map(\.bookie) == ["b"])
        #expect(ReplicaRules.references(metadata, "d") && !ReplicaRules.references(metadata, "e"))
    }

    @Test func stripedWritesHoldEveryOtherEntry() {
        // E 3, Qw 2: entry e goes to indexes e mod 3 and (e + 1) mod 3.
        let metadata = ledger(3, 2, 2, [(0, ["a", "b", "c"])], last: 5)
        let fragments = ReplicaRules.fragments(of: metadata, through: 5)
        #expect(ReplicaRules.entries(of: fragments[0], in: metadata) == [0, 2, 3, 5])
        #expect(ReplicaRules.entries(of: fragments[1], in: metadata) == [0, 1, 3, 4])
        #expect(ReplicaRules.entries(of: fragments[2], in: metadata) == [1, 2, 4, 5])
    }

    @Test func emptyLedgersAndEnsemblesHaveNoFragments() {
        let empty = ledger(3, 3, 2, [(0, ["a", "b", "c"])], last: -1)
        #expect(ReplicaRules.fragments(of: empty, through: -1).isEmpty)
        // An ensemble change at the last entry + 1 leaves an empty last ensemble.
        let changed = ledger(3, 3, 2, [(0, ["a", "b", "c"]), (5, ["a", "b", "d"])], last: 4)
        #expect(!ReplicaRules.fragments(of: changed, through: 4).contains { $0.bookie == "d" })
        // One entry striped over a larger ensemble: only its write set holds it.
        let single = ledger(4, 2, 2, [(0, ["a", "b", "c", "d"])], last: 0)
        #expect(ReplicaRules.fragments(of: single, through: 0).map(\.bookie) == ["a", "b"])
    }

    @Test func aReplacementIsOutsideTheEnsembleAndTheMetadataChangesOnlyThere() throws {
        let metadata = ledger(3, 3, 2, [(0, ["a", "b", "c"]), (10, ["a", "d", "c"])], last: 14)
        let lost = try #require(ReplicaRules.fragments(on: ["a"], of: metadata, through: 14).first)
        let chosen = try #require(ReplicaRules.replacement(for: lost, of: metadata, ledgerId: 7, candidates: ["b", "c", "d", "e"]))
        #expect(["d", "e"].contains(chosen))
        #expect(ReplicaRules.replacement(for: lost, of: metadata, ledgerId: 7, candidates: ["b", "c"]) == nil)
        let updated = try #require(ReplicaRules.replacing(lost, with: "e", in: metadata))
        #expect(updated.ensembles.map(\.bookies) == [["e", "b", "c"], ["a", "d", "c"]])
        // Already replaced (by another worker): no second change.
        #expect(ReplicaRules.replacing(lost, with: "d", in: updated) == nil)
        // Spread: different ledgers pick different bookies.
        let picks = Set((0..<10).compactMap { ReplicaRules.replacement(for: lost, of: metadata, ledgerId: $0, candidates: ["d", "e", "f"]) })
        #expect(picks.count > 1)
    }
}
