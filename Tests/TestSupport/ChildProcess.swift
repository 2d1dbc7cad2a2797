import DLCore
import Foundation

/// A child process whose output a test reads line by line, waiting on conditions with deadlines.
/// Started with posix_spawn (see `SpawnedProcess`: Foundation's Process.run can crash).
public final class ChildProcess: @unchecked Sendable {
    private let child: SpawnedProcess
    private let condition = NSCondition()
    private var stdoutText = ""
    private var stderrText = ""
    private var exited = false
    private var status: Int32 = 0
    private var closedStreams = 0
    public let stdinHandle: FileHandle

    public init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        let input = try SpawnedProcess.pipe()
        let out = try SpawnedProcess.pipe()
        let err = try SpawnedProcess.pipe()
        defer { [input.read, out.write, err.write].forEach { close($0) } }
        do {
            child = try SpawnedProcess.launch(executable, arguments, environment: env, stdin: input.read, stdout: out.write,
                                              stderr: err.write)
        } catch {
            [input.write, out.read, err.read].forEach { close($0) }
            throw error
        }
        LiveChildren.started(child.pid)
        stdinHandle = FileHandle(fileDescriptor: input.write, closeOnDealloc: true)
        pump(FileHandle(fileDescriptor: out.read, closeOnDealloc: true)) { $0.stdoutText += $1 }
        pump(FileHandle(fileDescriptor: err.read, closeOnDealloc: true)) { $0.stderrText += $1 }
        Thread { [self, child] in
            let status = child.waitForExit()
            LiveChildren.reaped(child.pid)
            condition.lock()
            self.status = status
            exited = true
            condition.broadcast()
            condition.unlock()
        }.start()
    }

    private func pump(_ handle: FileHandle, _ append: @escaping @Sendable (ChildProcess, String) -> Void) {
        Thread { [self] in
            while true {
                let data = handle.availableData
                if data.isEmpty { break }
                condition.lock()
                append(self, String(decoding: data, as: UTF8.self))
                condition.broadcast()
                condition.unlock()
            }
            condition.lock()
            closedStreams += 1
            condition.broadcast()
            condition.unlock()
        }.start()
    }

    public var stdout: String { condition.lock(); defer { condition.unlock() }; return stdoutText }
    public var stderr: String { condition.lock(); defer { condition.unlock() }; return stderrText }
    public var pid: Int32 { child.pid }

    func blockingWaitForOutput(containing text: String, timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while !stdoutText.contains(text) {
            if exited || !condition.wait(until: deadline) { return stdoutText.contains(text) }
        }
        return true
    }

    func blockingWaitForError(containing text: String, timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while !stderrText.contains(text) {
            if exited || !condition.wait(until: deadline) { return stderrText.contains(text) }
        }
        return true
    }

    func blockingWaitForExit(timeout: TimeInterval) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        var timedOut = false
        while !exited {
            if !condition.wait(until: deadline) {
                _ = Foundation.kill(child.pid, SIGKILL)
                while !exited { condition.wait() }
                timedOut = true
            }
        }
        // Everything the child wrote is read before its status is reported (its output pipes
        // close when it exits, unless a grandchild holds them: then give up after 5 s).
        let drained = Date().addingTimeInterval(5)
        while closedStreams < 2 && condition.wait(until: drained) {}
        return timedOut ? nil : status
    }

    /// Sends `signal` unless the child has already been reaped (its pid may be reused).
    public func kill(_ signal: Int32) {
        condition.lock()
        defer { condition.unlock() }
        if !exited { _ = Foundation.kill(child.pid, signal) }
    }

    public func closeStdin() { try? stdinHandle.close() }

    /// Writes `data` to the child's standard input on a thread of its own, then (`closing`)
    /// closes it: a
    /// large input blocks in the pipe until the child reads it, and must not hold one of the
    /// test process's few cooperative threads meanwhile (on two cores, two such writes would
    /// stall every task of the process, and stores could not renew their sessions). A child
    /// that stops reading (it failed) ends the write quietly.
    public func feed(_ data: Data, closing: Bool = true) async {
        let descriptor = stdinHandle.fileDescriptor
        await Self.offload {
            data.withUnsafeBytes { bytes in
                var sent = 0
                while sent < bytes.count {
                    let result = write(descriptor, bytes.baseAddress! + sent, bytes.count - sent)
                    if result > 0 { sent += result } else if result < 0 && errno == EINTR { continue } else { break }
                }
            }
        }
        if closing { closeStdin() }
    }
}

/// The result of running a command to completion.
public struct CommandResult: Sendable {
    public var status: Int32?
    public var stdout: String
    public var stderr: String
    public init(status: Int32?, stdout: String, stderr: String) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }
    public var stdoutLines: [String] { stdout.split(separator: "\n").map(String.init) }
}

extension ChildProcess {
    /// Runs a blocking wait on a thread of its own: the test process's cooperative threads
    /// (two on a 2-core machine) must never block, or every other test stalls.
    private static func offload<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: body()) }.start()
        }
    }

    /// Waits until stdout holds a line containing `text`; false at the deadline or at exit.
    public func waitForOutput(containing text: String, timeout: TimeInterval) async -> Bool {
        await Self.offload { self.blockingWaitForOutput(containing: text, timeout: timeout) }
    }

    /// Waits until stderr holds `text`; false at the deadline or at exit.
    public func waitForError(containing text: String, timeout: TimeInterval) async -> Bool {
        await Self.offload { self.blockingWaitForError(containing: text, timeout: timeout) }
    }

    /// Waits for exit (and for all its output to be read); kills the process and returns nil
    /// at the deadline.
    @discardableResult
    public func waitForExit(timeout: TimeInterval) async -> Int32? {
        await Self.offload { self.blockingWaitForExit(timeout: timeout) }
    }

    /// Runs to completion (killed after `timeout`); stdin is closed at once.
    public static func run(_ executable: String, _ arguments: [String], timeout: TimeInterval = 60,
                           environment: [String: String] = [:]) async throws -> CommandResult {
        let child = try ChildProcess(executable, arguments, environment: environment)
        child.closeStdin()
        return await offload {
            let status = child.blockingWaitForExit(timeout: timeout)
            return CommandResult(status: status, stdout: child.stdout, stderr: child.stderr)
        }
    }
}
