import DLCore
import Testing

@Suite struct LogOwnershipTests {
    let start = ContinuousClock.now

    @Test func aNewLogIsAcquiredThenServedAfterRecovery() {
        var ownership = LogOwnership(address: "127.0.0.1:4181")
        let answer1 = ownership.decide("t/a", now: start)
        #expect(answer1 == .acquire)
        // Asked again while the lock is being taken, and while recovering: not ready, same proxy.
        guard case .notReady = ownership.decide("t/a", now: start) else { Issue.record("not ready while acquiring"); return }
        ownership.lockTaken("t/a")
        guard case .notReady = ownership.decide("t/a", now: start) else { Issue.record("not ready while recovering"); return }
        ownership.recovered("t/a", now: start)
        let answer2 = ownership.decide("t/a", now: start)
        #expect(answer2 == .serve)
        #expect(ownership.ownedLogs == ["t/a"])
    }

    @Test func aLogHeldElsewhereIsRedirectedWithoutTouchingItAgain() {
        var ownership = LogOwnership(address: "127.0.0.1:4181")
        let answer3 = ownership.decide("t/a", now: start)
        #expect(answer3 == .acquire)
        let answer4 = ownership.lockHeld("t/a", by: "127.0.0.2:4181")
        #expect(answer4 == .redirect(to: "127.0.0.2:4181"))
        let answer5 = ownership.decide("t/a", now: start)
        #expect(answer5 == .redirect(to: "127.0.0.2:4181"), "known owner: no lock attempt")
        // The owner died (the client could not reach it): the next request tries the lock.
        ownership.ownerFailed("t/a", owner: "127.0.0.2:4181")
        let answer6 = ownership.decide("t/a", now: start)
        #expect(answer6 == .acquire)
    }

    @Test func aProxyNeverRedirectsToItself() {
        var ownership = LogOwnership(address: "127.0.0.1:4181")
        _ = ownership.decide("t/a", now: start)
        guard case .notReady = ownership.lockHeld("t/a", by: "127.0.0.1:4181") else {
            Issue.record("its own earlier session holds the lock: wait, do not redirect")
            return
        }
        #expect(ownership.owners["t/a"] == nil)
        let answer7 = ownership.decide("t/a", now: start)
        #expect(answer7 == .acquire, "tried again once asked again")
    }

    @Test func aDrainingProxyKeepsItsLogsAndTakesNoNewOnes() {
        var ownership = LogOwnership(address: "p1")
        _ = ownership.decide("t/a", now: start)
        ownership.lockTaken("t/a")
        ownership.recovered("t/a", now: start)
        ownership.draining = true
        let answer8 = ownership.decide("t/a", now: start)
        #expect(answer8 == .serve)
        guard case .unavailable = ownership.decide("t/b", now: start) else { Issue.record("a new log while draining"); return }
        #expect(ownership.states["t/b"] == nil)
    }

    @Test func aFencedOrLostLogIsDroppedAndReleasesFinish() {
        var ownership = LogOwnership(address: "p1")
        for log in ["t/a", "t/b"] {
            _ = ownership.decide(log, now: start)
            ownership.lockTaken(log)
            ownership.recovered(log, now: start)
        }
        ownership.dropped("t/a")
        let answer9 = ownership.decide("t/a", now: start)
        #expect(answer9 == .acquire, "fenced: it must find out who owns it now")
        let answer10 = ownership.startRelease("t/b")
        #expect(answer10)
        guard case .unavailable = ownership.decide("t/b", now: start) else { Issue.record("answered while releasing"); return }
        let answer11 = ownership.startRelease("t/b")
        #expect(!answer11, "already releasing")
        ownership.dropped("t/b")
        #expect(ownership.ownedLogs.isEmpty)
    }

    @Test func idleLogsAreTheOwnedOnesNotAskedForLately() {
        var ownership = LogOwnership(address: "p1")
        for log in ["t/a", "t/b", "t/c"] {
            _ = ownership.decide(log, now: start)
            ownership.lockTaken(log)
            ownership.recovered(log, now: start)
        }
        _ = ownership.decide("t/b", now: start + .seconds(50))
        _ = ownership.startRelease("t/c")
        #expect(ownership.idleLogs(now: start + .seconds(60), idle: .seconds(30)) == ["t/a"])
        #expect(ownership.idleLogs(now: start + .seconds(90), idle: .seconds(30)) == ["t/a", "t/b"])
    }
}

extension LogOwnershipTests {
    @Test func aProxyAtItsLogLimitTakesNoNewLogsAndKeepsServingItsOwn() {
        var ownership = LogOwnership(address: "127.0.0.1:4181")
        ownership.maxLogs = 1
        let answer1 = ownership.decide("t/a", now: start)
        #expect(answer1 == .acquire)
        ownership.lockTaken("t/a")
        ownership.recovered("t/a", now: start)
        guard case .unavailable = ownership.decide("t/b", now: start) else { Issue.record("a second log past the limit"); return }
        let answer2 = ownership.decide("t/a", now: start)
        #expect(answer2 == .serve)
        ownership.dropped("t/a")
        let answer3 = ownership.decide("t/b", now: start)
        #expect(answer3 == .acquire, "room again once a log is let go")
    }
}
