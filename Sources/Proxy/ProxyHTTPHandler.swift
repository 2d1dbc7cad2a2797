import DLCore
import Foundation
import NIOCore
import NIOHTTP1

/// One HTTP connection to a proxy's door: reads a request whole (a body over
/// `HTTPDoor.maxBodyBytes` is answered 413 without being kept), has `HTTPDoor` answer it, and
/// ends a streamed answer when the client goes. One request per connection (Connection: close).
final class ProxyHTTPHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let door: HTTPDoor
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var tooLarge = false
    private var answering: Task<Void, Never>?

    init(door: HTTPDoor) { self.door = door }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case let .head(head):
            self.head = head
            body.removeAll()
            tooLarge = false
        case var .body(buffer):
            if body.count + buffer.readableBytes > HTTPDoor.maxBodyBytes {
                tooLarge = true
                body.removeAll()
            } else if !tooLarge, let bytes = buffer.readBytes(length: buffer.readableBytes) {
                body += bytes
            }
        case .end:
            guard let head, answering == nil else { return }
            let responder = HTTPResponder(channel: context.channel)
            if tooLarge {
                responder.error(.tooLarge("the body is over the limit of \(HTTPDoor.maxBodyBytes >> 20) MiB"))
                return
            }
            let (door, request) = (self.door, HTTPDoorRequest(head: head, body: body))
            body = []
            answering = Task { await door.answer(request, responder) }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        answering?.cancel()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A request that is not HTTP: 400 from the pipeline's own handler, then close.
        context.close(promise: nil)
    }
}

/// Writes an HTTP answer from any thread: whole, or streamed in chunks.
struct HTTPResponder: Sendable {
    let channel: any Channel

    private func head(_ status: HTTPResponseStatus, type: String, length: Int?) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: type)
        if let length { headers.add(name: "Content-Length", value: "\(length)") } else { headers.add(name: "Transfer-Encoding", value: "chunked") }
        headers.add(name: "Connection", value: "close")
        channel.write(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers)), promise: nil)
    }

    func send(_ status: HTTPResponseStatus, type: String, _ body: String) {
        let channel = self.channel
        channel.eventLoop.execute {
            head(status, type: type, length: body.utf8.count)
            channel.write(HTTPServerResponsePart.body(.byteBuffer(channel.allocator.buffer(string: body))), promise: nil)
            channel.writeAndFlush(HTTPServerResponsePart.end(nil)).whenComplete { _ in channel.close(promise: nil) }
        }
    }

    func json(_ value: some Encodable, status: HTTPResponseStatus = .ok) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        send(status, type: "application/json", body + "\n")
    }

    func error(_ error: HTTPDoorError) { send(error.status, type: "application/json", error.json) }

    func startStream(type: String) {
        let channel = self.channel
        channel.eventLoop.execute {
            head(.ok, type: type, length: nil)
            channel.flush()
        }
    }

    /// A chunk of a streamed answer; waits until it is written (back-pressure).
    func chunk(_ data: Data) async throws {
        let channel = self.channel
        let written: EventLoopFuture<Void> = channel.eventLoop.flatSubmit {
            channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(channel.allocator.buffer(bytes: data))))
        }
        try await written.get()
    }

    func endStream(trailer error: HTTPDoorError? = nil) {
        let channel = self.channel
        channel.eventLoop.execute {
            if let error {
                channel.write(HTTPServerResponsePart.body(.byteBuffer(channel.allocator.buffer(string: error.json))), promise: nil)
            }
            channel.writeAndFlush(HTTPServerResponsePart.end(nil)).whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
