import Foundation
import Synchronization

/// Every child process a test started and nobody reaped yet: killed when the test process
/// exits, so that a test whose cluster is cleaned up by a task the exit overtook (or by a
/// deinit that never ran) leaves no bookie running after the suite, eating the CPU of the
/// next benchmark or test run.
enum LiveChildren {
    private static let pids = Mutex<Set<Int32>>([])
    /// Registers the exit handler once (a static is initialised once, on first use).
    private static let killedAtExit: Void = { atexit { LiveChildren.killAll() } }()

    static func started(_ pid: Int32) {
        _ = killedAtExit
        pids.withLock { _ = $0.insert(pid) }
    }

    /// Called once the child is reaped (its pid may then be reused).
    static func reaped(_ pid: Int32) { pids.withLock { _ = $0.remove(pid) } }

    private static func killAll() {
        for pid in pids.withLock({ $0 }) { kill(pid, SIGKILL) }
    }
}
