import Foundation

/// A callback that any thread can set, clear and call, as often as it likes.
///
/// Not `Locked<((T) -> Void)?>`: a closure that is the value of a generic container is converted
/// to the generic representation and back on every `withLock` (its inout write-back), and each
/// conversion wraps it in one more reabstraction thunk. Read once per call, the closure grows
/// by two thunks a call: the n-th call walks a chain of 2n of them (quadratic time, then a
/// stack overflow). That is how a write proxy's push to followers, read once per acknowledged
/// entry, came to take a third of its CPU. Kept in a class of its own here, the closure is
/// converted once, when it is set.
public final class CallbackSlot<Argument>: @unchecked Sendable {
    private final class Callback {
        let call: @Sendable (Argument) -> Void
        init(_ call: @escaping @Sendable (Argument) -> Void) { self.call = call }
    }

    private let lock = NSLock()
    private var callback: Callback?

    public init() {}

    /// Sets the callback, or clears it (nil).
    public func set(_ call: (@Sendable (Argument) -> Void)?) {
        let callback = call.map(Callback.init)
        lock.lock()
        self.callback = callback
        lock.unlock()
    }

    /// Calls the callback (outside the lock) with `argument`, which is only evaluated when one
    /// is set; false when none is.
    @discardableResult
    public func callAsFunction(_ argument: @autoclosure () -> Argument) -> Bool {
        lock.lock()
        let callback = self.callback
        lock.unlock()
        guard let callback else { return false }
        callback.call(argument())
        return true
    }
}
