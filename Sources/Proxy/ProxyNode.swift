import DLCore
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A running write proxy: the wire server, the service behind it, its registration. `start`
/// returns once it serves; `shutdown` stops taking requests, lets every owned log go after
/// its outstanding writes, and deregisters.
public final class ProxyNode: Sendable {
    public let configuration: ProxyConfiguration
    /// host:port, as registered and as the owner id in log locks.
    public let address: String
    let service: ProxyService
    private let group: MultiThreadedEventLoopGroup
    private let channels: [any Channel]
    private let registrar: ProxyRegistrar
    private let connections: BookieConnections
    private let logger: Logger
    private let background = Mutex<Task<Void, Never>?>(nil)
    private let stopped = Mutex(false)

    public enum StartFailure: Error, CustomStringConvertible {
        case cannotBind(String, String)
        public var description: String {
            switch self {
            case let .cannotBind(address, reason): return "cannot listen on \(address): \(reason)"
            }
        }
    }

    public static func start(_ configuration: ProxyConfiguration, logger: Logger) async throws -> ProxyNode {
        let store = try await configuration.metadataURI.open(options: configuration.metadataOptions)
        do { _ = try await ClusterLayout.info(store) } catch {
            await store.close()
            throw error
        }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let connections = BookieConnections()
        let address = Self.address(host: configuration.host, port: configuration.port)
        let box = ServiceBox()
        var channels: [any Channel] = []
        do {
            let server = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 4096)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        guard let service = box.service else { throw ChannelError.ioOnClosedChannel }
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder()))
                        try channel.pipeline.syncOperations.addHandler(ProxyChannelHandler(service: service, logger: logger))
                    }
                }
                .bind(host: configuration.host, port: configuration.port).get()
            channels.append(server)
        } catch {
            try? await group.shutdownGracefully()
            await store.close()
            throw StartFailure.cannotBind(address, "\(error)")
        }
        // Port 0: the port the system chose is the address.
        let bound = Self.address(host: configuration.host, port: channels[0].localAddress?.port ?? configuration.port)
        let service = ProxyService(address: bound, store: store, connections: connections, writerOptions: configuration.writer,
                                   limits: configuration.limits, maxLogs: configuration.maxLogs,
                                   followerLagBytes: configuration.followerLagBytes, logger: logger)
        box.service = service
        do {
            if let httpPort = configuration.httpPort {
                let door = HTTPDoor(service: service, store: store, connections: connections, client: ProxyClient(store: store),
                                    writeTimeout: .seconds(30))
                let http = try await ServerBootstrap(group: group)
                    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                    .childChannelInitializer { channel in
                        channel.pipeline.configureHTTPServerPipeline(withErrorHandling: true).flatMap {
                            channel.pipeline.addHandler(ProxyHTTPHandler(door: door))
                        }
                    }
                    .bind(host: configuration.host, port: httpPort).get()
                channels.append(http)
            }
        } catch {
            for channel in channels { try? await channel.close() }
            try? await group.shutdownGracefully()
            await store.close()
            throw StartFailure.cannotBind("\(configuration.host):\(configuration.httpPort ?? 0)", "\(error)")
        }
        let registrar = ProxyRegistrar(configuration: configuration, address: bound, service: service, store: store, logger: logger)
        do { try await registrar.register() } catch {
            for channel in channels { try? await channel.close() }
            try? await group.shutdownGracefully()
            await store.close()
            throw error
        }
        let node = ProxyNode(configuration: configuration, address: bound, service: service, group: group, channels: channels,
                             registrar: registrar, connections: connections, logger: logger)
        let idle = configuration.idleRelease
        node.background.withLock { $0 = Task { await registrar.keepRegistered(idleRelease: idle) } }
        logger.info("proxy serving", metadata: ["address": "\(bound)"])
        return node
    }

    static func address(host: String, port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    private init(configuration: ProxyConfiguration, address: String, service: ProxyService, group: MultiThreadedEventLoopGroup,
                 channels: [any Channel], registrar: ProxyRegistrar, connections: BookieConnections, logger: Logger) {
        self.configuration = configuration
        self.address = address
        self.service = service
        self.group = group
        self.channels = channels
        self.registrar = registrar
        self.connections = connections
        self.logger = logger
    }

    public var port: Int { channels.first?.localAddress?.port ?? configuration.port }

    /// What the proxy would answer a handshake.
    public func info() async -> ProxyInfo { await service.info() }

    /// Stops: no new logs or requests, owned logs released after their outstanding writes,
    /// registration removed, listeners closed.
    public func shutdown() async {
        let already = stopped.withLock { value in
            defer { value = true }
            return value
        }
        if already { return }
        background.withLock { $0 }?.cancel()
        await service.stop()
        await registrar.deregister()
        for channel in channels { try? await channel.close() }
        await connections.closeAll()
        try? await group.shutdownGracefully()
        logger.info("proxy stopped", metadata: ["address": "\(address)"])
    }
}

/// Late binding of the service for the connection initialiser (the service needs the bound port).
private final class ServiceBox: @unchecked Sendable {
    var service: ProxyService?
}
