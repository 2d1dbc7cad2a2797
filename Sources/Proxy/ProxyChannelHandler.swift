import DLCore
import Logging
import NIOCore

/// One client connection: decodes request frames and hands them, in order, to the service (one
/// at a time: the next is taken once the previous is queued on its log, not once it is
/// acknowledged, so requests stay pipelined and a connection's writes keep their order). A
/// malformed or oversized frame closes this connection only. Back-pressure: while more than
/// `maxQueuedBytes` of requests wait for the service, the connection is not read (TCP slows
/// the client down), so a fast client cannot fill the proxy's memory.
final class ProxyChannelHandler: ChannelDuplexHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let maxQueuedBytes = 1 << 20
    /// Bytes of requests received and not yet taken by the service.
    private let queued = Locked(0)
    private let gate = ReadGate()
    /// The follows this connection asked for: ended when it closes.
    private let followers = Locked<[Follower]>([])

    private let service: ProxyService
    private let logger: Logger
    private let requests: AsyncStream<(BookieFrame<ProxyRequest>, Int)>
    private let continuation: AsyncStream<(BookieFrame<ProxyRequest>, Int)>.Continuation
    private var consumer: Task<Void, Never>?
    private var flushScheduled = false

    init(service: ProxyService, logger: Logger) {
        self.service = service
        self.logger = logger
        (requests, continuation) = AsyncStream.makeStream()
    }

    func channelActive(context: ChannelHandlerContext) {
        service.statistics.connected(1)
        let (channel, requests, service) = (context.channel, self.requests, self.service)
        consumer = Task { [self] in
            for await (frame, size) in requests {
                let before = queued.withLock { value -> Int in
                    defer { value -= size }
                    return value
                }
                if before > Self.maxQueuedBytes && before - size <= Self.maxQueuedBytes {
                    channel.eventLoop.execute { self.gate.resume(channel) }
                }
                let id = frame.requestId
                if case let .follow(log, start) = frame.message {
                    var after: DLSN?
                    if case let .after(dlsn) = start { after = dlsn }
                    let follower = Follower(requestId: id, channel: channel, maxPendingBytes: service.followerLagBytes, after: after)
                    followers.withLock { $0.append(follower) }
                    await service.follow(log, from: start, as: follower)
                    continue
                }
                await service.handle(frame.message) { response in
                    self.deliver(BookieFrame(requestId: id, message: response), on: channel)
                }
            }
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        service.statistics.connected(-1)
        continuation.finish()
        for follower in followers.withLock({ $0 }) { follower.connectionClosed() }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let body = unwrapInboundIn(data)
        do {
            let frame = try ProxyCodec.decodeRequest(body)
            queued.withLock { $0 += body.readableBytes }
            continuation.yield((frame, body.readableBytes))
        } catch {
            logger.warning("closing connection after a malformed frame",
                           metadata: ["peer": "\(context.remoteAddress?.description ?? "?")", "error": "\(error)"])
            continuation.finish()
            context.close(promise: nil)
        }
    }

    func read(context: ChannelHandlerContext) {
        gate.read(context, over: queued.withLock { $0 } > Self.maxQueuedBytes)
    }

    private func deliver(_ frame: BookieFrame<ProxyResponse>, on channel: any Channel) {
        var buffer = channel.allocator.buffer(capacity: 64)
        ProxyCodec.encode(frame, into: &buffer)
        let bytes = buffer
        channel.eventLoop.execute { [self] in
            guard channel.isActive else { return }
            channel.write(bytes, promise: nil)
            if !flushScheduled {
                flushScheduled = true
                channel.eventLoop.execute { [self] in
                    flushScheduled = false
                    channel.flush()
                }
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.warning("closing connection", metadata: ["peer": "\(context.remoteAddress?.description ?? "?")", "error": "\(error)"])
        continuation.finish()
        context.close(promise: nil)
    }
}
