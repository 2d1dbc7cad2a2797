import DLCore
import Logging
import NIOCore

/// One client connection: decodes request frames, passes them to the service, writes the
/// responses (flushes coalesced per event-loop tick). A malformed frame closes this
/// connection only.
final class BookieChannelHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let service: BookieService
    private let logger: Logger
    private var authenticated: Bool
    private var flushScheduled = false

    init(service: BookieService, logger: Logger) {
        self.service = service
        self.logger = logger
        self.authenticated = service.authToken == nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let body = unwrapInboundIn(data)
        let frame: BookieFrame<BookieRequest>
        do {
            frame = try WireCodec.decodeRequest(body)
        } catch {
            logger.warning("closing connection after a malformed frame",
                           metadata: ["peer": "\(context.remoteAddress?.description ?? "?")", "error": "\(error)"])
            context.close(promise: nil)
            return
        }
        let requestId = frame.requestId
        let channel = context.channel
        let respond: BookieService.Respond = { [self] response in
            if channel.eventLoop.inEventLoop {
                self.write(BookieFrame(requestId: requestId, message: response), on: channel)
            } else {
                channel.eventLoop.execute { self.write(BookieFrame(requestId: requestId, message: response), on: channel) }
            }
        }
        if !authenticated {
            if case let .auth(token) = frame.message, token == service.authToken {
                authenticated = true
                respond(.auth(.ok))
            } else {
                respond(.failure(.unauthorized, for: frame.message))
                context.channel.close(promise: nil)
            }
            return
        }
        service.handle(frame.message, on: context.eventLoop, respond: respond)
    }

    private func write(_ frame: BookieFrame<BookieResponse>, on channel: any Channel) {
        guard channel.isActive else { return }
        var buffer = channel.allocator.buffer(capacity: 64)
        WireCodec.encode(frame, into: &buffer)
        channel.write(buffer, promise: nil)
        if !flushScheduled {
            flushScheduled = true
            channel.eventLoop.execute { [self] in
                flushScheduled = false
                channel.flush()
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.warning("closing connection", metadata: ["peer": "\(context.remoteAddress?.description ?? "?")", "error": "\(error)"])
        context.close(promise: nil)
    }
}
