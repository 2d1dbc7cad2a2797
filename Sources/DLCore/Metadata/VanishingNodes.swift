/// Runs `body` again, up to `attempts` times in all, when it fails because a node it had seen
/// was deleted before it acted: a registration left by an earlier session can expire between
/// the look that found it and the multi that replaces it.
public func retryingWhenANodeVanishes<T>(attempts: Int = 3, _ body: () async throws -> T) async throws -> T {
    var attempt = 1
    while true {
        do {
            return try await body()
        } catch {
            // (A generic catch: a `catch MetadataError.noNode` pattern here crashes Swift 6.3.)
            guard attempt < attempts, case .noNode? = error as? MetadataError else { throw error }
            attempt += 1
        }
    }
}
