import NIOCore
import NIOPosix

/// Failures of talking to one write proxy (as opposed to the proxy's own status codes).
public enum ProxyConnectionError: Error, Equatable, Sendable, CustomStringConvertible {
    case cannotConnect(String, reason: String)
    case connectionClosed(String)
    case timedOut(String, after: Duration)
    case malformedResponse(String, reason: String)

    public var description: String {
        switch self {
        case let .cannotConnect(address, reason): return "cannot connect to proxy \(address): \(reason)"
        case let .connectionClosed(address): return "connection to proxy \(address) closed"
        case let .timedOut(address, after): return "proxy \(address) did not answer within \(after)"
        case let .malformedResponse(address, reason): return "malformed response from proxy \(address): \(reason)"
        }
    }

    /// The request may have been carried out (the answer was lost): only a retry with the same
    /// origin is safe.
    public var isAmbiguous: Bool {
        switch self {
        case .cannotConnect: return false
        case .connectionClosed, .timedOut, .malformedResponse: return true
        }
    }
}

/// One connection to one write proxy. Requests are pipelined: each gets a request id and its
/// answer is matched by id.
public final class ProxyConnection: Sendable {
    public typealias Callback = @Sendable (Result<ProxyResponse, ProxyConnectionError>) -> Void

    public let address: String
    private let channel: any Channel
    private let handler: ProxyConnectionHandler

    public static func connect(_ address: String, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                               timeout: Duration = .seconds(5)) async throws(ProxyConnectionError) -> ProxyConnection {
        guard let (host, port) = FramedConnection.split(address) else { throw .cannotConnect(address, reason: "not host:port") }
        let handler = ProxyConnectionHandler(address: address)
        do {
            let channel = try await FramedConnection.connect(host: host, port: port, group: group, timeout: timeout, handler: handler)
            return ProxyConnection(address: address, channel: channel, handler: handler)
        } catch {
            throw .cannotConnect(address, reason: "\(error)")
        }
    }

    private init(address: String, channel: any Channel, handler: ProxyConnectionHandler) {
        self.address = address
        self.channel = channel
        self.handler = handler
    }

    public var isActive: Bool { channel.isActive }

    /// Sends from any thread; `callback` runs once, on the connection's event loop.
    public func send(_ request: ProxyRequest, timeout: Duration, callback: @escaping Callback) {
        handler.send(request, on: channel, timeout: timeout, callback: callback)
    }

    public func send(_ request: ProxyRequest, timeout: Duration) async throws(ProxyConnectionError) -> ProxyResponse {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<ProxyResponse, ProxyConnectionError>, Never>) in
            send(request, timeout: timeout) { continuation.resume(returning: $0) }
        }
        return try result.get()
    }

    /// Sends a `follow`: `onFrame` gets each `records` answer, on the connection's event loop,
    /// until one that is not `ok` (or a failure of the connection), which is the last.
    public func follow(_ request: ProxyRequest, onFrame: @escaping Callback) {
        handler.send(request, on: channel, timeout: nil, callback: onFrame)
    }

    /// Stops or resumes reading from the proxy (back-pressure for a follower whose reader is slow).
    public func setReading(_ reading: Bool) {
        channel.setOption(ChannelOptions.autoRead, value: reading).whenSuccess { [channel] in if reading { channel.read() } }
    }

    public func close() async {
        try? await channel.close()
    }
}

final class ProxyConnectionHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private struct Pending {
        var callback: ProxyConnection.Callback
        var timer: Scheduled<Void>?
        /// A follow: answered by frames until one that is not ok.
        var streaming = false
    }

    private let address: String
    private let state = Locked((nextId: UInt64(1), pending: [UInt64: Pending](), closed: false))

    init(address: String) { self.address = address }

    /// `timeout` nil: a follow (no timer; answered until a frame that is not ok).
    func send(_ request: ProxyRequest, on channel: any Channel, timeout: Duration?, callback: @escaping ProxyConnection.Callback) {
        let id: UInt64? = state.withLock { state in
            guard !state.closed else { return nil }
            defer { state.nextId += 1 }
            state.pending[state.nextId] = Pending(callback: callback, timer: nil, streaming: timeout == nil)
            return state.nextId
        }
        guard let id else {
            channel.eventLoop.execute { [address] in callback(.failure(.connectionClosed(address))) }
            return
        }
        var buffer = channel.allocator.buffer(capacity: 64)
        ProxyCodec.encode(BookieFrame(requestId: id, message: request), into: &buffer)
        let frame = buffer
        guard let timeout else {
            channel.writeAndFlush(frame, promise: nil)
            return
        }
        let nanos = Int64(timeout.components.seconds) * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        channel.eventLoop.execute { [self] in
            let timer = channel.eventLoop.scheduleTask(in: .nanoseconds(max(nanos, 1))) { [self] in
                if let pending = state.withLock({ $0.pending.removeValue(forKey: id) }) {
                    pending.callback(.failure(.timedOut(address, after: timeout)))
                }
            }
            let stillPending = state.withLock { state -> Bool in
                guard state.pending[id] != nil else { return false }
                state.pending[id]?.timer = timer
                return true
            }
            if !stillPending { timer.cancel() }
            channel.writeAndFlush(frame, promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame: BookieFrame<ProxyResponse>
        do { frame = try ProxyCodec.decodeResponse(unwrapInboundIn(data)) } catch {
            failAll(.malformedResponse(address, reason: "\(error)"))
            context.close(promise: nil)
            return
        }
        let pending = state.withLock { state -> Pending? in
            guard let pending = state.pending[frame.requestId] else { return nil }
            if !(pending.streaming && frame.message.status == .ok) { state.pending[frame.requestId] = nil }
            return pending
        }
        if let pending {
            pending.timer?.cancel()
            pending.callback(.success(frame.message))
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

    private func failAll(_ error: ProxyConnectionError) {
        let pending = state.withLock { state -> [Pending] in
            state.closed = true
            defer { state.pending.removeAll() }
            return Array(state.pending.values)
        }
        for request in pending {
            request.timer?.cancel()
            request.callback(.failure(error))
        }
    }
}
