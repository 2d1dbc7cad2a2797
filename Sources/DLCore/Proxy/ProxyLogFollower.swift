import Synchronization

/// Follows a log through the write proxies (DESIGN.md section 10, fan-out): asks the log's
/// owner (found as for writes: the ring, owners learned, redirects) to push records as they are
/// acknowledged, or a proxy to read them from the bookies when no proxy owns the log. When the
/// owner moves (released, failed over, a proxy stopping), it follows again after the last record
/// it got, so nothing is missed or repeated. Records read ahead are bounded: past the bound the
/// connection is not read, and the proxy cuts a follower that stays behind off (`behind`).
public final class ProxyLogFollower: Sendable {
    public let log: String
    private let client: ProxyClient
    private let start: LogReader.Start
    /// How long to look for a proxy that takes the follow, each time one is needed.
    private let reconnectTimeout: Duration
    private static let readAheadRecords = 20_000
    /// The detail of the empty answer a proxy sends when it takes a follow.
    public static let acceptedDetail = "following"

    private struct State {
        var buffered: [PositionedRecord] = []
        var index = 0
        /// nil while following; then the end (success) or why it stopped.
        var outcome: Result<Void, any Error>?
        var waiter: CheckedContinuation<Void, Never>?
        var connection: ProxyConnection?
        var paused = false
        var last: DLSN?
        /// Where a follow that started at the end resumes before its first record (the proxy
        /// said where that end was).
        var resumeFrom: DLSN?
        /// The current follow was taken by its proxy (it answered).
        var taken = false
    }
    private let state = Mutex(State())
    private let driver = Mutex<Task<Void, Never>?>(nil)

    public init(log: String, client: ProxyClient, from start: LogReader.Start, reconnectTimeout: Duration) {
        self.log = log
        self.client = client
        self.start = start
        self.reconnectTimeout = reconnectTimeout
        driver.withLock { $0 = Task { await self.run() } }
    }

    deinit { driver.withLock { $0 }?.cancel() }

    public var hasBufferedRecords: Bool { state.withLock { $0.index < $0.buffered.count } }

    /// The next record; nil at the end of a sealed log.
    public func next() async throws -> PositionedRecord? {
        try await take { state in
            let record = state.buffered[state.index]
            state.index += 1
            if state.index == state.buffered.count {
                state.buffered.removeAll(keepingCapacity: true)
                state.index = 0
            }
            return record
        }
    }

    /// Every record at hand (waiting for one when none is), in order; nil at the end of a sealed
    /// log. One lock and, at most, one wait per pushed batch rather than per record.
    public func nextBatch() async throws -> [PositionedRecord]? {
        try await take { state in
            // All of it, handed over as it came when nothing of it was taken yet.
            let records = state.index == 0 ? state.buffered : Array(state.buffered[state.index...])
            state.buffered = []
            state.index = 0
            return records
        }
    }

    /// Takes what `grab` takes from the buffered records once there are any; nil at the end.
    private func take<Taken: Sendable>(_ grab: (inout State) -> Taken) async throws -> Taken? {
        while true {
            let (taken, outcome, resume) = state.withLock { state -> (Taken?, Result<Void, any Error>?, ProxyConnection?) in
                guard state.index < state.buffered.count else { return (nil, state.outcome, nil) }
                let taken = grab(&state)
                var resume: ProxyConnection?
                if state.paused && state.buffered.count - state.index < Self.readAheadRecords / 4 {
                    state.paused = false
                    resume = state.connection
                }
                return (taken, nil, resume)
            }
            resume?.setReading(true)
            if let taken { return taken }
            if let outcome {
                try outcome.get()
                return nil
            }
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state -> Bool in
                    if state.index < state.buffered.count || state.outcome != nil { return true }
                    state.waiter = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
        }
    }

    /// Stops following: a `next()` waiting returns what is buffered, then nil.
    public func close() {
        driver.withLock { $0 }?.cancel()
        finish(.success(()))
    }

    // MARK: Driving

    private enum Ending {
        case final(Result<Void, any Error>)
        case moved(to: String)
        case retry(String)
    }

    private func run() async {
        var deadline = ContinuousClock.now + reconnectTimeout
        var skipped = Set<String>()
        var last = "no proxy answered"
        var backoff: Duration = .milliseconds(20)
        // Redirects followed since the last pause: past 16, proxies that disagree about the owner
        // (a move in progress) are given time instead of being asked again at once.
        var hops = 0
        while !Task.isCancelled {
            if ContinuousClock.now >= deadline {
                return finish(.failure(ProxyClient.Failure.gaveUp(log: log, after: reconnectTimeout, last: last)))
            }
            do {
                if await client.proxyCount == 0 { try await client.refresh() }
            } catch {
                last = "\(error)"
            }
            let route = await client.route(log)
            guard let target = route.first(where: { !skipped.contains($0) }), hops < 16 else {
                hops = 0
                if route.isEmpty { last = "no proxy is registered" }
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .milliseconds(500))
                skipped.removeAll()
                _ = try? await client.refresh()
                continue
            }
            let ending: Ending
            do {
                let connection = try await client.connection(target, timeout: min(deadline - .now, .seconds(2)))
                ending = await follow(on: connection)
            } catch {
                ending = .retry("\(error)")
            }
            switch ending {
            case let .final(result):
                return finish(result)
            case let .moved(owner):
                hops += 1
                await client.remember(owner: owner, of: log)
                last = "\(target) says \(owner) owns \(log)"
                // A redirect to itself: the proxy took the log meanwhile; follow it there again.
                if owner != target && skipped.contains(owner) { skipped.insert(target) }
            case let .retry(why):
                last = why
                skipped.insert(target)
                await client.failed(target, for: log)
            }
            // The follow that ended had been taken (however long ago): looking for a proxy
            // starts again, with a deadline of its own.
            if state.withLock({ state in defer { state.taken = false }; return state.taken }) {
                deadline = .now + reconnectTimeout
            }
        }
    }

    /// One follow on one connection, until its last answer or the connection's end.
    private func follow(on connection: ProxyConnection) async -> Ending {
        let from: LogReader.Start = state.withLock { state in
            state.connection = connection
            return state.last.map { .after($0) } ?? state.resumeFrom.map { .dlsn($0) } ?? start
        }
        return await withCheckedContinuation { (continuation: CheckedContinuation<Ending, Never>) in
            connection.follow(.follow(log: log, from: from)) { [self] result in
                switch result {
                case let .success(.records(.ok, detail, records)):
                    state.withLock { $0.taken = true }
                    if records.isEmpty, let (after, position) = Self.announcedEnd(detail) {
                        // Where "the end" was: a follow that moves before a record resumes there.
                        state.withLock { state in
                            guard state.last == nil else { return }
                            if after { state.last = position } else if state.resumeFrom == nil { state.resumeFrom = position }
                        }
                    }
                    received(records, on: connection)
                case let .success(response):
                    switch response.status {
                    case .endOfStream: continuation.resume(returning: .final(.success(())))
                    case .redirect: continuation.resume(returning: .moved(to: response.detail))
                    case .unavailable, .notReady, .ok: continuation.resume(returning: .retry(response.detail))
                    case .behind:
                        let resume = state.withLock { $0.last }.map { " (resume after it: --from \(DLSN($0.segmentSequenceNumber, $0.entryId, $0.slotId + 1)))" } ?? ""
                        continuation.resume(returning: .final(.failure(ProxyRefusal(.behind, response.detail + resume))))
                    case .noSuchLog, .malformed, .recordTooLarge, .txidOutOfOrder, .overCapacity:
                        continuation.resume(returning: .final(.failure(ProxyRefusal(response.status, response.detail))))
                    }
                case let .failure(error):
                    continuation.resume(returning: .retry("\(error)"))
                }
            }
        }
    }

    /// "after DLSN" or "from DLSN": where the end was when the follow started there.
    private static func announcedEnd(_ detail: String) -> (after: Bool, position: DLSN)? {
        for (prefix, after) in [("after ", true), ("from ", false)] where detail.hasPrefix(prefix) {
            if let position = try? DLSN(parsing: String(detail.dropFirst(prefix.count))) { return (after, position) }
        }
        return nil
    }

    private func received(_ records: [PositionedRecord], on connection: ProxyConnection) {
        guard !records.isEmpty else { return }
        let (waiter, pause) = state.withLock { state -> (CheckedContinuation<Void, Never>?, Bool) in
            // A record at or before the last one is a repeat (a follow resumed elsewhere): skipped.
            let fresh = state.last.map { last in records.drop { $0.dlsn <= last } } ?? records[...]
            if state.buffered.isEmpty && fresh.count == records.count {
                state.buffered = records  // the usual case: taken as it came, not copied
            } else {
                state.buffered.append(contentsOf: fresh)
            }
            if let newest = fresh.last?.dlsn { state.last = newest }
            var pause = false
            if !state.paused && state.buffered.count - state.index > Self.readAheadRecords {
                state.paused = true
                pause = true
            }
            defer { state.waiter = nil }
            return (state.waiter, pause)
        }
        if pause { connection.setReading(false) }
        waiter?.resume()
    }

    private func finish(_ outcome: Result<Void, any Error>) {
        let (waiter, connection) = state.withLock { state -> (CheckedContinuation<Void, Never>?, ProxyConnection?) in
            if state.outcome == nil { state.outcome = outcome }
            defer { state.waiter = nil }
            return (state.waiter, state.connection)
        }
        waiter?.resume()
        if let connection { Task { await connection.close() } }
    }
}
