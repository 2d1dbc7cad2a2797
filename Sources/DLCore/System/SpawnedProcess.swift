import CSpawn
import Foundation

/// A child process started with posix_spawn.
///
/// Foundation's `Process.run()` on Linux (swift-corelibs-foundation of Swift 6.3) sometimes
/// crashes while it lists /proc/self/fd (an over-read of `d_name`, fixed upstream after
/// 6.3.1), and a process that starts many children hits it. This launches children without
/// it: the given descriptors become the child's 0, 1 and 2, every other descriptor of ours is
/// close-on-exec or closed by the file actions.
public struct SpawnedProcess: Sendable {
    public let pid: pid_t

    public struct LaunchFailure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Starts `executable` with `arguments`. `stdin`, `stdout`, `stderr`: descriptors for the
    /// child's standard streams (nil: /dev/null). `environment` nil: ours.
    public static func launch(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                              stdin: Int32? = nil, stdout: Int32? = nil, stderr: Int32? = nil) throws -> SpawnedProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (source, target) in [(stdin, Int32(0)), (stdout, Int32(1)), (stderr, Int32(2))] {
            if let source {
                posix_spawn_file_actions_adddup2(&actions, source, target)
            } else {
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0)
            }
        }
        // Nothing else of ours: a descriptor without close-on-exec (a listening socket, say)
        // would otherwise live on in the child, and keep its port taken after we close it.
        dlctl_spawn_close_from(&actions, 3)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let variables = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        let envp = variables.map { strdup($0) } + [nil]
        defer { envp.forEach { free($0) } }
        // A fresh signal state: the launching thread may be one of Dispatch's, which block every
        // signal, and we ignore some (SIGPIPE, SIGINT in the shell). Inherited, they would leave
        // the child deaf to SIGTERM and SIGHUP (a tmux server, a script's sleep, a bookie).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var everySignal = sigset_t()
        sigfillset(&everySignal)
        posix_spawnattr_setsigdefault(&attributes, &everySignal)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw LaunchFailure(description: "cannot start \(executable): \(String(cString: strerror(result)))")
        }
        return SpawnedProcess(pid: pid)
    }

    /// Blocks until the child ends; its exit status, or the number of the signal that ended it.
    public func waitForExit() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return -1 }
        }
        return Self.decode(status)
    }

    /// The status if the child has ended (reaping it), nil while it runs.
    public func exitStatusIfEnded() -> Int32? {
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        return result == pid ? Self.decode(status) : nil
    }

    static func decode(_ status: Int32) -> Int32 {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : signal
    }

    /// A pipe whose ends are close-on-exec (the child gets only what it is given by dup2).
    public static func pipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        guard systemPipe2(&fds, O_CLOEXEC) == 0 else {
            throw LaunchFailure(description: "pipe: \(String(cString: strerror(errno)))")
        }
        return (fds[0], fds[1])
    }
}

/// glibc's pipe2 (declared only under _GNU_SOURCE, so not imported): the descriptors are
/// close-on-exec from the start, with no window for another thread's spawn to inherit them.
@_silgen_name("pipe2")
private func systemPipe2(_ fds: UnsafeMutablePointer<Int32>, _ flags: Int32) -> Int32
