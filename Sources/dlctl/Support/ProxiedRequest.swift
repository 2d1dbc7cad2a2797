import DLCore

/// A request about one log sent to its owning write proxy (found, followed and retried by
/// `ProxyClient` within the command's timeout).
enum ProxiedRequest {
    /// Whether the cluster has write proxies to go through.
    static func available(_ store: any MetadataStore) async throws -> Bool {
        try await !ProxyRegistration.all(in: store).isEmpty
    }

    static func send(_ request: ProxyRequest, log: LogName, store: any MetadataStore, timeout: Duration) async throws -> ProxyResponse {
        let client = ProxyClient(store: store)
        do {
            let (response, _) = try await client.send(request, log: log.description, deadline: .now + timeout)
            await client.close()
            return response
        } catch {
            await client.close()
            throw error
        }
    }
}
