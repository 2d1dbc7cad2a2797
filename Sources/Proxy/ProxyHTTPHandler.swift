import DLCore
import Foundation
import NIOCore
import NIOHTTP1

/// `GET /metrics` (Prometheus text) and `GET /info` (JSON) of a write proxy.
final class ProxyHTTPHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let service: ProxyService
    private var path = "/"

    init(service: ProxyService) { self.service = service }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case let .head(head): path = head.uri
        case .body: break
        case .end:
            let (channel, path, service) = (context.channel, self.path, self.service)
            Task {
                let info = await service.info()
                let (status, type, body): (HTTPResponseStatus, String, String)
                switch path {
                case "/metrics": (status, type, body) = (.ok, "text/plain; version=0.0.4", Self.prometheus(info))
                case "/info":
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys]
                    (status, type, body) = (.ok, "application/json", String(decoding: (try? encoder.encode(info)) ?? Data(), as: UTF8.self))
                default: (status, type, body) = (.notFound, "text/plain", "not found: try /metrics or /info\n")
                }
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: type)
                headers.add(name: "Content-Length", value: "\(body.utf8.count)")
                channel.write(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers)),
                              promise: nil)
                channel.write(HTTPServerResponsePart.body(.byteBuffer(channel.allocator.buffer(string: body))), promise: nil)
                channel.writeAndFlush(HTTPServerResponsePart.end(nil), promise: nil)
            }
        }
    }

    static func prometheus(_ info: ProxyInfo) -> String {
        var lines: [String] = []
        func metric(_ name: String, _ type: String, _ help: String, _ value: String) {
            lines += ["# HELP \(name) \(help)", "# TYPE \(name) \(type)", "\(name) \(value)"]
        }
        metric("dlctl_proxy_write_requests_total", "counter", "Write requests received.", "\(info.requests)")
        metric("dlctl_proxy_write_bytes_total", "counter", "Record bytes in write requests.", "\(info.bytes)")
        metric("dlctl_proxy_connections", "gauge", "Client connections open.", "\(info.connections)")
        metric("dlctl_proxy_owned_logs", "gauge", "Logs this proxy owns.", "\(info.ownedLogs.count)")
        metric("dlctl_proxy_draining", "gauge", "1 while the proxy takes no new logs.", info.draining ? "1" : "0")
        metric("dlctl_proxy_writes_over_soft_limit_total", "counter", "Writes let through above a soft limit.", "\(info.overSoftLimit)")
        metric("dlctl_proxy_writes_over_capacity_total", "counter", "Writes refused above a hard limit.", "\(info.overCapacity)")
        return lines.joined(separator: "\n") + "\n"
    }
}
