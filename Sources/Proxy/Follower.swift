import DLCore
import NIOCore
import Synchronization

/// One follow of a log by a client: where its records go (a connection and the request id
/// they are answered under), the last record it was sent, and how much of what it was sent
/// the connection has not written out yet. Past `maxPendingBytes` it is cut off with `behind`
/// rather than waited for: a slow reader never slows the writer or the other readers.
final class Follower: Sendable {
    let requestId: UInt64
    let channel: any Channel
    let maxPendingBytes: Int
    private struct State {
        var pendingBytes = 0
        var last: DLSN?
        var ended = false
        /// Bodies sent and not yet written to the connection (by the next `writeUnsent`).
        var unsent: [ByteBuffer] = []
        var draining = false
        /// Catch-up readers waiting for what was sent to be taken (`waitForDrain`).
        var drainWaiters: [(below: Int, continuation: CheckedContinuation<Void, Never>)] = []

        mutating func takeDrained() -> [CheckedContinuation<Void, Never>] {
            let pending = pendingBytes
            let done = drainWaiters.filter { ended || pending < $0.below }.map(\.continuation)
            drainWaiters.removeAll { ended || pending < $0.below }
            return done
        }
    }
    private let state: Mutex<State>

    init(requestId: UInt64, channel: any Channel, maxPendingBytes: Int, after: DLSN?) {
        self.requestId = requestId
        self.channel = channel
        self.maxPendingBytes = maxPendingBytes
        self.state = Mutex(State(last: after))
    }

    var ended: Bool { state.withLock { $0.ended || !channel.isActive } }
    var last: DLSN? { state.withLock { $0.last } }
    /// Bytes sent to it that the connection has not written out yet.
    var pendingBytes: Int { state.withLock { $0.pendingBytes } }

    /// Returns once less than `below` bytes sent to it wait to be written out (or it ended): a
    /// catch-up reader goes at the pace its followers take records, instead of cutting them off.
    func waitForDrain(below: Int) async {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Bool in
                if state.ended || state.pendingBytes < below || !channel.isActive { return true }
                state.drainWaiters.append((below, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Sends `records` (their encoded body `body`, shared by every follower sent the same
    /// records). Returns false when the follower is over its bound: it was cut off instead.
    @discardableResult
    func send(_ records: ArraySlice<PositionedRecord>, body: ByteBuffer) -> Bool {
        guard let last = records.last?.dlsn else { return true }
        enum Outcome { case ended, over, queued(drain: Bool) }
        let outcome = state.withLock { state -> Outcome in
            if state.ended { return .ended }
            if state.pendingBytes > maxPendingBytes {
                state.ended = true
                return .over
            }
            state.pendingBytes += body.readableBytes
            state.last = last
            state.unsent.append(body)
            defer { state.draining = true }
            return .queued(drain: !state.draining)
        }
        switch outcome {
        case .ended: return true
        case .over:
            let behind = self.last.map { "the last record it was sent is \($0)" } ?? "it was sent no record"
            finish(.behind, "the reader fell more than \(WriteLimits.bytes(Double(maxPendingBytes))) behind the log and was cut off; \(behind)")
            return false
        case let .queued(drain):
            if drain { channel.eventLoop.execute { [self] in writeUnsent() } }
            return true
        }
    }

    /// Writes every body queued since the last turn of the connection's event loop, with one
    /// flush: under load, many pushes leave in one system call, not one call each.
    private func writeUnsent() {
        let bodies = state.withLock { state -> [ByteBuffer] in
            state.draining = false
            defer { state.unsent.removeAll(keepingCapacity: true) }
            return state.unsent
        }
        guard !bodies.isEmpty else { return }
        let size = bodies.reduce(0) { $0 + $1.readableBytes }
        let written = channel.eventLoop.makePromise(of: Void.self)
        written.futureResult.whenComplete { [self] result in
            let drained = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                state.pendingBytes -= size
                if case .failure = result { state.ended = true }
                return state.takeDrained()
            }
            drained.forEach { $0.resume() }
        }
        for (index, body) in bodies.enumerated() {
            var header = channel.allocator.buffer(capacity: 16)
            ProxyCodec.recordsFrameHeader(requestId: requestId, bodyLength: body.readableBytes, into: &header)
            channel.write(header, promise: nil)
            channel.write(body, promise: index == bodies.count - 1 ? written : nil)
        }
        channel.flush()
    }

    /// Encodes `records` once for `send`.
    static func body(_ records: ArraySlice<PositionedRecord>, allocator: ByteBufferAllocator) -> ByteBuffer {
        var body = allocator.buffer(capacity: records.reduce(64) { $0 + 44 + $1.record.payload.count })
        ProxyCodec.encodeRecordsBody(records, into: &body)
        return body
    }

    /// Tells a follower that started at the end where that was (no record yet): if its follow
    /// moves before a record comes, it resumes after this position, not at a later end.
    func announce(after position: DLSN) {
        state.withLock { if $0.last == nil { $0.last = position } }
        announce("after \(position)")
    }

    /// As `announce(after:)` where no record comes before the end: the follow resumes from
    /// `position` (the end of an empty log, of a segment, or of the owner's empty window).
    func announce(from position: DLSN) {
        announce("from \(position)")
    }

    /// Tells the follower its follow was taken (before any record or announcement): a client
    /// whose follow later moves knows it is looking for a proxy anew, however long it followed.
    func accepted() {
        announce(ProxyLogFollower.acceptedDetail)
    }

    /// An answer with no records: ordered before every record sent after it (both go through
    /// the connection's event loop in turn).
    private func announce(_ detail: String) {
        let (channel, requestId) = (self.channel, self.requestId)
        var buffer = channel.allocator.buffer(capacity: 64)
        ProxyCodec.encode(BookieFrame(requestId: requestId, message: .records(.ok, detail: detail, records: [])), into: &buffer)
        let frame = buffer
        channel.eventLoop.execute { channel.writeAndFlush(frame, promise: nil) }
    }

    /// Ends the follow with a last answer (end of stream, cut off, moved, refused).
    func finish(_ status: ProxyStatus, _ detail: String) {
        let drained = state.withLock { state in
            state.ended = true
            return state.takeDrained()
        }
        drained.forEach { $0.resume() }
        let (channel, requestId) = (self.channel, self.requestId)
        var buffer = channel.allocator.buffer(capacity: 64 + detail.utf8.count)
        ProxyCodec.encode(BookieFrame(requestId: requestId, message: .records(status, detail: detail, records: [])), into: &buffer)
        let frame = buffer
        channel.eventLoop.execute { channel.writeAndFlush(frame, promise: nil) }
    }

    /// The connection went away.
    func connectionClosed() {
        let drained = state.withLock { state in
            state.ended = true
            return state.takeDrained()
        }
        drained.forEach { $0.resume() }
    }
}
