import NIOCore
import NIOPosix

/// Opens a client connection that speaks length-prefixed frames (`FrameDecoder`) to `handler`:
/// the bookie protocol and the write-proxy protocol alike.
enum FramedConnection {
    /// A numeric address is connected to as it is: a name lookup and Happy Eyeballs cost a
    /// one-liner a thread and a good part of its CPU, for an address that needs neither.
    static func connect(host: String, port: Int, group: any EventLoopGroup, timeout: Duration,
                        handler: any ChannelInboundHandler & Sendable) async throws -> any Channel {
        let bootstrap = ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(.nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000
                + timeout.components.attoseconds / 1_000_000_000))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder()))
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
        if let numeric = try? SocketAddress(ipAddress: host, port: port) {
            return try await bootstrap.connect(to: numeric).get()
        }
        return try await bootstrap.connect(host: host, port: port).get()
    }

    /// host and port of `host:port` (`[v6]:port` too).
    static func split(_ address: String) -> (host: String, port: Int)? {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
              (1...65535).contains(port) else { return nil }
        var host = String(address[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return host.isEmpty ? nil : (host, port)
    }
}
