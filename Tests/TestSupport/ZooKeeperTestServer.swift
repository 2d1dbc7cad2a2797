import DLCore
import Foundation

/// A private ZooKeeper server (Debian's `zookeeper` package) for the tests of one process:
/// started on first use on a free loopback port with a temporary data dir, killed at exit.
/// When it cannot start, tests that need it fail: they are never skipped.
public enum ZooKeeperTestServer {
    /// "127.0.0.1:PORT" of the running server, starting it if needed.
    public static func hosts() async throws -> String { try await shared.hosts() }

    private static let shared = Launcher()

    actor Launcher {
        private var started: Task<String, any Error>?

        func hosts() async throws -> String {
            if let started { return try await started.value }
            let task = Task { try await ZooKeeperTestServer.launch() }
            started = task
            return try await task.value
        }
    }

    public struct StartFailure: Error, CustomStringConvertible {
        public var description: String
    }

    private static func launch() async throws -> String {
        guard LocalZooKeeper.isInstalled else {
            throw StartFailure(description: "\(LocalZooKeeper.jar) is missing: install Debian's zookeeper package (scripts/setup.sh does)")
        }
        let port = try FreePort.next()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dlctl-zk-\(getpid())-\(port)").path
        // Short ticks allow short session timeouts in the expiry tests.
        let config = LocalZooKeeper(directory: directory, port: port, tickTimeMillis: 500,
                                    extraSettings: ["minSessionTimeout=1000", "maxSessionTimeout=20000"])
        try config.writeConfiguration()
        let server = try ChildProcess(config.command.executable, config.command.arguments)
        ServerCleanup.register(pid: server.pid, directory: directory)
        let hosts = "127.0.0.1:\(port)"
        // The C client keeps reconnecting until the server listens: one open is the readiness wait.
        do {
            let store = try await ZooKeeperMetadataStore.open(hosts: hosts, root: "",
                                                              options: .init(operationTimeout: .seconds(60)))
            await store.close()
        } catch {
            server.kill(SIGKILL)
            throw StartFailure(description: "ZooKeeper did not start on \(hosts): \(error); output: \(server.stderr.suffix(500))")
        }
        return hosts
    }
}

/// Kills the test servers and removes their data when the test process exits.
enum ServerCleanup {
    nonisolated(unsafe) private static var pids: [Int32] = []
    nonisolated(unsafe) private static var directories: [String] = []
    private static let lock = NSLock()
    nonisolated(unsafe) private static var installed = false

    static func register(pid: Int32, directory: String) {
        lock.lock()
        defer { lock.unlock() }
        pids.append(pid)
        directories.append(directory)
        if !installed {
            installed = true
            atexit { ServerCleanup.runAtExit() }
        }
    }

    private static func runAtExit() {
        for pid in pids { kill(pid, SIGKILL) }
        for directory in directories { try? FileManager.default.removeItem(atPath: directory) }
    }
}
