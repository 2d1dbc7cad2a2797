import ArgumentParser
import DLCore

struct SealCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seal",
        abstract: "Mark a log's end of stream: readers get every record, then the end; later writes fail."
    )

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "NAMESPACE/LOG", completion: LiveNames.completion(.logs), transform: LogArgument.parse) var log: LogName
    @Option(name: .customLong("lock-timeout"), help: "Seconds to wait for another writer's lock.") var lockTimeout = 30.0

    func run() async throws {
        let (cluster, log, lockTimeout) = (self.cluster, self.log, self.lockTimeout)
        try await reportingErrors(timeout: nil) {
            try await cluster.withStore { store in
                var options = LogWriter.Options()
                options.lockTimeout = .milliseconds(Int64(lockTimeout * 1000))
                let connections = BookieConnections()
                let writer = try await LogWriter.open(log, store: store, connections: connections, options: options)
                let last = try await writer.markEndOfStream()
                print("sealed \(log) after \(last?.description ?? "no records")")
                await connections.closeAll()
            }
        }
    }
}
