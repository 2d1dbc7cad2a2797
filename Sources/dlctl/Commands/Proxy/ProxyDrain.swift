import ArgumentParser
import DLCore

struct ProxyDrain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drain",
        abstract: "Make a proxy keep serving the logs it owns and take no new ones (--undo: take them again).",
        discussion: "Combine with 'dlctl proxy release LOG' to move logs off a proxy before stopping it."
    )

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "The proxy's address (host:port).", completion: LiveNames.completion(.proxies)) var proxy: String
    @Flag(help: "Take new logs again.") var undo = false

    func run() async throws {
        let (cluster, proxy, undo) = (self.cluster, self.proxy, self.undo)
        try await reportingErrors(timeout: cluster.commandTimeout) {
            let status = try await ProxyTarget.ask(proxy, .drain(undo: undo), cluster: cluster) { (response: ProxyResponse) -> String? in
                guard case let .drain(.ok, detail) = response else { return nil }
                return detail
            }
            print("\(proxy): \(status)")
        }
    }
}
