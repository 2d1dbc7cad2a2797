import DLCore
import Foundation

/// A `dlctl sandbox --detach` (bookies and write proxies, in their own session as users run
/// it) in a temporary home, on either metadata backend; stopped when dropped.
public final class ProxySandbox: @unchecked Sendable {
    public let home = TemporaryDirectory("dlctl-proxy-home")
    public let backend: MetadataBackend
    public let dlctl: String

    public struct Proxy: Decodable, Sendable {
        public var address: String
        public var status: String
        public var pid: Int32
        public var ownedLogs: [String]?
        public var httpPort: Int?
    }

    public struct StartFailure: Error, CustomStringConvertible { public var description: String }

    /// `binary`: the dlctl to run (this build's by default).
    public init(_ backend: MetadataBackend, proxies: Int = 2, binary: String = Binaries.dlctl, sandboxArguments: [String] = []) async throws {
        self.backend = backend
        self.dlctl = binary
        var arguments = ["sandbox", "--detach", "--proxies", "\(proxies)"] + sandboxArguments
        if backend == .zookeeper {
            arguments += ["--zk-uri", "zk://\(try await ZooKeeperTestServer.hosts())/p-\(UUID().uuidString.prefix(12).lowercased())"]
        }
        let started = try await run(arguments)
        guard started.status == 0 else { throw StartFailure(description: "sandbox did not start: \(started.stderr)") }
    }

    deinit {
        let (dlctl, path) = (self.dlctl, home.path)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: dlctl)
        process.arguments = ["sandbox", "stop"]
        process.environment = ProcessInfo.processInfo.environment.merging(["DLCTL_HOME": path, "DLCTL_METADATA_URI": ""]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try? process.run()
        process.waitUntilExit()
    }

    public var environment: [String: String] { ["DLCTL_HOME": home.path, "DLCTL_METADATA_URI": ""] }

    public func run(_ arguments: [String], stdin: String? = nil, timeout: TimeInterval = 120) async throws -> CommandResult {
        let child = try ChildProcess(dlctl, arguments, environment: environment)
        await child.feed(Data((stdin ?? "").utf8))
        let status = await child.waitForExit(timeout: timeout)
        return CommandResult(status: status, stdout: child.stdout, stderr: child.stderr)
    }

    public func spawn(_ arguments: [String]) throws -> ChildProcess {
        try ChildProcess(dlctl, arguments, environment: environment)
    }

    /// Runs a bash script with this sandbox's environment and `dlctl` in `$DLCTL`.
    public func bash(_ script: String, timeout: TimeInterval = 300) async throws -> CommandResult {
        try await ChildProcess.run("/bin/bash", ["-c", script], timeout: timeout, environment: environment.merging(["DLCTL": dlctl]) { $1 })
    }

    public func proxies() async throws -> [Proxy] {
        let listing = try await run(["proxy", "list", "-o", "json"])
        guard listing.status == 0 else { throw StartFailure(description: "proxy list failed: \(listing.stderr)") }
        return try JSONDecoder().decode([Proxy].self, from: Data(listing.stdout.utf8))
    }

    /// The proxy that owns `log` now, if one does.
    public func owner(of log: String) async throws -> Proxy? {
        try await proxies().first { $0.ownedLogs?.contains(log) == true }
    }

    /// Every record of `log`, one per line, from the start to its current end.
    public func records(_ log: String) async throws -> [String] {
        let tail = try await run(["tail", log, "--from", "start"])
        guard tail.status == 0 else { throw StartFailure(description: "tail failed: \(tail.stderr)") }
        return tail.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    public struct Segment: Decodable, Sendable {
        public var sequenceNumber: Int64
        public var state: String
        public var recordCount: Int64
        public var ledgerId: Int64
    }

    public func segments(_ log: String) async throws -> [Segment] {
        let segments = try await run(["segments", log, "-o", "json"])
        guard segments.status == 0 else { throw StartFailure(description: "segments failed: \(segments.stderr)") }
        return try JSONDecoder().decode([Segment].self, from: Data(segments.stdout.utf8))
    }

    public func segmentCount(_ log: String) async throws -> Int { try await segments(log).count }
}
