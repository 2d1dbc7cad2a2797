import DLCore
import Testing

@Suite struct HistoryCheckerTests {
    typealias Read = History.Read

    /// Two writers, w1 given 3 records (all acknowledged) and w2 given 2 (the second unknown,
    /// and in the log); the log as the final read; one reader that read all of it.
    func clean() -> History {
        let final = [Read(DLSN(1, 0, 0), "w1:1"), Read(DLSN(1, 0, 1), "w2:1"), Read(DLSN(1, 1, 0), "w1:2"),
                     Read(DLSN(2, 0, 0), "w1:3"), Read(DLSN(2, 1, 0), "w2:2")]
        return History(
            writers: [History.Writer(id: "w1", invoked: ["w1:1", "w1:2", "w1:3"],
                                     acknowledged: ["w1:1": DLSN(1, 0, 0), "w1:2": DLSN(1, 1, 0), "w1:3": DLSN(2, 0, 0)]),
                      History.Writer(id: "w2", invoked: ["w2:1", "w2:2"], acknowledged: ["w2:1": DLSN(1, 0, 1)])],
            readers: [History.Reader(id: "r1", reads: final), History.Reader(id: "r2", reads: Array(final.prefix(2)))],
            final: final)
    }

    @Test func aCleanHistoryHasNoViolation() {
        let report = HistoryChecker().check(clean())
        #expect(report.violations.isEmpty, "\(report.violations)")
        #expect(report.acknowledged == 4 && report.unknown == 1 && report.unknownPresent == 1)
        #expect(report.reads == 7 && report.finalRecords == 5)
    }

    @Test func anUnknownRecordMayBeAbsent() {
        var history = clean()
        history.final.removeLast()
        history.readers = [History.Reader(id: "r1", reads: history.final)]
        let report = HistoryChecker().check(history)
        #expect(report.violations.isEmpty && report.unknownPresent == 0, "\(report.violations)")
    }

    @Test func anAcknowledgedRecordMissingIsLost() {
        var history = clean()
        history.final.remove(at: 2)
        history.readers = []
        #expect(HistoryChecker().check(history).violations == [.lostAcknowledged(writer: "w1", payload: "w1:2", acknowledgedAt: DLSN(1, 1, 0))])
    }

    @Test func aRecordTwiceInTheLogIsAppendedTwiceEvenWhenUnknown() {
        var history = clean()
        history.final.append(Read(DLSN(3, 0, 0), "w2:2"))
        history.readers = []
        #expect(HistoryChecker().check(history).violations == [.appendedTwice(payload: "w2:2", at: [DLSN(2, 1, 0), DLSN(3, 0, 0)])])
    }

    @Test func anAcknowledgementAtAnotherPositionIsReported() {
        var history = clean()
        history.writers[0].acknowledged["w1:3"] = DLSN(2, 0, 1)
        #expect(HistoryChecker().check(history).violations
                == [.acknowledgedElsewhere(writer: "w1", payload: "w1:3", acknowledgedAt: DLSN(2, 0, 1), foundAt: DLSN(2, 0, 0))])
    }

    @Test func aWritersRecordsOutOfItsOrderAreReported() {
        var history = clean()
        // w1:2 and w1:3 swapped in the log (and their acknowledgements with them).
        history.final[2].payload = "w1:3"
        history.final[3].payload = "w1:2"
        history.writers[0].acknowledged = ["w1:1": DLSN(1, 0, 0), "w1:3": DLSN(1, 1, 0), "w1:2": DLSN(2, 0, 0)]
        history.readers = []
        #expect(HistoryChecker().check(history).violations
                == [.outOfWriterOrder(writer: "w1", earlier: Read(DLSN(2, 0, 0), "w1:2"), later: Read(DLSN(1, 1, 0), "w1:3"))])
    }

    @Test func aRecordNoOneWroteIsReportedWhereverItIsRead() {
        var history = clean()
        let stranger = Read(DLSN(3, 0, 0), "x:1")
        history.final.append(stranger)
        history.readers = [History.Reader(id: "r1", reads: history.final)]
        #expect(HistoryChecker().check(history).violations
                == [.neverWritten(by: "the final read", read: stranger), .neverWritten(by: "r1", read: stranger)])
    }

    @Test func theFinalReadMustBeInDLSNOrder() {
        var history = clean()
        history.final.swapAt(3, 4)
        history.readers = []
        let violations = HistoryChecker().check(history).violations
        #expect(violations.contains(.finalOutOfOrder(previous: Read(DLSN(2, 1, 0), "w2:2"), next: Read(DLSN(2, 0, 0), "w1:3"))), "\(violations)")
    }

    @Test func aReaderThatSkipsARecordHasAGap() {
        var history = clean()
        history.readers = [History.Reader(id: "r1", reads: [history.final[0], history.final[2], history.final[3]])]
        #expect(HistoryChecker().check(history).violations == [.gap(reader: "r1", skipped: history.final[1], nextRead: history.final[2])])
    }

    @Test func aReaderThatStartsLateHasAGapToo() {
        var history = clean()
        history.readers = [History.Reader(id: "r1", reads: Array(history.final.dropFirst()))]
        #expect(HistoryChecker().check(history).violations == [.gap(reader: "r1", skipped: history.final[0], nextRead: history.final[1])])
    }

    @Test func aReaderThatReadsARecordTwiceIsReported() {
        var history = clean()
        history.readers = [History.Reader(id: "r1", reads: [history.final[0], history.final[1], history.final[1], history.final[2]])]
        #expect(HistoryChecker().check(history).violations == [.readTwice(reader: "r1", payload: "w2:1", at: [DLSN(1, 0, 1), DLSN(1, 0, 1)])])
    }

    @Test func aReaderThatSawOtherContentsAtADLSNIsReported() {
        var history = clean()
        let wrong = Read(DLSN(1, 0, 1), "w1:3")
        history.readers = [History.Reader(id: "r1", reads: [history.final[0], wrong])]
        let violations = HistoryChecker().check(history).violations
        #expect(violations.contains(.differentAtPosition(reader: "r1", read: wrong, log: history.final[1])), "\(violations)")
        let nowhere = Read(DLSN(1, 5, 0), "w1:2")
        history.readers = [History.Reader(id: "r2", reads: [history.final[0], history.final[1], nowhere])]
        #expect(HistoryChecker().check(history).violations.contains(.differentAtPosition(reader: "r2", read: nowhere, log: nil)))
        let beyond = Read(DLSN(9, 0, 0), "w2:2")
        history.readers = [History.Reader(id: "r3", reads: history.final + [beyond])]
        #expect(HistoryChecker().check(history).violations.contains(.beyondTheLog(reader: "r3", read: beyond)))
    }

    @Test func filesAreParsedAndACutOffLastLineIsLeftOut() throws {
        let writer = try History.writer(id: "w1", invoked: "w1:1\nw1:2\nw1:3\n", acks: "2\t1,0,1\n1\t1,0,0\n3\t1,1", acksFile: "w1.acks")
        #expect(writer.invoked == ["w1:1", "w1:2", "w1:3"])
        #expect(writer.acknowledged == ["w1:1": DLSN(1, 0, 0), "w1:2": DLSN(1, 0, 1)])
        let reads = try History.reads("1,0,0\tw1:1\n1,0,1\tw1:2\twith a tab\n1,1,0\tw1:", file: "r1.out")
        #expect(reads == [Read(DLSN(1, 0, 0), "w1:1"), Read(DLSN(1, 0, 1), "w1:2\twith a tab")])
        #expect(throws: History.Malformed.self) { try History.writer(id: "w", invoked: "a\n", acks: "2\t1,0,0\n", acksFile: "w.acks") }
        #expect(throws: History.Malformed.self) { try History.reads("1,0\tx\n", file: "r.out") }
        let error = #expect(throws: History.Malformed.self) { try History.reads("1,0,0\tx\nnot a line\n", file: "r.out") }
        #expect(error?.description == "r.out line 2: not 'DLSN<TAB>PAYLOAD'")
    }
}
