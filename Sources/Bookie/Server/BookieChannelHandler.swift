import DLCore
import Logging
import NIOCore

/// One client connection: decodes request frames, passes them to the service, writes the
/// responses (flushes coalesced per event-loop tick). Adds are gathered over one read burst
/// and handed to the service together at the burst's end (or before any other request, so a
/// connection's requests keep their order). A malformed frame closes this connection only.
/// Admission is bounded per connection: while `maxAddsInFlight` of its adds are unanswered
/// the connection is not read (as BookKeeper's per-channel limit), so one flooding client
/// slows itself down instead of the bookie's other clients.
final class BookieChannelHandler: ChannelDuplexHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let maxAddsInFlight: Int
    /// Adds handed to the service and not yet answered (event loop and reply threads).
    private let addsInFlight = Locked(0)
    private let gate = ReadGate()

    private let service: BookieService
    private let logger: Logger
    private var authenticated: Bool
    private var flushScheduled = false
    /// Responses completed on other threads (journal, read pool), drained on the event loop in
    /// one task per burst instead of one task each. A plain mutex: the journal's sync thread
    /// and the event loop contend for it (Swift's `Mutex` would make each hand-off a kernel trip).
    private let outbox = Locked<[BookieFrame<BookieResponse>]>([])
    /// Adds of the current read burst, not yet handed to the service.
    private var adds: [BookieService.AddRequest] = []
    /// The last add's ledger key: the next add of the same ledger shares its bytes.
    private var lastKey: [UInt8]?

    init(service: BookieService, logger: Logger, maxAddsInFlight: Int = BookieConfiguration.defaultMaxAddsInFlight) {
        self.service = service
        self.logger = logger
        self.maxAddsInFlight = max(maxAddsInFlight, 1)
        self.authenticated = service.authToken == nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let body = unwrapInboundIn(data)
        let frame: BookieFrame<BookieRequest>
        do {
            frame = try WireCodec.decodeRequest(body, knownKey: lastKey)
        } catch {
            logger.warning("closing connection after a malformed frame",
                           metadata: ["peer": "\(context.remoteAddress?.description ?? "?")", "error": "\(error)"])
            context.close(promise: nil)
            return
        }
        let requestId = frame.requestId
        let channel = context.channel
        if authenticated, case let .add(key, entry, recovery) = frame.message {
            lastKey = key
            adds.append(.init(tag: requestId, ledgerKey: key, entry: entry, recovery: recovery))
            return
        }
        submitAdds(on: channel)
        let respond: BookieService.Respond = { [self] response in
            deliver([BookieFrame(requestId: requestId, message: response)], on: channel)
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

    func channelReadComplete(context: ChannelHandlerContext) {
        submitAdds(on: context.channel)
        context.fireChannelReadComplete()
    }

    private func submitAdds(on channel: any Channel) {
        guard !adds.isEmpty else { return }
        let burst = adds
        adds.removeAll(keepingCapacity: true)
        addsInFlight.withLock { $0 += burst.count }
        service.add(burst) { [self] replies in
            let limit = maxAddsInFlight
            let (before, after) = addsInFlight.withLock { value -> (Int, Int) in
                defer { value -= replies.count }
                return (value, value - replies.count)
            }
            deliver(replies.map { BookieFrame(requestId: $0.tag, message: $0.response) }, on: channel)
            if before >= limit && after < limit { channel.eventLoop.execute { self.gate.resume(channel) } }
        }
    }

    func read(context: ChannelHandlerContext) {
        gate.read(context, over: addsInFlight.withLock { $0 } >= maxAddsInFlight)
    }

    /// Writes responses: at once on the event loop, else through the outbox.
    private func deliver(_ frames: [BookieFrame<BookieResponse>], on channel: any Channel) {
        if channel.eventLoop.inEventLoop {
            write(frames, on: channel)
            return
        }
        let first = outbox.withLock { pending in
            pending.append(contentsOf: frames)
            return pending.count == frames.count
        }
        if first {
            channel.eventLoop.execute {
                let frames = self.outbox.withLock { pending in
                    defer { pending.removeAll(keepingCapacity: true) }
                    return pending
                }
                self.write(frames, on: channel)
            }
        }
    }

    /// Encodes a burst of responses into one buffer: one write through the pipeline for all.
    private func write(_ frames: [BookieFrame<BookieResponse>], on channel: any Channel) {
        guard channel.isActive, !frames.isEmpty else { return }
        var buffer = channel.allocator.buffer(capacity: 32 * frames.count)
        for frame in frames { WireCodec.encode(frame, into: &buffer) }
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
