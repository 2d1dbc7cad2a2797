import NIOCore
import NIOPosix
import Synchronization

/// Connections to bookies by id (host:port), opened on first use and reopened after they drop.
public final class BookieConnections: Sendable {
    private let group: any EventLoopGroup
    private let clients = Mutex<[String: BookieClient]>([:])
    private let authToken: [UInt8]?

    public init(group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, authToken: [UInt8]? = nil) {
        self.group = group
        self.authToken = authToken
    }

    public func client(_ bookieId: String) async throws(BookieClientError) -> BookieClient {
        if let client = clients.withLock({ $0[bookieId] }), client.isActive { return client }
        let client = try await BookieClient.connect(bookieId, group: group, authToken: authToken, timeout: .seconds(5))
        let kept = clients.withLock { clients -> BookieClient in
            if let existing = clients[bookieId], existing.isActive { return existing }
            clients[bookieId] = client
            return client
        }
        if kept !== client { await client.close() }
        return kept
    }

    public func closeAll() async {
        let all = clients.withLock { clients in
            defer { clients.removeAll() }
            return Array(clients.values)
        }
        for client in all { await client.close() }
    }
}
