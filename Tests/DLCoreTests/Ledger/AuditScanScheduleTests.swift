import DLCore
import Testing

@Suite struct AuditScanScheduleTests {
    @Test func theLedgersAreReadWhenTheBookiesChangeWhileOneIsMissingAndEachRefresh() {
        var schedule = AuditScanSchedule(refresh: .seconds(60))
        let t0 = ContinuousClock.now
        let all: Set = ["a", "b", "c"]
        // (registered, a bookie missing, seconds after t0, whether the round reads the ledgers)
        let rounds: [(Set<String>, Bool, Int64, Bool, String)] = [
            (all, false, 0, true, "the first round reads"),
            (all, false, 1, false, "nothing changed"),
            (all, false, 59, false, "nothing changed"),
            (["a", "b"], false, 59, true, "c left"),
            (["a", "b"], true, 60, true, "c is missing: every round"),
            (["a", "b"], true, 61, true, "c is missing: every round"),
            (["a", "b"], false, 62, false, "nobody names c any more"),
            (["a", "b"], false, 122, true, "the refresh"),
            (all, false, 123, true, "c is back"),
        ]
        for (registered, anyMissing, seconds, expected, why) in rounds {
            let due = schedule.due(registered: registered, anyMissing: anyMissing, now: t0 + .seconds(seconds))
            #expect(due == expected, "at \(seconds) s: \(why)")
        }
    }
}
