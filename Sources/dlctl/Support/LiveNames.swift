import ArgumentParser
import DLCore
import Foundation

/// Names that exist in the cluster right now (namespaces, logs, bookies, ledger ids, proxies), for
/// shell completion and the REPL. Best effort: an unreachable cluster completes nothing.
enum LiveNames {
    enum Kind: Sendable {
        case logs, namespaces, bookies, ledgers, proxies
    }

    /// The names of `kind` in the cluster at `uri` (nil: the default cluster), within 2 s.
    static func fetch(_ kind: Kind, uri: String?) async -> [String] {
        guard let options = try? ClusterOptions.parse((uri.map { ["--uri", $0] } ?? []) + ["--timeout", "2"]) else { return [] }
        let found = try? await withThrowingTaskGroup(of: [String].self) { group in
            group.addTask { try await options.withStore { store in try await Self.names(kind, store: store) } }
            group.addTask {
                try await Task.sleep(for: .seconds(2))
                return []
            }
            let first = try await group.next() ?? []
            group.cancelAll()
            return first
        }
        return (found ?? []).sorted()
    }

    static func names(_ kind: Kind, store: any MetadataStore) async throws -> [String] {
        let catalog = LogCatalog(store: store)
        switch kind {
        case .namespaces:
            return try await catalog.namespaces()
        case .logs:
            var logs: [String] = []
            for namespace in try await catalog.namespaces() {
                logs += try await catalog.logs(in: namespace).map { namespace + "/" + $0 }
            }
            return logs
        case .bookies:
            return try await store.children(ClusterLayout.availableBookies)
        case .proxies:
            return try await ProxyRegistration.all(in: store).map(\.address)
        case .ledgers:
            return try await store.children(ClusterLayout.ledgers).compactMap { ClusterLayout.ledgerId(ofName: $0).map(String.init) }
        }
    }

    /// A completion for arguments naming a `kind`; `--uri` on the command line is honoured.
    static func completion(_ kind: Kind) -> CompletionKind {
        .custom { (words: [String], _: Int, prefix: String) async -> [String] in
            let uri = words.firstIndex(of: "--uri").flatMap { words.indices.contains($0 + 1) ? words[$0 + 1] : nil }
            return await fetch(kind, uri: uri).filter { $0.hasPrefix(prefix) }
        }
    }
}
