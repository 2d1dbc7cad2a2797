import DLCore
import Foundation
import NIOCore

/// Long-poll reads of the LAC parked until a ledger's LAC passes the value the reader has,
/// or their timeout fires. Woken by `lastAddConfirmedAdvanced` as soon as a newer LAC is
/// applied, not at a poll tick.
final class LongPolls: @unchecked Sendable {
    private struct Waiter {
        var id: UInt64
        var previous: Int64
        var wake: @Sendable (Int64) -> Void
    }

    private let lock = NSLock()
    private var waiters: [Int64: [Waiter]] = [:]
    private var nextId: UInt64 = 0

    /// Parks a reader; returns a token to cancel it (at its timeout).
    func park(ledgerId: Int64, previous: Int64, wake: @escaping @Sendable (Int64) -> Void) -> UInt64 {
        lock.withLock {
            nextId += 1
            waiters[ledgerId, default: []].append(Waiter(id: nextId, previous: previous, wake: wake))
            return nextId
        }
    }

    /// Removes a parked reader; false when it was already woken.
    func cancel(ledgerId: Int64, token: UInt64) -> Bool {
        lock.withLock {
            guard var list = waiters[ledgerId], let index = list.firstIndex(where: { $0.id == token }) else { return false }
            list.remove(at: index)
            waiters[ledgerId] = list.isEmpty ? nil : list
            return true
        }
    }

    func lastAddConfirmedAdvanced(ledgerId: Int64, to lac: Int64) {
        let ready: [Waiter] = lock.withLock {
            guard let list = waiters[ledgerId] else { return [] }
            let (wake, keep) = (list.filter { lac > $0.previous }, list.filter { lac <= $0.previous })
            waiters[ledgerId] = keep.isEmpty ? nil : keep
            return wake
        }
        for waiter in ready { waiter.wake(lac) }
    }

    var parkedCount: Int { lock.withLock { waiters.values.reduce(0) { $0 + $1.count } } }
}
