import Synchronization

/// The power supply of one or more `PowerLossDisk`s: disks on one circuit lose power together,
/// on demand or at the n-th mutating file operation from now (on any of them).
public final class PowerCircuit: Sendable {
    private struct State {
        var down = false
        var remaining: Int?
        var losses = 0
        /// An armed cut at the n-th operation that `matches` (0: the next one).
        var point: (matches: @Sendable (FileOperation) -> Bool, remaining: Int)?
        /// Operations that matched the armed point, and the one the power went off at.
        var matched = 0
        var cutAt: FileOperation?
    }

    private let state = Mutex(State())

    public init() {}

    /// The `operations`-th mutating operation from now fails, and so does everything after it,
    /// until `restore()`. 0 cuts at the next operation.
    public func cut(afterOperations operations: Int) {
        state.withLock { $0.remaining = max(0, operations) }
    }

    /// The power goes off at the `occurrence`-th (from 0) operation from now that `matches`:
    /// that operation does not happen, nor does anything after it, until `restore()`.
    public func cut(atOccurrence occurrence: Int, of matches: @escaping @Sendable (FileOperation) -> Bool) {
        state.withLock { state in
            state.point = (matches, max(0, occurrence))
            state.matched = 0
            state.cutAt = nil
        }
    }

    /// Operations that matched the armed point so far (including the one cut at).
    public var matched: Int { state.withLock { $0.matched } }

    /// The operation the armed point cut the power at; nil if it has not come.
    public var cutAt: FileOperation? { state.withLock { $0.cutAt } }

    /// Power off now.
    public func cutNow() {
        state.withLock { state in
            if !state.down { state.losses += 1 }
            state.down = true
        }
    }

    public var isDown: Bool { state.withLock { $0.down } }

    /// How many times power went off.
    public var losses: Int { state.withLock { $0.losses } }

    /// Power back on (after every disk of the circuit recovered its durable image).
    public func restore() {
        state.withLock { state in
            state.down = false
            state.remaining = nil
            state.point = nil
        }
    }

    /// Asks to run one mutating operation: false when the power is off or goes off now.
    func admit(_ operation: FileOperation) -> Bool {
        state.withLock { state in
            if state.down { return false }
            if let point = state.point, point.matches(operation) {
                state.matched += 1
                if point.remaining <= 0 {
                    state.down = true
                    state.losses += 1
                    state.cutAt = operation
                    return false
                }
                state.point?.remaining = point.remaining - 1
            }
            if let remaining = state.remaining {
                if remaining <= 0 {
                    state.down = true
                    state.losses += 1
                    return false
                }
                state.remaining = remaining - 1
            }
            return true
        }
    }
}
