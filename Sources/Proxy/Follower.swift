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

    /// Sends `records` (their encoded body `body`, shared by every follower sent the same
    /// records). Returns false when the follower is over its bound: it was cut off instead.
    @discardableResult
    func send(_ records: ArraySlice<PositionedRecord>, body: ByteBuffer) -> Bool {
        guard let last = records.last?.dlsn else { return true }
        let over = state.withLock { state -> Bool? in
            if state.ended { return nil }
            if state.pendingBytes > maxPendingBytes {
                state.ended = true
                return true
            }
            state.pendingBytes += body.readableBytes
            state.last = last
            return false
        }
        switch over {
        case nil: return true
        case true?:
            let behind = self.last.map { "the last record it was sent is \($0)" } ?? "it was sent no record"
            finish(.behind, "the reader fell more than \(maxPendingBytes >> 20) MiB behind the log and was cut off; \(behind)")
            return false
        case false?:
            let (channel, requestId, size) = (self.channel, self.requestId, body.readableBytes)
            channel.eventLoop.execute { [self] in
                var header = channel.allocator.buffer(capacity: 16)
                ProxyCodec.recordsFrameHeader(requestId: requestId, bodyLength: size, into: &header)
                channel.write(header, promise: nil)
                let written = channel.eventLoop.makePromise(of: Void.self)
                written.futureResult.whenComplete { [self] _ in state.withLock { $0.pendingBytes -= size } }
                channel.writeAndFlush(body, promise: written)
            }
            return true
        }
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
        let (channel, requestId) = (self.channel, self.requestId)
        var buffer = channel.allocator.buffer(capacity: 64)
        ProxyCodec.encode(BookieFrame(requestId: requestId, message: .records(.ok, detail: "after \(position)", records: [])), into: &buffer)
        let frame = buffer
        channel.eventLoop.execute { channel.writeAndFlush(frame, promise: nil) }
    }

    /// Ends the follow with a last answer (end of stream, cut off, moved, refused).
    func finish(_ status: ProxyStatus, _ detail: String) {
        state.withLock { $0.ended = true }
        let (channel, requestId) = (self.channel, self.requestId)
        var buffer = channel.allocator.buffer(capacity: 64 + detail.utf8.count)
        ProxyCodec.encode(BookieFrame(requestId: requestId, message: .records(status, detail: detail, records: [])), into: &buffer)
        let frame = buffer
        channel.eventLoop.execute { channel.writeAndFlush(frame, promise: nil) }
    }

    /// The connection went away.
    func connectionClosed() { state.withLock { $0.ended = true } }
}
