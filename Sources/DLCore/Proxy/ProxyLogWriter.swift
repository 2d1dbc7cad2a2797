import Foundation

/// Appends to a log through its owning write proxy, with exactly-once appends (DESIGN.md
/// section 10): a client session (a random id) numbers its writes; records are gathered into
/// writes (up to `batchBytes`), and up to `window` writes are in flight to the owner at once.
/// When a write fails or its answer is lost, nothing more is sent until every write in flight is
/// answered; then the unanswered writes are sent again, in order, with the same numbers, through
/// `ProxyClient` (which finds the owner, follows redirects and retries until each write's
/// deadline). The owner answers a write it already appended with the original DLSNs, so a
/// retry never appends twice, and it appends a session's writes only in their order.
public actor ProxyLogWriter {
    public typealias Completion = LogWriter.Completion

    public let log: String
    public let session: UInt64
    private let client: ProxyClient
    private let timeout: Duration
    private let window: Int
    private let batchBytes: Int
    private let flushInterval: Duration

    private struct Write {
        let sequence: UInt64
        let records: [ProxyRecord]
        let completions: [Completion]
        var deadline: ContinuousClock.Instant?
        var inFlight = false
        var done = false
    }

    private var writes: [Write] = []
    /// Writes before this index are done and dropped.
    private var nextSequence: UInt64 = 0
    private var batch: [ProxyRecord] = []
    private var batchCompletions: [Completion] = []
    private var gathered = 0
    private var flushScheduled = false
    private var inFlight = 0
    /// The proxy that answered the last write, while every write since was answered ok.
    private var owner: (address: String, connection: ProxyConnection)?
    private var resending = false
    private var failure: (any Error)?
    private var lastDLSN: DLSN?
    /// The highest txid this session gave: one below it is refused here, on the record that
    /// has it (the owner checks against every writer's).
    private var lastGivenTxId: Int64?
    private var waiters: [CheckedContinuation<Void, Never>] = []

    public init(log: String, client: ProxyClient, timeout: Duration, window: Int = 8, batchBytes: Int = 256 * 1024,
                flushInterval: Duration = .milliseconds(2)) {
        self.log = log
        self.client = client
        self.timeout = timeout
        self.window = max(window, 1)
        self.batchBytes = max(batchBytes, 1)
        self.flushInterval = flushInterval
        self.session = UInt64.random(in: 1...UInt64.max)
    }

    public var lastAcknowledgedDLSN: DLSN? { lastDLSN }

    /// Queues a record; `completion` gets its DLSN once the owner acknowledged it. Waits while
    /// `2 * window` writes are unanswered (back-pressure).
    public func enqueue(_ payload: [UInt8], txid: Int64? = nil, completion: @escaping Completion) async throws {
        if let failure { throw failure }
        guard payload.count <= Limits.maxRecordSize else {
            throw LogError.recordTooLarge(size: payload.count, limit: Limits.maxRecordSize)
        }
        if let txid {
            do { try TxId.validate(txid, after: lastGivenTxId) } catch { throw LogError.txidOutOfOrder(log: log, error) }
            lastGivenTxId = txid
        }
        // A write goes into one entry whole: keep room for the headers.
        let size = payload.count + LogRecord.headerLength
        if !batch.isEmpty && gathered + size > min(batchBytes, Limits.maxEntrySize - 64 * 1024) { flush() }
        batch.append(ProxyRecord(payload: payload, txid: txid))
        batchCompletions.append(completion)
        gathered += size
        if gathered >= batchBytes || flushInterval == .zero {
            flush()
        } else if !flushScheduled {
            flushScheduled = true
            let interval = flushInterval
            Task {
                try? await Task.sleep(for: interval)
                self.flush()
            }
        }
        while writes.count >= 2 * window && failure == nil {
            await withCheckedContinuation { waiters.append($0) }
        }
        if let failure { throw failure }
    }

    /// Sends what is gathered as one write.
    public func flush() {
        flushScheduled = false
        guard !batch.isEmpty else { return }
        writes.append(Write(sequence: nextSequence, records: batch, completions: batchCompletions))
        nextSequence += 1
        batch.removeAll(keepingCapacity: true)
        batchCompletions.removeAll(keepingCapacity: true)
        gathered = 0
        pump()
    }

    /// Sends writes while the owner is known and the window has room; else starts the resend.
    private func pump() {
        guard failure == nil, !resending else { return }
        guard let owner else {
            if inFlight == 0, writes.contains(where: { !$0.done }) { resend() }
            return
        }
        var index = 0
        while inFlight < window, index < writes.count {
            defer { index += 1 }
            guard !writes[index].done, !writes[index].inFlight else { continue }
            let deadline = writes[index].deadline ?? .now + timeout
            writes[index].deadline = deadline
            writes[index].inFlight = true
            inFlight += 1
            let write = writes[index]
            let remaining = max(min(deadline - .now, client.attemptTimeout), .milliseconds(1))
            owner.connection.send(request(for: write), timeout: remaining) { result in
                Task { await self.answered(write.sequence, result.mapError { $0 as any Error }, from: owner.address) }
            }
        }
    }

    private func request(for write: Write) -> ProxyRequest {
        .write(log: log, origin: WriteOrigin(session: session, sequence: write.sequence), records: write.records)
    }

    private func answered(_ sequence: UInt64, _ result: Result<ProxyResponse, any Error>, from address: String) {
        inFlight -= 1
        guard let index = writes.firstIndex(where: { $0.sequence == sequence }) else { return }
        writes[index].inFlight = false
        switch result {
        case let .success(.write(.ok, _, dlsns)):
            complete(index, dlsns)
        case let .success(response) where Self.isFinal(response.status):
            fail(ProxyRefusal(response.status, response.detail))
        default:
            // Lost, refused for now, or redirected: stop pipelining; resend in order once
            // everything in flight is answered.
            if owner?.address == address { owner = nil }
        }
        pump()
    }

    static func isFinal(_ status: ProxyStatus) -> Bool {
        switch status {
        case .ok, .redirect, .notReady, .unavailable: return false
        case .noSuchLog, .recordTooLarge, .txidOutOfOrder, .endOfStream, .overCapacity, .malformed, .behind: return true
        }
    }

    private func complete(_ index: Int, _ dlsns: [DLSN]) {
        let write = writes[index]
        writes[index].done = true
        // A write answered from a forgotten window (no DLSNs) reports the last one known.
        for (slot, completion) in write.completions.enumerated() {
            let dlsn = slot < dlsns.count ? dlsns[slot] : (dlsns.last ?? lastDLSN ?? DLSN(0, 0, 0))
            completion(.success(dlsn))
        }
        if let last = dlsns.last, lastDLSN.map({ $0 < last }) ?? true { lastDLSN = last }
        while let first = writes.first, first.done { writes.removeFirst() }
        wake()
    }

    /// Sends the first unanswered write through the client (routing, redirects, retries until
    /// its deadline); on success pipelining resumes with the proxy that answered.
    private func resend() {
        guard let index = writes.firstIndex(where: { !$0.done }) else { return }
        resending = true
        let deadline = writes[index].deadline ?? .now + timeout
        writes[index].deadline = deadline
        let write = writes[index]
        let (client, log, request) = (self.client, self.log, request(for: write))
        Task {
            do {
                let (response, proxy) = try await client.send(request, log: log, deadline: deadline)
                let connection = try? await client.connection(proxy, timeout: .seconds(2))
                self.resent(write.sequence, response, from: proxy, connection: connection)
            } catch {
                self.fail(error)
            }
        }
    }

    private func resent(_ sequence: UInt64, _ response: ProxyResponse, from proxy: String, connection: ProxyConnection?) {
        resending = false
        guard let index = writes.firstIndex(where: { $0.sequence == sequence }) else { return }
        guard case let .write(.ok, _, dlsns) = response else {
            fail(ProxyRefusal(response.status, response.detail))
            return
        }
        complete(index, dlsns)
        if let connection { owner = (proxy, connection) }
        pump()
    }

    private func fail(_ error: any Error) {
        resending = false
        guard failure == nil else { return }
        failure = error
        for index in writes.indices where !writes[index].done {
            writes[index].done = true
            for completion in writes[index].completions { completion(.failure(error)) }
        }
        writes.removeAll()
        for completion in batchCompletions { completion(.failure(error)) }
        batch.removeAll()
        batchCompletions.removeAll()
        wake()
    }

    private func wake() {
        let waiting = waiters
        waiters.removeAll()
        waiting.forEach { $0.resume() }
    }

    /// Sends what is gathered and waits until every write is answered (the session stays open).
    public func flushAndWait() async throws {
        flush()
        while !writes.isEmpty && failure == nil {
            await withCheckedContinuation { waiters.append($0) }
        }
        if let failure { throw failure }
    }

    /// Sends what is gathered and waits until every write is answered: returns the last DLSN,
    /// or throws the first failure.
    @discardableResult
    public func close() async throws -> DLSN? {
        try await flushAndWait()
        return lastDLSN
    }

    /// Seals the log after every write of this session, through its owner.
    public func markEndOfStream() async throws -> DLSN? {
        _ = try await close()
        let origin = WriteOrigin(session: session, sequence: nextSequence)
        nextSequence += 1
        let (response, _) = try await client.send(.endOfStream(log: log, origin: origin), log: log, deadline: .now + timeout)
        guard case let .endOfStream(.ok, _, dlsn) = response else { throw ProxyRefusal(response.status, response.detail) }
        return dlsn
    }
}
