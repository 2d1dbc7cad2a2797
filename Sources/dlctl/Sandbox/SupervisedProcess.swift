import DLCore
import Foundation

/// A child of the sandbox supervisor: started with posix_spawn (not Foundation's Process,
/// whose run() can crash on Linux), output appended to a log file, watched by a thread that
/// reaps it and reports its exit.
final class SupervisedProcess: @unchecked Sendable {
    private let child: SpawnedProcess
    private let state = NSLock()
    private var ended = false
    private var status: Int32?

    /// Starts `executable`; standard output and error go to `logFile` (appended), input is
    /// /dev/null. `onExit` runs on the reaping thread with the exit status.
    init(_ executable: String, _ arguments: [String], logFile: String,
         onExit: @escaping @Sendable (Int32) -> Void = { _ in }) throws {
        let log = open(logFile, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard log >= 0 else {
            throw CommandFailure(.failed, "cannot open \(logFile): \(String(cString: strerror(errno)))")
        }
        defer { close(log) }
        child = try SpawnedProcess.launch(executable, arguments, stdout: log, stderr: log)
        Thread { [self, child] in
            let status = child.waitForExit()
            state.withLock { (ended, self.status) = (true, status) }
            onExit(status)
        }.start()
    }

    var pid: Int32 { child.pid }
    var isRunning: Bool { state.withLock { !ended } }
    /// The exit status, once it has exited.
    var exitStatus: Int32? { state.withLock { status } }

    /// Sends `signal` while the child has not been reaped (its pid cannot be reused yet).
    func signal(_ signal: Int32) {
        state.withLock { if !ended { _ = kill(child.pid, signal) } }
    }

    /// SIGTERM, then SIGKILL if it is still running after `grace`.
    func stop(grace: TimeInterval) async {
        signal(SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        while isRunning && Date() < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        signal(SIGKILL)
    }
}
