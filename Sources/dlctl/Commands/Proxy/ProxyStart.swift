import ArgumentParser
import DLCore
import Foundation
import Logging
import Proxy

struct ProxyStart: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Run a write proxy in the foreground (logs to stderr; SIGTERM or Ctrl-C stops it cleanly).",
        discussion: """
            On SIGTERM the proxy takes no new requests, finishes the writes it accepted, releases every log it owns \
            and deregisters, then exits 0.
            """
    )

    @OptionGroup var cluster: ClusterOptions
    @Option(help: "Port to listen on; with the host it is the proxy's address and owner id.") var port: Int
    @Option(help: "Address to bind (and to register: it must be routable for clients).") var host = "127.0.0.1"
    @Option(name: .customLong("http-port"), help: "Serve Prometheus /metrics and /info on this port.") var httpPort: Int?
    @Option(name: .customLong("idle-release"), help: "Seconds after which a log nobody wrote to is released.")
    var idleRelease: Seconds = 300
    @Option(name: .customLong("roll-size"), help: "Roll owned logs to a new segment after this many MiB.") var rollSize = 1024
    @Option(name: .customLong("roll-interval"), help: "Roll owned logs to a new segment after this many seconds.")
    var rollInterval: Seconds = 7200
    @Option(help: "Compression of the record sets of owned logs: none or lz4.") var codec = "none"
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error.") var logLevel = "info"
    @OptionGroup(title: "Limits on all writes through this proxy together") var limits: LimitOptions
    @Option(name: .customLong("max-logs"), help: "The most logs this proxy owns at once; past it, new logs go to another proxy.")
    var maxLogs: Int?
    @Option(name: .customLong("follower-lag"), help: "How far a follower may fall behind (bytes sent it has not read: 512KiB, 8MiB) before it is cut off.")
    var followerLag = RateArgument(argument: "8MiB")!

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port must be within 1...65535") }
        if let httpPort, !(1...65535).contains(httpPort) { throw ValidationError("--http-port must be within 1...65535") }
        guard idleRelease.value > 0, rollSize > 0, rollInterval.value > 0 else {
            throw ValidationError("--idle-release, --roll-size and --roll-interval must be positive")
        }
        if CompressionCodec(name: codec) == nil { throw ValidationError("unknown codec \(codec) (none or lz4)") }
        try ServerLogging.validate(logLevel)
        if let problem = limits.applied(to: .none).problem { throw ValidationError(problem) }
        if let maxLogs, maxLogs < 1 { throw ValidationError("--max-logs must be at least 1") }
        guard let lag = followerLag.value, lag >= 4096, lag <= Double(1 << 40) else {
            throw ValidationError("--follower-lag must be between 4KiB and 1TiB")
        }
    }

    func run() async throws {
        ServerLogging.bootstrap(logLevel)
        let logger = Logger(label: "proxy")
        var configuration: ProxyConfiguration
        do {
            configuration = ProxyConfiguration(port: port, metadataURI: try cluster.metadataURI())
        } catch {
            throw ErrorReporter.report(error)
        }
        configuration.host = host
        configuration.httpPort = httpPort
        configuration.idleRelease = idleRelease.duration
        configuration.metadataOptions = cluster.storeOptions
        // The embedded store's watches poll: a tenth of a second is soon enough for limits and
        // new segments, and keeps an idle proxy idle (ZooKeeper watches are pushed anyway).
        configuration.metadataOptions.watchPollInterval = .milliseconds(100)
        configuration.writer.rollBytes = Int64(rollSize) << 20
        configuration.writer.rollInterval = rollInterval.duration
        configuration.writer.codec = CompressionCodec(name: codec) ?? .none
        configuration.limits = limits.applied(to: .none)
        configuration.maxLogs = maxLogs
        configuration.followerLagBytes = Int(followerLag.value ?? Double(configuration.followerLagBytes))
        let node: ProxyNode
        do {
            node = try await ProxyNode.start(configuration, logger: logger)
        } catch {
            throw ErrorReporter.report(error)
        }
        await SignalWaiter.wait(for: [SIGTERM, SIGINT])
        logger.info("signal received; stopping")
        await node.shutdown()
    }
}
