import DLCore
import Foundation
import Testing

@Suite struct SegmentMetadataTests {
    static let base = SegmentMetadata(sequenceNumber: 3, ledgerId: 17, firstTxId: 100, startSequenceId: 500, createdAtMillis: 1)

    @Test func roundTripsInProgressAndCompleted() throws {
        #expect(try SegmentMetadata(decoding: Self.base.encoded()) == Self.base)
        let done = Self.base.completed(lastTxId: 150, lastDLSN: DLSN(3, 9, 4), recordCount: 51, length: 4096, atMillis: 2)
        #expect(try SegmentMetadata(decoding: done.encoded()) == done)
        #expect(done.state == .completed)
        #expect(SegmentMetadata.nodeName(3) == "segment-0000000000000000003")
        #expect(SegmentMetadata.nodeName(10) > SegmentMetadata.nodeName(9))
    }

    @Test func rejectsBrokenRecords() {
        let text = String(decoding: Self.base.encoded(), as: UTF8.self)
        for (broken, why) in [
            ("", "empty"), ("[]", "array"), ("{}", "no version"), (#"{"formatVersion":2}"#, "newer version"),
            (text.replacingOccurrences(of: #""ledgerId":17"#, with: #""ledgerId":"x""#), "wrong type"),
            (text.replacingOccurrences(of: #""sequenceNumber":3"#, with: #""sequenceNumber":0"#), "sequence 0"),
            (text.replacingOccurrences(of: #""state":"in-progress""#, with: #""state":"exploded""#), "unknown state"),
            (text.replacingOccurrences(of: #""truncation":"none""#, with: #""truncation":"truncated""#), "truncated in progress"),
            (String(text.dropLast(5)), "cut"),
        ] {
            #expect(throws: ModelError.self, "\(why)") { try SegmentMetadata(decoding: Array(broken.utf8)) }
        }
        var wrongSegment = Self.base.completed(lastTxId: 150, lastDLSN: DLSN(4, 0, 0), recordCount: 1, length: 1, atMillis: 2)
        #expect(throws: ModelError.self) { try wrongSegment.validate() }
        wrongSegment = Self.base.completed(lastTxId: 99, lastDLSN: DLSN(3, 0, 0), recordCount: 1, length: 1, atMillis: 2)
        #expect(throws: ModelError.self) { try wrongSegment.validate() }
    }
}

@Suite struct LedgerMetadataTests {
    static let base = LedgerMetadata(ensembleSize: 3, writeQuorum: 3, ackQuorum: 2, ensemble: ["a:1", "b:1", "c:1"],
                                     ledgerKeyHex: "00ff", createdAtMillis: 5, customMetadata: ["log": "t/a"])

    @Test func roundTripsAndStripesWrites() throws {
        #expect(try LedgerMetadata(decoding: Self.base.encoded()) == Self.base)
        let striped = LedgerMetadata(ensembleSize: 5, writeQuorum: 3, ackQuorum: 2, ensemble: ["a", "b", "c", "d", "e"],
                                     ledgerKeyHex: "", createdAtMillis: 0)
        #expect(striped.writeSet(for: 0) == [0, 1, 2])
        #expect(striped.writeSet(for: 4) == [4, 0, 1])
        var changed = Self.base
        changed.ensembles.append(.init(firstEntryId: 10, bookies: ["a:1", "d:1", "c:1"]))
        #expect(changed.ensemble(for: 9).bookies == ["a:1", "b:1", "c:1"])
        #expect(changed.ensemble(for: 10).bookies == ["a:1", "d:1", "c:1"])
        #expect(try LedgerMetadata(decoding: changed.encoded()) == changed)
    }

    @Test func rejectsImpossibleQuorumsAndEnsembles() {
        var bad = Self.base
        bad.ackQuorum = 4
        #expect(throws: ModelError.self) { try LedgerMetadata(decoding: bad.encoded()) }
        bad = Self.base
        bad.ensembles[0].bookies = ["a:1", "a:1", "c:1"]
        #expect(throws: ModelError.self) { try LedgerMetadata(decoding: bad.encoded()) }
        bad = Self.base
        bad.ensembles.append(.init(firstEntryId: 0, bookies: ["a:1", "b:1", "c:1"]))
        #expect(throws: ModelError.self) { try LedgerMetadata(decoding: bad.encoded()) }
        bad = Self.base
        bad.ensembles[0].bookies = ["a:1"]
        #expect(throws: ModelError.self) { try LedgerMetadata(decoding: bad.encoded()) }
        bad = Self.base
        bad.ensembles = []
        #expect(throws: ModelError.self) { try LedgerMetadata(decoding: bad.encoded()) }
        #expect(throws: ModelError.unsupportedVersion(what: "ledger metadata", found: 9)) {
            try LedgerMetadata(decoding: Array(#"{"formatVersion":9}"#.utf8))
        }
    }
}
