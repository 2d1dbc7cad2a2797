import DLCore
import Foundation

/// Where a sandbox keeps its state: `$DLCTL_HOME/sandbox` (default `~/.dlctl/sandbox`).
/// Two sandboxes with different homes never meet.
struct SandboxHome {
    let root: String

    init() {
        let base = ProcessInfo.processInfo.environment["DLCTL_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() + "/.dlctl")
        root = (base as NSString).standardizingPath + "/sandbox"
    }

    var stateFile: String { root + "/sandbox.json" }
    var lockFile: String { root + "/supervisor.lock" }
    var logFile: String { root + "/sandbox.log" }
    var requestsDirectory: String { root + "/requests" }
    var metadataDatabase: String { root + "/metadata.db" }
    var zooKeeperDirectory: String { root + "/zookeeper" }
    func bookieDirectory(_ index: Int) -> String { root + "/bookie-\(index)" }
    func bookieLog(_ index: Int) -> String { root + "/bookie-\(index).log" }
    func proxyLog(_ index: Int) -> String { root + "/proxy-\(index).log" }

    func loadState() -> SandboxState? {
        guard let data = FileManager.default.contents(atPath: stateFile) else { return nil }
        return try? SandboxState(decoding: Array(data))
    }

    /// Written durably (synced, renamed, directory synced): after a power loss `sandbox --detach`
    /// finds the same ports, and so the same bookie identities, or the old state whole.
    func save(_ state: SandboxState, files: any FileLayer = PosixFiles()) throws {
        do {
            try files.createDirectories(root)
            try files.writeAtomically(state.encoded(), to: stateFile)
        } catch {
            throw CommandFailure(.failed, "cannot write \(stateFile): \(error)")
        }
    }

    /// The running sandbox's state, if its supervisor is alive.
    func running() -> SandboxState? {
        guard let state = loadState(), let pid = state.supervisorPid, ProcessLiveness.isAlive(pid) else { return nil }
        return state
    }
}

/// What a sandbox is made of; written by its supervisor, read by every other command.
struct SandboxState: VersionedMetadata, Equatable {
    static let formatVersion = 1
    static let kind = "sandbox state"

    struct BookieSpec: Codable, Equatable, Sendable {
        var index: Int
        var port: Int
        var httpPort: Int
        var dataDirectory: String
        var pid: Int32?
        /// Why the bookie refused to start (its own error line, e.g. a wiped data directory):
        /// the sandbox runs without it and does not restart it.
        var refused: String?
        var id: String { "127.0.0.1:\(port)" }
    }

    /// A write proxy the sandbox runs (`dlctl proxy start`).
    struct ProxySpec: Codable, Equatable, Sendable {
        var index: Int
        var port: Int
        var httpPort: Int
        var pid: Int32?
        var address: String { "127.0.0.1:\(port)" }
    }

    struct ZooKeeperSpec: Codable, Equatable, Sendable {
        var port: Int
        var pid: Int32?
        var started: Bool
    }

    var formatVersion: Int = Self.formatVersion
    var metadataURI: String
    var supervisorPid: Int32?
    var ready: Bool
    var bookies: [BookieSpec]
    var zooKeeper: ZooKeeperSpec?
    /// Absent in the state of a sandbox from before proxies.
    var proxies: [ProxySpec]?

    func validate() throws(ModelError) {
        if metadataURI.isEmpty { throw .invalid(what: Self.kind, reason: "no metadata URI") }
    }
}

enum ProcessLiveness {
    static func isAlive(_ pid: Int32) -> Bool {
        guard pid > 0 else { return false }
        if kill(pid, 0) != 0 { return errno == EPERM }
        // A zombie is not alive for our purposes.
        if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
           let close = stat.lastIndex(of: ")") {
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.first == "Z" { return false }
        }
        return true
    }

    /// The path of the running dlctl binary, to start children with.
    static var executable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}

