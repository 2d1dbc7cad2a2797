import DLCore
import Testing

@Suite struct WriteAdmissionTests {
    let start = ContinuousClock.now

    @Test func aBucketLetsItsRateThroughAndRefillsWithTime() {
        var bucket = TokenBucket(rate: 100, now: start)
        let answer1 = bucket.allows(now: start)
        #expect(answer1)
        bucket.take(100)
        let answer2 = bucket.allows(now: start)
        #expect(!answer2, "a second's worth taken")
        let answer3 = bucket.allows(now: start + .milliseconds(0))
        #expect(!answer3)
        let answer4 = bucket.allows(now: start + .milliseconds(20))
        #expect(answer4, "two tokens back after 20 ms")
        bucket.take(500)
        let answer5 = bucket.allows(now: start + .seconds(4))
        #expect(!answer5, "a debt of about 498 tokens takes about 5 s to pay")
        let answer6 = bucket.allows(now: start + .seconds(6))
        #expect(answer6)
        #expect(bucket.tokens <= bucket.capacity, "never more than a second's worth")
    }

    @Test func aWriteOverAHardLevelIsRefusedAndTakesNothing() {
        var admission = WriteAdmission()
        admission.configure(.log("t/noisy"), WriteLimits(hardRecordsPerSecond: 10), now: start)
        admission.configure(.namespace("t"), WriteLimits(hardRecordsPerSecond: 1_000), now: start)
        let answer7 = admission.admit(log: "t/noisy", namespace: "t", records: 10, bytes: 100, now: start)
        #expect(answer7 == .admitted(overSoft: false))
        guard case let .refused(reason) = admission.admit(log: "t/noisy", namespace: "t", records: 1, bytes: 10, now: start) else {
            Issue.record("the eleventh record in the same instant went through")
            return
        }
        #expect(reason.contains("log t/noisy") && reason.contains("10 records/s"), "\(reason)")
        #expect(admission.counters[.log("t/noisy")]?.refused == 1)
        // The refused write took nothing from the namespace: another log of it still has 990.
        let answer8 = admission.admit(log: "t/quiet", namespace: "t", records: 990, bytes: 10, now: start)
        #expect(answer8 == .admitted(overSoft: false))
        guard case .refused = admission.admit(log: "t/quiet", namespace: "t", records: 1, bytes: 10, now: start) else {
            Issue.record("the namespace's limit did not hold")
            return
        }
        // A second later the log may write again.
        let answer9 = admission.admit(log: "t/noisy", namespace: "t", records: 1, bytes: 10, now: start + .seconds(1))
        #expect(answer9 == .admitted(overSoft: false))
    }

    @Test func aWriteOverASoftLevelIsCountedAndLetThrough() {
        var admission = WriteAdmission()
        admission.configure(.proxy, WriteLimits(softBytesPerSecond: 1_000), now: start)
        let answer10 = admission.admit(log: "t/a", namespace: "t", records: 1, bytes: 1_000, now: start)
        #expect(answer10 == .admitted(overSoft: false))
        let answer11 = admission.admit(log: "t/a", namespace: "t", records: 1, bytes: 10, now: start)
        #expect(answer11 == .admitted(overSoft: true))
        #expect(admission.totals.overSoft == 1 && admission.totals.refused == 0)
    }

    @Test func unchangedLimitsKeepTheirBucketAndNoneRemovesThem() {
        var admission = WriteAdmission()
        admission.configure(.log("t/a"), WriteLimits(hardBytesPerSecond: 100), now: start)
        let answer12 = admission.admit(log: "t/a", namespace: "t", records: 1, bytes: 100, now: start)
        #expect(answer12 == .admitted(overSoft: false))
        // Read again (a watch fired): the drained bucket stays drained.
        admission.configure(.log("t/a"), WriteLimits(hardBytesPerSecond: 100), now: start)
        guard case .refused = admission.admit(log: "t/a", namespace: "t", records: 1, bytes: 1, now: start) else {
            Issue.record("re-reading the same limits gave a fresh burst")
            return
        }
        admission.configure(.log("t/a"), .none, now: start)
        let answer13 = admission.admit(log: "t/a", namespace: "t", records: 1, bytes: 1, now: start)
        #expect(answer13 == .admitted(overSoft: false))
        #expect(admission.limits(of: .log("t/a")) == .none)
    }

    @Test func storedLimitsAreReadStrictly() throws {
        #expect(try WriteLimits(decoding: [], of: "log t/a") == .none)
        let limits = WriteLimits(softRecordsPerSecond: 10, hardBytesPerSecond: 5 * 1_048_576)
        #expect(try WriteLimits(decoding: limits.encoded(), of: "log t/a") == limits)
        #expect(limits.summary == "hard 5 MiB/s, soft 10 records/s")
        #expect(throws: WriteLimits.Malformed.self) { try WriteLimits(decoding: Array("not json".utf8), of: "log t/a") }
        #expect(throws: WriteLimits.Malformed.self) {
            try WriteLimits(decoding: Array(#"{"hardRecordsPerSecond": -5}"#.utf8), of: "log t/a")
        }
        #expect(WriteLimits(softRecordsPerSecond: 10, hardRecordsPerSecond: 5).problem != nil, "soft above hard")
    }
}
