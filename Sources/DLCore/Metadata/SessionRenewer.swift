import Foundation

/// Calls `tick` every `interval` on a thread of its own until it returns false or `stop` is
/// called: an embedded-store session's lease is renewed on time even while the process's async
/// tasks wait for a cooperative thread (a thousand connections on two cores, a test process
/// running many cases), as ZooKeeper's client pings from a thread of its own. `tick` gets the
/// instant it was due, so it can tell how late it runs.
final class SessionRenewer: @unchecked Sendable {
    private let condition = NSCondition()
    private var stopped = false

    init(interval: Duration, name: String, tick: @escaping @Sendable (_ due: ContinuousClock.Instant) -> Bool) {
        let thread = Thread { [self] in
            var due = ContinuousClock.now + interval
            while true {
                condition.lock()
                while !stopped, case let wait = due - ContinuousClock.now, wait > .zero {
                    let seconds = Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18
                    _ = condition.wait(until: Date(timeIntervalSinceNow: seconds))
                }
                let stop = stopped
                condition.unlock()
                if stop || !tick(due) { return }
                due = ContinuousClock.now + interval
            }
        }
        thread.name = name
        thread.start()
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }
}
