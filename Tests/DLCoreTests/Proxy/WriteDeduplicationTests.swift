import DLCore
import Testing

@Suite struct WriteDeduplicationTests {
    static func origin(_ session: UInt64, _ sequence: UInt64) -> WriteOrigin { WriteOrigin(session: session, sequence: sequence) }

    @Test func aRetriedWriteGetsItsOriginalDLSNs() {
        var dedup = WriteDeduplication()
        let first = dedup.check(Self.origin(1, 0))
        #expect(first == .append)
        let early = dedup.check(Self.origin(1, 0))
        #expect(early == .inFlight, "retried before the first attempt finished")
        dedup.appended(Self.origin(1, 0), at: [DLSN(1, 0, 0), DLSN(1, 0, 1)])
        let retry = dedup.check(Self.origin(1, 0))
        #expect(retry == .duplicate([DLSN(1, 0, 0), DLSN(1, 0, 1)]))
        let other = dedup.check(Self.origin(2, 0))
        #expect(other == .append, "another session's write 0 is its own")
    }

    @Test func aFailedWriteIsAppendedOnRetry() {
        var dedup = WriteDeduplication()
        _ = dedup.check(Self.origin(1, 5))
        dedup.failed(Self.origin(1, 5))
        let retry = dedup.check(Self.origin(1, 5))
        #expect(retry == .append)
    }

    @Test func onlyTheLastWindowOfWritesIsRemembered() {
        var dedup = WriteDeduplication(window: 3)
        for sequence in UInt64(0)..<5 {
            _ = dedup.check(Self.origin(1, sequence))
            dedup.appended(Self.origin(1, sequence), at: [DLSN(1, Int64(sequence), 0)])
        }
        let recent = dedup.check(Self.origin(1, 4))
        #expect(recent == .duplicate([DLSN(1, 4, 0)]))
        let oldestKept = dedup.check(Self.origin(1, 2))
        #expect(oldestKept == .duplicate([DLSN(1, 2, 0)]))
        let dropped = dedup.check(Self.origin(1, 1))
        #expect(dropped == .forgotten(oldestKnown: 2), "never appended twice, and never said to be new")
    }

    @Test func aSessionsWritesAreAppendedInTheirOrder() {
        var dedup = WriteDeduplication()
        let first = dedup.check(Self.origin(1, 0))
        #expect(first == .append, "the first write seen of a session starts it")
        let skipped = dedup.check(Self.origin(1, 2))
        #expect(skipped == .gap(expected: 1), "write 2 before write 1 was seen")
        let next = dedup.check(Self.origin(1, 1))
        #expect(next == .append)
        dedup.failed(Self.origin(1, 1))
        let afterFailure = dedup.check(Self.origin(1, 2))
        #expect(afterFailure == .gap(expected: 1), "write 1 failed: write 2 waits for its retry")
        dedup.appended(Self.origin(1, 0), at: [DLSN(1, 0, 0)])
        dedup.failed(Self.origin(1, 0))
        let firstAgain = dedup.check(Self.origin(1, 0))
        #expect(firstAgain == .duplicate([DLSN(1, 0, 0)]), "a failure reported late does not undo an append")
    }

    @Test func aNewOwnerLearnsWritesFromTheLog() {
        var dedup = WriteDeduplication()
        dedup.learned(Self.origin(7, 3), at: [DLSN(4, 2, 0)])
        let retry = dedup.check(Self.origin(7, 3))
        #expect(retry == .duplicate([DLSN(4, 2, 0)]))
        let next = dedup.check(Self.origin(7, 4))
        #expect(next == .append)
    }

    @Test func idleSessionsAreForgottenFirstAndNoneWithAWriteInFlight() {
        var dedup = WriteDeduplication(window: 4, maxSessions: 2)
        _ = dedup.check(Self.origin(1, 0))                       // in flight: kept
        _ = dedup.check(Self.origin(2, 0))
        dedup.appended(Self.origin(2, 0), at: [DLSN(1, 0, 0)])
        _ = dedup.check(Self.origin(3, 0))                       // a third session: session 2 (idle, oldest) goes
        dedup.appended(Self.origin(3, 0), at: [DLSN(1, 1, 0)])
        #expect(dedup.sessionCount == 2)
        let inFlight = dedup.check(Self.origin(1, 0))
        #expect(inFlight == .inFlight)
        let forgotten = dedup.check(Self.origin(2, 0))
        #expect(forgotten == .append, "a forgotten session starts over")
    }
}
