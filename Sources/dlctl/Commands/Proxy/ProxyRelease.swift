import ArgumentParser
import DLCore

struct ProxyRelease: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release",
        abstract: "Make the proxy that owns a log let it go (after its outstanding writes); the next request moves it.",
        discussion: "A draining owner's log goes to another proxy; otherwise the next request may bring it back."
    )

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "NAMESPACE/LOG", completion: LiveNames.completion(.logs), transform: LogArgument.parse) var log: LogName

    func run() async throws {
        let (cluster, log) = (self.cluster, self.log)
        try await reportingErrors(timeout: cluster.commandTimeout) {
            try await cluster.withStore { store in
                let client = ProxyClient(store: store)
                defer { Task { await client.close() } }
                guard try await LogCatalog(store: store).exists(log) else { throw LogError.noSuchLog(log.description) }
                guard try await !client.refresh().isEmpty else { throw ProxyClient.Failure.noProxies }
                // The owner, if a proxy holds the lock; else any proxy says nobody owns it.
                var target = try await LogLock.holder(of: log, store: store).flatMap(LogLock.proxyAddress(ofHolder:))
                if target == nil { target = await client.route(log.description).first }
                guard let address = target else { throw ProxyClient.Failure.noProxies }
                var response = try await client.ask(address, .release(log: log.description), timeout: cluster.commandTimeout / 2)
                if case let .release(.redirect, owner) = response {
                    response = try await client.ask(owner, .release(log: log.description), timeout: cluster.commandTimeout / 2)
                }
                guard case let .release(.ok, detail) = response else {
                    throw CommandFailure(.failed, "releasing \(log): \(response.detail)")
                }
                print(detail)
            }
        }
    }
}
