import ArgumentParser
import Bookie
import DLCore
import Dispatch
import Foundation
import Logging

struct BookieStart: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Run a bookie in the foreground (logs to stderr; SIGTERM or Ctrl-C stops it cleanly)."
    )

    @OptionGroup var cluster: ClusterOptions
    @Option(name: .customLong("data-dir"), help: "Data directory (journal, entry logs, cookie).") var dataDir: String
    @Option(help: "Port to listen on; with the host it is the bookie's identity.") var port: Int
    @Option(help: "Address to bind.") var host = "127.0.0.1"
    @Option(name: .customLong("http-port"), help: "Serve Prometheus /metrics and /info on this port.") var httpPort: Int?
    @Option(name: .customLong("auth-token"), help: "Require clients to present this token.") var authToken: String?
    @Option(name: .customLong("disk-threshold"), help: "Used disk share above which the bookie turns read-only.")
    var diskThreshold = 0.95
    @Option(name: .customLong("disk-lower-threshold"), help: "Used disk share below which it turns writable again.")
    var diskLowerThreshold = 0.90
    @Option(name: .customLong("gc-interval"), help: "Seconds between garbage collections.") var gcInterval: Seconds = 60
    @Option(name: .customLong("checkpoint-interval"), help: "Seconds between checkpoints.") var checkpointInterval: Seconds = 5
    @Option(name: .customLong("write-cache-mb"),
            help: "MiB of added entries held in memory before a checkpoint starts early (adds wait above twice this).")
    var writeCacheMiB = 256
    @Option(name: .customLong("max-adds-in-flight"),
            help: "Unanswered adds of one connection above which the bookie stops reading it until they are answered.")
    var maxAddsInFlight = BookieConfiguration.defaultMaxAddsInFlight
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error.") var logLevel = "info"
    @Option(name: .customLong("lost-bookie-delay"),
            help: "Seconds a bookie must be gone before the auditor has its ledgers re-replicated (0: at once).")
    var lostBookieDelay: Seconds = 60
    @Option(name: .customLong("ledger-check-interval"),
            help: "Seconds between the auditor's sampled checks of closed ledgers for lacking replicas (0: never).")
    var ledgerCheckInterval: Seconds = 3600
    @Option(name: .customLong("replication-rate"),
            help: "MiB a second this bookie's replication worker copies at most (0: no limit).")
    var replicationRate = 0.0
    @Flag(name: .customLong("no-replication-worker"), help: "Run no replication worker in this bookie (it still stands for auditor).")
    var noReplicationWorker = false
    @Flag(name: .customLong("power-loss-recorder"),
          help: "Fault injection for test harnesses: files go through a power-loss recorder (which keeps every write in memory) and SIGUSR2 cuts the power (the data directory keeps what a power loss would; exit 137). Never in production.")
    var powerLossRecorder = false

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port must be within 1...65535") }
        guard diskLowerThreshold < diskThreshold, diskThreshold <= 1, diskLowerThreshold > 0 else {
            throw ValidationError("thresholds must keep 0 < --disk-lower-threshold < --disk-threshold <= 1")
        }
        guard maxAddsInFlight >= 1 else { throw ValidationError("--max-adds-in-flight must be at least 1") }
        guard (1...65536).contains(writeCacheMiB) else { throw ValidationError("--write-cache-mb must be within 1...65536") }
        guard checkpointInterval.value > 0, gcInterval.value > 0 else {
            throw ValidationError("--checkpoint-interval and --gc-interval must be positive")
        }
        guard replicationRate >= 0, replicationRate.isFinite else { throw ValidationError("--replication-rate must be 0 (no limit) or more MiB a second") }
        try ServerLogging.validate(logLevel)
    }

    func run() async throws {
        ServerLogging.bootstrap(logLevel)
        let logger = Logger(label: "bookie")
        var configuration: BookieConfiguration
        do {
            configuration = BookieConfiguration(dataDirectory: (dataDir as NSString).standardizingPath, port: port,
                                                metadataURI: try cluster.metadataURI())
        } catch {
            throw ErrorReporter.report(error)
        }
        configuration.host = host
        configuration.httpPort = httpPort
        configuration.authToken = authToken
        configuration.diskUsageThreshold = diskThreshold
        configuration.diskUsageLowerThreshold = diskLowerThreshold
        configuration.garbageCollectionInterval = gcInterval.duration
        configuration.checkpointInterval = checkpointInterval.duration
        configuration.writeCacheBytes = writeCacheMiB * 1024 * 1024
        configuration.maxAddsInFlightPerConnection = maxAddsInFlight
        configuration.metadataOptions = cluster.storeOptions
        var autorecovery = Autorecovery.Options()
        autorecovery.lostBookieDelay = lostBookieDelay.duration
        autorecovery.worker = !noReplicationWorker
        autorecovery.copyRate = replicationRate > 0 ? replicationRate * 1024 * 1024 : nil
        autorecovery.checkInterval = ledgerCheckInterval.value > 0 ? ledgerCheckInterval.duration : nil
        configuration.autorecovery = autorecovery
        let node: BookieNode
        do {
            if powerLossRecorder { configuration.files = try PowerLossSwitch.install(over: configuration.dataDirectory, logger: logger) }
            node = try await BookieNode.start(configuration, logger: logger)
        } catch {
            throw ErrorReporter.report(error)
        }
        await SignalWaiter.wait(for: [SIGTERM, SIGINT])
        logger.info("signal received; stopping")
        await node.shutdown()
    }
}

/// Waits for one of a set of signals (their default action is replaced).
enum SignalWaiter {
    static func wait(for signals: [Int32]) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let once = OnceFlag()
            var sources: [any DispatchSourceSignal] = []
            for number in signals {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler {
                    if once.take() { continuation.resume() }
                }
                source.resume()
                sources.append(source)
            }
            SignalSources.keep(sources)
        }
    }
}

/// Keeps signal sources alive for the life of the process.
enum SignalSources {
    nonisolated(unsafe) private static var kept: [any DispatchSourceSignal] = []
    private static let lock = NSLock()
    static func keep(_ sources: [any DispatchSourceSignal]) { lock.withLock { kept += sources } }
}

/// True exactly once.
final class OnceFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var taken = false
    func take() -> Bool {
        lock.withLock {
            defer { taken = true }
            return !taken
        }
    }
}
