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
    /// Requests sent from other threads, waiting for the event loop.
    private let inbox = Mutex<[QueuedRequest]>([])
    /// A struct, not a tuple: a closure in a tuple in an array is stored re-wrapped (allocated).
    private struct QueuedRequest {
        var request: BookieRequest
        var timeout: Duration?
        var callback: Callback
    }

    /// Connects (and authenticates, when a token is given) within `timeout`.
    public static func connect(_ address: String, group: any EventLoopGroup, authToken: [UInt8]? = nil,
                               timeout: Duration = .seconds(5)) async throws(BookieClientError) -> BookieClient {
        let parts = address.split(separator: ":")
        guard parts.count == 2, let port = Int(parts[1]) else {
            throw .cannotConnect(address, reason: "not host:port")
        }
        let handler = BookieClientHandler(address: address)
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: group)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connectTimeout(.nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000
                    + timeout.components.attoseconds / 1_000_000_000))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder()))
                        try channel.pipeline.syncOperations.addHandler(handler)
                    }
                }
                .connect(host: String(parts[0]), port: port).get()
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

    /// Sends a request; `callback` runs once, on the connection's event loop.
    public func send(_ request: BookieRequest, timeout: Duration? = nil, callback: @escaping Callback) {
        let handler = self.handler
        let channel = self.channel
        if channel.eventLoop.inEventLoop {
            handler.send(request, on: channel, timeout: timeout, callback: callback)
            return
        }
        // From another thread: queue it; the first of a burst schedules one task for all.
        let first = inbox.withLock { queued in
            queued.append(QueuedRequest(request: request, timeout: timeout, callback: callback))
            return queued.count == 1
        }
        guard first else { return }
        channel.eventLoop.execute { [self] in
            let burst = inbox.withLock { queued in
                defer { queued.removeAll(keepingCapacity: true) }
                return queued
            }
            for queued in burst {
                handler.send(queued.request, on: channel, timeout: queued.timeout, callback: queued.callback)
            }
        }
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

/// The connection's pipeline end: owns the pending requests (confined to the event loop).
final class BookieClientHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private struct Pending {
        var callback: BookieClient.Callback
        var deadline: NIODeadline?
        var timeout: Duration?
    }

    private let address: String
    private var pending = PendingRequests<Pending>()
    /// Requests encoded since the last flush: one write per event-loop tick carries them all.
    private var outgoing: ByteBuffer?
    /// When `outgoing` was started.
    private var tickStart = NIODeadline.uptimeNanoseconds(0)
    private var flushScheduled = false
    private var closed = false
    /// One periodic sweep fails requests past their deadline (rather than a timer each).
    private var sweepScheduled = false
    private static let sweepInterval = TimeAmount.milliseconds(50)

    init(address: String) { self.address = address }

    func send(_ request: BookieRequest, on channel: any Channel, timeout: Duration?, callback: @escaping BookieClient.Callback) {
        guard !closed, channel.isActive else { return callback(.failure(.connectionClosed(address))) }
        // One clock reading per flush: requests of one tick share it (timeouts are swept
        // every 50 ms, so a tick's age does not matter).
        if outgoing == nil {
            outgoing = channel.allocator.buffer(capacity: 16 * 1024)
            tickStart = .now()
        }
        let deadline = timeout.map { tickStart + .nanoseconds(Int64($0.components.seconds) * 1_000_000_000
            + $0.components.attoseconds / 1_000_000_000) }
        let id = pending.add(Pending(callback: callback, deadline: deadline, timeout: timeout))
        WireCodec.encode(BookieFrame(requestId: id, message: request), into: &outgoing!)
        if !flushScheduled {
            flushScheduled = true
            channel.eventLoop.execute { [self] in
                flushScheduled = false
                if let buffer = outgoing {
                    outgoing = nil
                    channel.writeAndFlush(buffer, promise: nil)
                }
            }
        }
        if deadline != nil && !sweepScheduled {
            sweepScheduled = true
            channel.eventLoop.scheduleTask(in: Self.sweepInterval) { [self] in sweep(on: channel) }
        }
    }

    private func sweep(on channel: any Channel) {
        sweepScheduled = false
        let now = NIODeadline.now()
        let expired = pending.removeAll { $0.deadline.map { $0 <= now } ?? false }
        let waiting = pending.contains { $0.deadline != nil }
        for request in expired { request.callback(.failure(.timedOut(address, after: request.timeout ?? .zero))) }
        if waiting && !closed {
            sweepScheduled = true
            channel.eventLoop.scheduleTask(in: Self.sweepInterval) { [self] in sweep(on: channel) }
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let body = unwrapInboundIn(data)
        do {
            let frame = try WireCodec.decodeResponse(body)
            pending.remove(frame.requestId)?.callback(.success(frame.message))
        } catch {
            failAll(.malformedResponse(address, reason: "\(error)"))
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(.connectionClosed(address))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failAll(.connectionClosed(address))
        context.close(promise: nil)
    }

    private func failAll(_ error: BookieClientError) {
        closed = true
        outgoing = nil
        for request in pending.removeAll(where: { _ in true }) { request.callback(.failure(error)) }
    }
}
