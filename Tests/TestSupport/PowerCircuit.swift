import DLCore
import Synchronization

/// The power supply of one or more `PowerLossDisk`s: disks on one circuit lose power together,
/// on demand or at the n-th mutating file operation from now (on any of them).
public final class PowerCircuit: Sendable {
    private struct State {
        var down = false
        var remaining: Int?
        var losses = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// The `operations`-th mutating operation from now fails, and so does everything after it,
    /// until `restore()`. 0 cuts at the next operation.
    public func cut(afterOperations operations: Int) {
        state.withLock { $0.remaining = max(0, operations) }
    }

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
        }
    }

    /// Asks to run one mutating operation: false when the power is off or goes off now.
    func admit() -> Bool {
        state.withLock { state in
            if state.down { return false }
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
