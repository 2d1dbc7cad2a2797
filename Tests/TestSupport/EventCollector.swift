import DLCore
import Synchronization

/// Collects a watch stream's events so a test can wait, with a deadline, until they satisfy a
/// condition.
public final class EventCollector: Sendable {
    private struct Waiter {
        var predicate: @Sendable ([MetadataEvent]) -> Bool
        var continuation: CheckedContinuation<Bool, Never>
    }

    private let state = Mutex<(events: [MetadataEvent], waiters: [UInt64: Waiter], nextId: UInt64)>(([], [:], 0))
    private let task: Task<Void, Never>

    public init(_ stream: AsyncStream<MetadataEvent>) {
        let box = Box()
        task = Task { for await event in stream { box.collector?.append(event) } }
        box.collector = self
    }

    deinit { task.cancel() }

    private final class Box: @unchecked Sendable { weak var collector: EventCollector? }

    public var events: [MetadataEvent] { state.withLock { $0.events } }

    private func append(_ event: MetadataEvent) {
        let ready = state.withLock { s -> [CheckedContinuation<Bool, Never>] in
            s.events.append(event)
            var ready: [CheckedContinuation<Bool, Never>] = []
            for (id, waiter) in s.waiters where waiter.predicate(s.events) {
                ready.append(waiter.continuation)
                s.waiters.removeValue(forKey: id)
            }
            return ready
        }
        ready.forEach { $0.resume(returning: true) }
    }

    /// Waits until the events so far satisfy `predicate`; false at the deadline.
    public func wait(timeout: Duration, until predicate: @escaping @Sendable ([MetadataEvent]) -> Bool) async -> Bool {
        await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let id: UInt64? = state.withLock { s in
                if predicate(s.events) { return nil }
                s.nextId += 1
                s.waiters[s.nextId] = Waiter(predicate: predicate, continuation: continuation)
                return s.nextId
            }
            guard let id else { return continuation.resume(returning: true) }
            Task { [weak self] in
                try? await Task.sleep(for: timeout)
                let waiter = self?.state.withLock { $0.waiters.removeValue(forKey: id) }
                waiter?.continuation.resume(returning: false)
            }
        }
    }

    /// Waits until `event` has been seen.
    public func wait(for event: MetadataEvent, timeout: Duration = .seconds(10)) async -> Bool {
        await wait(timeout: timeout) { $0.contains(event) }
    }
}

/// Re-checks an asynchronous condition until it holds or the deadline passes.
public func waitUntil(timeout: Duration, pollEvery interval: Duration = .milliseconds(20),
                      _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: interval)
    }
    return try await condition()
}
