/// Where write limits live in the metadata: in the data of the log's node and of the
/// namespace's node (empty there: no limits), so a rename carries them and a delete ends them.
public struct LimitSettings: Sendable {
    public let store: any MetadataStore

    public init(store: any MetadataStore) { self.store = store }

    public static func path(of scope: WriteAdmission.Scope) -> String? {
        switch scope {
        case let .log(name): return (try? LogName(parsing: name))?.path
        case let .namespace(name): return LogName.namespacePath(name)
        case .proxy: return nil
        }
    }

    /// The limits of a log or namespace; a missing one is `noSuchLog` / `noSuchNamespace`.
    public func limits(of scope: WriteAdmission.Scope) async throws -> WriteLimits {
        guard let path = Self.path(of: scope) else { return .none }
        guard let node = try await store.getIfExists(path) else { throw Self.missing(scope) }
        return try WriteLimits(decoding: node.data, of: "\(scope)")
    }

    /// Changes the limits of a log or namespace with `change` (compare-and-set, retried on a
    /// concurrent change); returns what was stored.
    @discardableResult
    public func update(_ scope: WriteAdmission.Scope, _ change: @Sendable (inout WriteLimits) -> Void) async throws -> WriteLimits {
        guard let path = Self.path(of: scope) else { return .none }
        while true {
            guard let node = try await store.getIfExists(path) else { throw Self.missing(scope) }
            var limits = try WriteLimits(decoding: node.data, of: "\(scope)")
            change(&limits)
            if let problem = limits.problem { throw WriteLimits.Invalid(description: "\(scope): \(problem)") }
            let data = limits.isEmpty ? [] : limits.encoded()
            // nil: changed concurrently (or deleted, which the next read reports): again.
            if try await store.compareAndSet(path, data: data, version: node.version) != nil { return limits }
        }
    }

    private static func missing(_ scope: WriteAdmission.Scope) -> LogError {
        switch scope {
        case let .log(name): return .noSuchLog(name)
        case let .namespace(name): return .noSuchNamespace(name)
        case .proxy: return .noSuchLog("")
        }
    }
}
