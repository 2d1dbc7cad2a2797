import Foundation

/// A terminal for end-to-end tests of interactive commands: a tmux session on a private
/// server socket, driven with send-keys and read with capture-pane.
public final class TmuxSession: @unchecked Sendable {
    public let name: String
    private let socket: String

    /// Starts `command` (a shell command line) in a new session of `columns` x `rows`.
    public init(_ command: String, environment: [String: String] = [:], columns: Int = 120, rows: Int = 40) async throws {
        name = "s\(UUID().uuidString.prefix(8))"
        // A server of its own: sessions sharing one server race (the server exits with its last
        // session while another test's new-session is connecting: "server exited unexpectedly").
        socket = "dlctl-test-\(getpid())-\(name)"
        let exports = environment.map { "\($0.key)='\($0.value)'" }.joined(separator: " ")
        let result = try await ChildProcess.run("/usr/bin/tmux", [
            "-L", socket, "new-session", "-d", "-s", name, "-x", "\(columns)", "-y", "\(rows)",
            "env \(exports) \(command)",
        ])
        guard result.status == 0 else { throw StartFailure(description: "tmux did not start: \(result.stderr)") }
    }

    public struct StartFailure: Error, CustomStringConvertible { public var description: String }

    /// Sends tmux key names ("Tab", "Enter", "C-c", "Up") or literal text.
    public func send(_ keys: String...) async throws {
        _ = try await ChildProcess.run("/usr/bin/tmux", ["-L", socket, "send-keys", "-t", name] + keys)
    }

    /// Sends text literally (no key-name interpretation).
    public func type(_ text: String) async throws {
        _ = try await ChildProcess.run("/usr/bin/tmux", ["-L", socket, "send-keys", "-t", name, "-l", text])
    }

    /// The visible screen.
    public func screen() async throws -> String {
        try await ChildProcess.run("/usr/bin/tmux", ["-L", socket, "capture-pane", "-p", "-t", name]).stdout
    }

    /// Waits until the screen satisfies `condition`; false at the deadline.
    public func waitForScreen(timeout: Duration = .seconds(20), _ condition: @escaping (String) -> Bool) async -> Bool {
        await waitUntil(timeout: timeout, pollEvery: .milliseconds(100)) {
            (try? await self.screen()).map(condition) ?? false
        }
    }

    /// True while the session's command runs.
    public func isAlive() async -> Bool {
        (try? await ChildProcess.run("/usr/bin/tmux", ["-L", socket, "has-session", "-t", name]).status) == 0
    }

    /// The process id of the session's command (nil once the session has ended).
    public func commandPid() async -> pid_t? {
        let result = try? await ChildProcess.run("/usr/bin/tmux", ["-L", socket, "display-message", "-p", "-t", name, "#{pane_pid}"])
        return result.flatMap { $0.status == 0 ? pid_t($0.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) : nil }
    }

    /// Ends the tmux server as closing the terminal would: its commands get SIGHUP.
    public func hangUp() async {
        _ = try? await ChildProcess.run("/usr/bin/tmux", ["-L", socket, "kill-server"])
    }

    /// Hangs up, and kills the command if it outlives the hang-up by 5 s, so no test leaves one.
    public func close() async {
        let pid = await commandPid()
        await hangUp()
        guard let pid else { return }
        if await !waitUntil(timeout: .seconds(5), { processEnded(pid) }) { kill(pid, SIGKILL) }
    }
}

/// True when `pid` is gone or a zombie (ended, not yet reaped).
public func processEnded(_ pid: pid_t) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")")
    else { return true }
    return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
}
