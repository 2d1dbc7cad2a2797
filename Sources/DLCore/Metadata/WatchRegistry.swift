import Synchronization

/// The live watch streams of one store: who listens to which path, and how to reach them.
/// Shared by both backends; the backends decide when an event happened.
final class WatchRegistry: Sendable {
    enum Kind: Sendable { case node, children }

    struct Watch: Sendable {
        let path: String
        let kind: Kind
        let continuation: AsyncStream<MetadataEvent>.Continuation
    }

    private let watches = Mutex<[UInt64: Watch]>([:])
    private let nextId = Atomic<UInt64>(1)

    /// Registers a stream; `onTermination` runs (after removal) when its consumer drops it.
    func add(path: String, kind: Kind, onTermination: @escaping @Sendable (UInt64) -> Void = { _ in })
        -> (id: UInt64, stream: AsyncStream<MetadataEvent>)
    {
        let id = nextId.wrappingAdd(1, ordering: .relaxed).oldValue
        let (stream, continuation) = AsyncStream<MetadataEvent>.makeStream(bufferingPolicy: .bufferingNewest(1024))
        watches.withLock { $0[id] = Watch(path: path, kind: kind, continuation: continuation) }
        continuation.onTermination = { [weak self] _ in
            self?.watches.withLock { _ = $0.removeValue(forKey: id) }
            onTermination(id)
        }
        return (id, stream)
    }

    var isEmpty: Bool { watches.withLock { $0.isEmpty } }

    func watch(_ id: UInt64) -> Watch? { watches.withLock { $0[id] } }

    func all() -> [(UInt64, Watch)] { watches.withLock { $0.map { ($0.key, $0.value) } } }

    func yield(_ event: MetadataEvent, to id: UInt64) {
        _ = watches.withLock { $0[id] }?.continuation.yield(event)
    }

    /// Ends every stream, after telling it `finalEvent` if given.
    func finishAll(with finalEvent: MetadataEvent?) {
        let all = watches.withLock { current in
            defer { current.removeAll() }
            return Array(current.values)
        }
        for watch in all {
            if let finalEvent { watch.continuation.yield(finalEvent) }
            watch.continuation.finish()
        }
    }
}
