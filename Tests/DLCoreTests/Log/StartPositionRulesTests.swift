import DLCore
import Testing

@Suite struct StartPositionRulesTests {
    static func segment(_ sequence: Int64, completedAt lastRecord: DLSN?, records: Int64 = 1, sealed: Bool = false) -> SegmentMetadata {
        let open = SegmentMetadata(sequenceNumber: sequence, ledgerId: sequence, firstTxId: 0, startSequenceId: 0, createdAtMillis: 0)
        return open.completed(lastTxId: records, lastDLSN: lastRecord, recordCount: records, length: 1, atMillis: 1,
                              endOfStream: sealed)
    }

    @Test func aCompletedSegmentEndsAfterItsLastEntry() {
        let segments = [Self.segment(1, completedAt: DLSN(1, 4, 2))]
        #expect(StartPositionRules.place(DLSN(1, 4, 9), in: segments, lastEntryId: 4) == .within)
        #expect(StartPositionRules.place(DLSN(1, 5, 0), in: segments, lastEntryId: 4) == .within)
        #expect(StartPositionRules.place(DLSN(1, 5, 1), in: segments, lastEntryId: 4)
            == .pastSegment(segment: 1, lastEntryId: 4, lastRecord: DLSN(1, 4, 2)))
        #expect(StartPositionRules.place(DLSN(1, 6, 0), in: segments, lastEntryId: 4)
            == .pastSegment(segment: 1, lastEntryId: 4, lastRecord: DLSN(1, 4, 2)))
        #expect(StartPositionRules.place(DLSN(2, 0, 0), in: segments, lastEntryId: nil) == .within)
        #expect(StartPositionRules.place(DLSN(2, 0, 1), in: segments, lastEntryId: nil) == .pastLog(lastSegment: 1, sealed: false))
        #expect(StartPositionRules.place(DLSN(3, 0, 0), in: segments, lastEntryId: nil) == .pastLog(lastSegment: 1, sealed: false))
    }

    @Test func anInProgressSegmentTakesAnyEntry() {
        let segments = [SegmentMetadata(sequenceNumber: 1, ledgerId: 1, firstTxId: 0, startSequenceId: 0, createdAtMillis: 0)]
        #expect(StartPositionRules.place(DLSN(1, 1_000_000, 0), in: segments, lastEntryId: nil) == .within)
        #expect(StartPositionRules.place(DLSN(2, 0, 0), in: segments, lastEntryId: nil) == .within)
        #expect(StartPositionRules.place(DLSN(2, 1, 0), in: segments, lastEntryId: nil) == .pastLog(lastSegment: 1, sealed: false))
    }

    @Test func aSealedLogEndsRightAfterItsEndOfStreamEntry() {
        let segments = [Self.segment(1, completedAt: DLSN(1, 0, 99), records: 100), Self.segment(2, completedAt: nil, records: 0, sealed: true)]
        #expect(StartPositionRules.place(DLSN(2, 0, 0), in: segments, lastEntryId: 0) == .within, "the end-of-stream record itself")
        #expect(StartPositionRules.place(DLSN(2, 1, 0), in: segments, lastEntryId: 0) == .sealedEnd)
        #expect(StartPositionRules.place(DLSN(3, 0, 0), in: segments, lastEntryId: nil) == .sealedEnd)
        #expect(StartPositionRules.place(DLSN(3, 0, 1), in: segments, lastEntryId: nil) == .pastLog(lastSegment: 2, sealed: true))
        #expect(StartPositionRules.place(DLSN(2, 1, 1), in: segments, lastEntryId: 0)
            == .pastSegment(segment: 2, lastEntryId: 0, lastRecord: nil))
    }

    @Test func anEmptyLogStartsAtTheInitialPosition() {
        #expect(StartPositionRules.place(DLSN(1, 0, 0), in: [], lastEntryId: nil) == .within)
        #expect(StartPositionRules.place(DLSN(1, 0, 1), in: [], lastEntryId: nil) == .pastLog(lastSegment: 0, sealed: false))
    }
}
