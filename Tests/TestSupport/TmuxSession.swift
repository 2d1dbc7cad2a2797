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

    public func close() async {
        _ = try? await ChildProcess.run("/usr/bin/tmux", ["-L", socket, "kill-server"])
    }
}
