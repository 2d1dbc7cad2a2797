import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// Failures of talking to one bookie (as opposed to the bookie's own status codes).
public enum BookieClientError: Error, Equatable, Sendable, CustomStringConvertible {
    case cannotConnect(String, reason: String)
    case connectionClosed(String)
    case timedOut(String, after: Duration)
    case malformedResponse(String, reason: String)
    case unauthorized(String)

    public var description: String {
        switch self {
        case let .cannotConnect(address, reason): return "cannot connect to bookie \(address): \(reason)"
        case let .connectionClosed(address): return "connection to bookie \(address) closed"
        case let .timedOut(address, after): return "bookie \(address) did not answer within \(after)"
        case let .malformedResponse(address, reason): return "malformed response from bookie \(address): \(reason)"
        case let .unauthorized(address): return "bookie \(address) refused the auth token"
        }
    }
}

/// One connection to one bookie. Requests are pipelined: each gets a request id and its
/// response is matched by id, in whatever order it comes.
public final class BookieClient: Sendable {
    public typealias Callback = @Sendable (Result<BookieResponse, BookieClientError>) -> Void

    public let address: String
    private let channel: any Channel
    private let handler: BookieClientHandler

    /// Connects (and authenticates, when a token is given) within `timeout`.
    public static func connect(_ address: String, group: any EventLoopGroup, authToken: [UInt8]? = nil,
                               timeout: Duration = .seconds(5)) async throws(BookieClientError) -> BookieClient {
        guard let (host, port) = FramedConnection.split(address) else {
            throw .cannotConnect(address, reason: "not host:port")
        }
        let handler = BookieClientHandler(address: address)
        let channel: any Channel
        do {
            channel = try await FramedConnection.connect(host: host, port: port, group: group, timeout: timeout, handler: handler)
        } catch {
            throw .cannotConnect(address, reason: "\(error)")
        }
        let client = BookieClient(address: address, channel: channel, handler: handler)
        if let authToken {
            let response = try await client.send(.auth(token: authToken), timeout: timeout)
            guard response.status == .ok else {
                await client.close()
                throw .unauthorized(address)
            }
        }
        return client
    }

    private init(address: String, channel: any Channel, handler: BookieClientHandler) {
        self.address = address
        self.channel = channel
        self.handler = handler
    }

    public var isActive: Bool { channel.isActive }

    /// Sends a request from any thread; `callback` runs once, on the connection's event loop.
    public func send(_ request: BookieRequest, timeout: Duration? = nil, callback: @escaping Callback) {
        handler.send(request, on: channel, timeout: timeout, callback: callback)
    }

    public func send(_ request: BookieRequest, timeout: Duration? = nil) async throws(BookieClientError) -> BookieResponse {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<BookieResponse, BookieClientError>, Never>) in
            send(request, timeout: timeout) { continuation.resume(returning: $0) }
        }
        return try result.get()
    }

    public func close() async {
        try? await channel.close()
    }
}

/// The connection's pipeline end. Senders on any thread encode their requests straight into
/// the next write under one lock (no hop to the event loop per request, no copy of it); the
/// event loop writes what gathered once per tick and matches responses to their callbacks.
///
/// Flushes are consolidated under load (as BookKeeper does with Netty's flush consolidation):
/// while many requests are in flight, answers are sure to come, so what is sent meanwhile goes
/// out when the current burst of answers has been read, in one write, instead of a wake-up of
/// the event loop and a write for every few requests. With few in flight a send is flushed at
/// once (no added latency); the timeout sweep flushes too, as a safety net.
final class BookieClientHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private struct Pending {
        var callback: BookieClient.Callback
        var deadline: NIODeadline?
        var timeout: Duration?
    }

    private struct State {
        var pending = PendingRequests<Pending>()
        /// Requests encoded since the last flush: one write per tick carries them all.
        var outgoing: ByteBuffer?
        /// When `outgoing` was started: requests of one write share this clock reading
        /// (timeouts are swept every 50 ms, so its age does not matter).
        var tickStart = NIODeadline.uptimeNanoseconds(0)
        var flushScheduled = false
        /// Requests in `outgoing`, not yet written.
        var unwritten = 0
        /// Set while the next flush waits for the end of a read burst.
        var flushAfterRead = false
        var closed = false
        /// One periodic sweep fails requests past their deadline (rather than a timer each).
        var sweepScheduled = false
    }

    private let address: String
    /// A plain (not priority-inheriting) mutex: senders and the event loop contend for it all
    /// the time, and a priority-inheritance futex makes every contended hand-off a kernel trip.
    private let state = Locked(State())
    /// Answers of the current read burst (event loop only).
    private var answers: [BookieFrame<BookieResponse>] = []
    private static let sweepInterval = TimeAmount.milliseconds(50)
    /// In flight (written, unanswered) above which flushes wait for the end of a read burst.
    private static let consolidateAbove = 64

    init(address: String) { self.address = address }

    func send(_ request: BookieRequest, on channel: any Channel, timeout: Duration?, callback: @escaping BookieClient.Callback) {
        enum Next { case closed, flush, sweep, flushAndSweep, nothing }
        let next = state.withLock { state -> Next in
            guard !state.closed, channel.isActive else { return .closed }
            if state.outgoing == nil {
                state.outgoing = channel.allocator.buffer(capacity: 16 * 1024)
                state.tickStart = .now()
            }
            let deadline = timeout.map { state.tickStart + .nanoseconds(Int64($0.components.seconds) * 1_000_000_000
                + $0.components.attoseconds / 1_000_000_000) }
            let id = state.pending.add(Pending(callback: callback, deadline: deadline, timeout: timeout))
            WireCodec.encode(BookieFrame(requestId: id, message: request), into: &state.outgoing!)
            state.unwritten += 1
            var flush = false
            if !state.flushScheduled {
                if state.pending.count - state.unwritten > Self.consolidateAbove {
                    state.flushAfterRead = true
                } else {
                    flush = true
                    state.flushScheduled = true
                }
            }
            let sweep = deadline != nil && !state.sweepScheduled
            if sweep { state.sweepScheduled = true }
            switch (flush, sweep) {
            case (true, true): return .flushAndSweep
            case (true, false): return .flush
            case (false, true): return .sweep
            case (false, false): return .nothing
            }
        }
        switch next {
        case .closed:
            let address = self.address
            if channel.eventLoop.inEventLoop {
                callback(.failure(.connectionClosed(address)))
            } else {
                channel.eventLoop.execute { callback(.failure(.connectionClosed(address))) }
            }
        case .flush:
            channel.eventLoop.execute { [self] in flush(channel) }
        case .sweep:
            channel.eventLoop.scheduleTask(in: Self.sweepInterval) { [self] in sweep(on: channel) }
        case .flushAndSweep:
            channel.eventLoop.execute { [self] in flush(channel) }
            channel.eventLoop.scheduleTask(in: Self.sweepInterval) { [self] in sweep(on: channel) }
        case .nothing:
            break
        }
    }

    private func flush(_ channel: any Channel) {
        let buffer = state.withLock { state -> ByteBuffer? in
            state.flushScheduled = false
            state.flushAfterRead = false
            state.unwritten = 0
            defer { state.outgoing = nil }
            return state.outgoing
        }
        if let buffer { channel.writeAndFlush(buffer, promise: nil) }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        answerBurst()
        if state.withLock({ $0.flushAfterRead }) { flush(context.channel) }
        context.fireChannelReadComplete()
    }

    /// Matches the answers read so far to their requests and runs the callbacks.
    private func answerBurst() {
        guard !answers.isEmpty else { return }
        let frames = answers
        answers.removeAll(keepingCapacity: true)
        // Structs, not closures, come out of the lock: a closure returned through a generic
        // function is re-wrapped (allocated).
        let requests = state.withLock { state in frames.map { state.pending.remove($0.requestId) } }
        for (request, frame) in zip(requests, frames) { request?.callback(.success(frame.message)) }
    }

    private func sweep(on channel: any Channel) {
        let now = NIODeadline.now()
        let (expired, again) = state.withLock { state -> ([Pending], Bool) in
            let expired = state.pending.removeAll { $0.deadline.map { $0 <= now } ?? false }
            state.sweepScheduled = !state.closed && state.pending.contains { $0.deadline != nil }
            return (expired, state.sweepScheduled)
        }
        for request in expired { request.callback(.failure(.timedOut(address, after: request.timeout ?? .zero))) }
        if state.withLock({ $0.flushAfterRead }) { flush(channel) }
        if again { channel.eventLoop.scheduleTask(in: Self.sweepInterval) { [self] in sweep(on: channel) } }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let body = unwrapInboundIn(data)
        do {
            // Answered at the end of the read burst, all under one lock.
            answers.append(try WireCodec.decodeResponse(body))
        } catch {
            answerBurst()
            failAll(.malformedResponse(address, reason: "\(error)"))
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        answerBurst()
        failAll(.connectionClosed(address))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        answerBurst()
        failAll(.connectionClosed(address))
        context.close(promise: nil)
    }

    private func failAll(_ error: BookieClientError) {
        let requests = state.withLock { state -> [Pending] in
            state.closed = true
            state.outgoing = nil
            return state.pending.removeAll(where: { _ in true })
        }
        for request in requests { request.callback(.failure(error)) }
    }
}
