import Dispatch
import Synchronization

/// Adds a run of entries to one bookie with up to `window` in flight: the raw bookie write
/// path, for `dlctl bench bookie`, `dlctl bookie sanity` and tests.
public enum PipelinedAdds {
    /// How often one add is sent again to a bookie answering "too many requests".
    static let maxBusyRetries = 120

    public struct Outcome: Sendable {
        /// Entry ids acknowledged ok, in acknowledgement order.
        public var acknowledged: [Int64]
        /// Per acknowledged add, nanoseconds from sending to its acknowledgement.
        public var latencies: [UInt64]
        /// Entry ids that failed, with why.
        public var failures: [(Int64, String)]
        public var elapsedNanos: UInt64
    }

    /// Sends every entry (in order, `window` at most outstanding) and waits for all answers.
    /// `onAcknowledged` sees the running count of acknowledgements.
    public static func run(_ client: BookieClient, ledgerKey: [UInt8], entries: [StoredEntry], window: Int,
                           timeout: Duration = .seconds(30),
                           onAcknowledged: @escaping @Sendable (Int) -> Void = { _ in }) async -> Outcome {
        struct State {
            var outcome = Outcome(acknowledged: [], latencies: [], failures: [], elapsedNanos: 0)
            var next = 0
            var inFlight = 0
            var finished = false
            /// A pump is running on some thread; a nested call only asks it to go round again
            /// (a failed send answers synchronously, which would otherwise recurse per entry).
            var pumping = false
            var again = false
        }
        let state = Mutex(State())
        let start = DispatchTime.now().uptimeNanoseconds
        return await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
            @Sendable func pump() {
                let enter = state.withLock { s -> Bool in
                    if s.pumping {
                        s.again = true
                        return false
                    }
                    s.pumping = true
                    return true
                }
                guard enter else { return }
                while true {
                    sendWindow()
                    let repeatRound = state.withLock { s -> Bool in
                        if s.again {
                            s.again = false
                            return true
                        }
                        s.pumping = false
                        return false
                    }
                    if !repeatRound { return }
                }
            }
            @Sendable func sendWindow() {
                var toSend: [StoredEntry] = []
                let done: Outcome? = state.withLock { s in
                    while s.inFlight < window && s.next < entries.count {
                        toSend.append(entries[s.next])
                        s.next += 1
                        s.inFlight += 1
                    }
                    guard s.inFlight == 0, s.next >= entries.count, !s.finished else { return nil }
                    s.finished = true
                    s.outcome.elapsedNanos = DispatchTime.now().uptimeNanoseconds - start
                    return s.outcome
                }
                if let done { continuation.resume(returning: done) }
                for entry in toSend { send(entry, attempt: 0, sent: DispatchTime.now().uptimeNanoseconds) }
            }
            /// A bookie shedding load ("too many requests") gets the add again after a pause,
            /// doubling from 2 ms to 256 ms, as a ledger writer does.
            @Sendable func send(_ entry: StoredEntry, attempt: Int, sent: UInt64) {
                client.send(.add(ledgerKey: ledgerKey, entry: entry, recovery: false), timeout: timeout) { result in
                    if case let .success(response) = result, response.status == .tooManyRequests, attempt < maxBusyRetries {
                        Task { @Sendable in
                            try? await Task.sleep(for: .milliseconds(2 << min(attempt, 7)))
                            send(entry, attempt: attempt + 1, sent: sent)
                        }
                        return
                    }
                    let latency = DispatchTime.now().uptimeNanoseconds - sent
                    let count: Int? = state.withLock { s in
                        s.inFlight -= 1
                        switch result {
                        case let .success(response) where response.status == .ok:
                            s.outcome.acknowledged.append(entry.entryId)
                            s.outcome.latencies.append(latency)
                            return s.outcome.acknowledged.count
                        case let .success(response):
                            s.outcome.failures.append((entry.entryId, "\(response.status)"))
                        case let .failure(error):
                            s.outcome.failures.append((entry.entryId, "\(error)"))
                        }
                        return nil
                    }
                    if let count { onAcknowledged(count) }
                    pump()
                }
            }
            pump()
        }
    }
}
