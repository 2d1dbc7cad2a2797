import ArgumentParser
import DLCore
import Foundation

struct ProxyInfoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show one write proxy: status, owned logs, connections, requests/s, bytes/s, limits and what they refused."
    )

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "The proxy's address (host:port), as 'dlctl proxy list' shows it.",
              completion: LiveNames.completion(.proxies)) var proxy: String
    @Option(name: .shortAndLong, help: "Output format: table or json.") var output: OutputFormat = .table

    func run() async throws {
        let (cluster, proxy, output) = (self.cluster, self.proxy, self.output)
        try await reportingErrors(timeout: cluster.commandTimeout) {
            let info = try await ProxyTarget.ask(proxy, .handshake(client: "dlctl proxy info"), cluster: cluster) { (response: ProxyResponse) -> ProxyInfo? in
                guard case let .handshake(.ok, _, info) = response else { return nil }
                return info
            }
            switch output {
            case .json: try JSONOutput.print(info)
            case .table:
                Table.print(["FIELD", "VALUE"], [
                    ["address", info.address], ["status", info.status], ["connections", "\(info.connections)"],
                    ["requests", "\(info.requests)"], ["bytes", "\(info.bytes)"],
                    ["requests/s", String(format: "%.1f", info.requestsPerSecond)],
                    ["bytes/s", String(format: "%.0f", info.bytesPerSecond)],
                    ["followers", "\(info.followers)"],
                    ["limits", info.limits],
                    ["over soft limit", "\(info.overSoftLimit)"],
                    ["over capacity", "\(info.overCapacity)"],
                    ["owned logs", info.ownedLogs.isEmpty ? "-" : info.ownedLogs.joined(separator: ",")],
                ])
            }
        }
    }
}

/// One registered proxy, asked directly.
enum ProxyTarget {
    /// Sends `request` to the registered proxy `address` and reads the answer with `accept`
    /// (nil: the proxy refused, and its detail is the error).
    static func ask<T: Sendable>(_ address: String, _ request: ProxyRequest, cluster: ClusterOptions,
                                 accept: @escaping @Sendable (ProxyResponse) -> T?) async throws -> T {
        try await cluster.withStore { store in
            let registrations = try await ProxyRegistration.all(in: store)
            guard registrations.contains(where: { $0.address == address }) else {
                let known = registrations.map(\.address).joined(separator: ", ")
                throw CommandFailure(.notFound, "no proxy \(address) is registered" + (known.isEmpty ? " (none is)" : " (registered: \(known))"))
            }
            let client = ProxyClient(store: store)
            defer { Task { await client.close() } }
            let response: ProxyResponse
            do { response = try await client.ask(address, request, timeout: cluster.commandTimeout / 2) } catch {
                throw CommandFailure(.unavailable, "\(error)")
            }
            guard let value = accept(response) else { throw CommandFailure(.failed, "proxy \(address): \(response.detail)") }
            return value
        }
    }
}
