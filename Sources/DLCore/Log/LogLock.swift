import Foundation

/// A log's writer lock: members are ephemeral sequential nodes under `lock/`; the lowest
/// holds it. A member goes away when its session ends (close, crash or expiry).
public enum LogLock {
    /// Joins the lock and waits up to `timeout` for the members ahead to go, then fails
    /// saying who holds it. Returns the member node.
    public static func acquire(_ name: LogName, store: any MetadataStore, timeout: Duration, purpose: String = "writer",
                               owner: String? = nil) async throws -> String
    {
        let owner = owner ?? "\(purpose), pid \(getpid()) on \(ProcessInfo.processInfo.hostName), session \(store.sessionId)"
        let node = try await store.create(name.lockPath + "/member-", data: Array(owner.utf8), mode: .ephemeralSequential)
        let deadline = ContinuousClock.now + timeout
        let changes = try await store.watchChildren(name.lockPath)
        var iterator = changes.makeAsyncIterator()
        while true {
            let members = try await store.children(name.lockPath).sorted()
            if members.first == MetadataPath.name(of: node) { return node }
            if ContinuousClock.now >= deadline {
                let holder = try? await holder(of: name, store: store)
                try? await store.delete(node, expectedVersion: nil)
                throw LogError.locked(log: name.description, holder: holder ?? "unknown")
            }
            let remaining = deadline - ContinuousClock.now
            let timer = Task {
                try? await Task.sleep(for: remaining)
                return MetadataEvent.childrenChanged("")
            }
            _ = await iterator.next()
            timer.cancel()
        }
    }

    /// The holder description of a write proxy: its routable address first, so that other
    /// proxies can send clients there (`proxyAddress(ofHolder:)`).
    public static func proxyOwner(address: String, session: Int64) -> String {
        "proxy \(address), pid \(getpid()), session \(session)"
    }

    /// The proxy address in a holder description, nil when the holder is not a proxy.
    public static func proxyAddress(ofHolder holder: String) -> String? {
        guard holder.hasPrefix("proxy "), let end = holder.firstIndex(of: ",") else { return nil }
        let address = holder[holder.index(holder.startIndex, offsetBy: 6)..<end]
        return address.isEmpty ? nil : String(address)
    }

    /// Who holds the lock now (the lowest member's description), nil when nobody does.
    public static func holder(of name: LogName, store: any MetadataStore) async throws -> String? {
        guard let first = try await store.children(name.lockPath).sorted().first,
              let node = try await store.getIfExists(name.lockPath + "/" + first) else { return nil }
        return String(decoding: node.data, as: UTF8.self)
    }
}
