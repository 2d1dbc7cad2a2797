import Foundation
import DLCore

/// What `within(_:_:)` gives back: the operation's result, or word that the deadline passed first.
public enum DeadlineOutcome<Value: Sendable>: Sendable {
    case finished(Value)
    case timedOut
}

/// Runs `operation` in a task of its own until it returns or `timeout` passes. On a timeout the
/// operation is cancelled and left behind (never awaited): a test that finds something hanging
/// fails with a message naming what hung, instead of hanging the whole run.
public func within<Value: Sendable>(_ timeout: Duration,
                                    _ operation: @escaping @Sendable () async throws -> Value) async throws -> DeadlineOutcome<Value> {
    let gate = Locked<CheckedContinuation<DeadlineOutcome<Value>, any Error>?>(nil)
    let settle: @Sendable (Result<DeadlineOutcome<Value>, any Error>) -> Void = { result in
        gate.withLock { continuation in
            continuation?.resume(with: result)
            continuation = nil
        }
    }
    let tasks = Locked<[Task<Void, Never>]>([])
    let outcome = try await withCheckedThrowingContinuation { continuation in
        // The continuation is in place before either task can settle it.
        gate.withLock { $0 = continuation }
        tasks.withLock {
            $0 = [
                Task {
                    do { settle(.success(.finished(try await operation()))) } catch { settle(.failure(error)) }
                },
                Task {
                    try? await Task.sleep(for: timeout)
                    settle(.success(.timedOut))
                },
            ]
        }
    }
    // The timer, or (after a timeout) the operation: whichever is still running is cancelled.
    tasks.withLock { $0 }.forEach { $0.cancel() }
    return outcome
}

/// A wait that hung: what did not end, and for how long it was given.
public struct DeadlinePassed: Error, CustomStringConvertible {
    public let description: String
}

/// `operation`'s result; throws `DeadlinePassed` naming `what` when it does not end within `timeout`.
@discardableResult
public func finishing<Value: Sendable>(within timeout: Duration, _ what: @autoclosure () -> String,
                                       _ operation: @escaping @Sendable () async throws -> Value) async throws -> Value {
    guard case let .finished(value) = try await within(timeout, operation) else {
        throw DeadlinePassed(description: "\(what()) did not end within \(timeout)")
    }
    return value
}
