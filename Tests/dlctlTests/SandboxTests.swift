import DLCore
import Foundation
import Testing
import TestSupport

/// `dlctl sandbox` as scripts use it, through the real binary.
@Suite(.serialized) struct SandboxTests {
    func dlctl(_ home: TemporaryDirectory, _ arguments: [String], timeout: TimeInterval = 120) async throws -> CommandResult {
        try await ChildProcess.run(Binaries.dlctl, arguments, timeout: timeout,
                             environment: ["DLCTL_HOME": home.path, "DLCTL_METADATA_URI": ""])
    }

    struct Listed: Decodable {
        var id: String
        var address: String
        var state: String
        var pid: Int32
    }

    func bookies(_ home: TemporaryDirectory) async throws -> [Listed] {
        let listing = try await dlctl(home, ["bookie", "list", "-o", "json"])
        #expect(listing.status == 0, "\(listing.stderr)")
        return try JSONDecoder().decode([Listed].self, from: Data(listing.stdout.utf8))
    }

    /// Re-runs `sandbox status` until it exits with `status`.
    func waitForStatus(_ home: TemporaryDirectory, _ status: Int32, timeout: Duration = .seconds(60)) async throws -> Bool {
        try await waitUntil(timeout: timeout, pollEvery: .milliseconds(200)) {
            try await dlctl(home, ["sandbox", "status"]).status == status
        }
    }

    @Test func detachedSandboxLifecycle() async throws {
        try #require(Binaries.dlctlExists)
        let home = TemporaryDirectory("dlctl-home")
        let started = try await dlctl(home, ["sandbox", "--detach", "--bookies", "3"])
        #expect(started.status == 0, "\(started.stderr)")
        #expect(started.stdout.contains("metadata \(home.path)/sandbox/metadata.db"))
        #expect(try await dlctl(home, ["sandbox", "status"]).status == 0)
        let listed = try await bookies(home)
        #expect(listed.count == 3)
        #expect(listed.allSatisfy { $0.state == "available" && $0.address == $0.id })
        // Every bookie runs as `dlctl bookie start` naming its data directory.
        for bookie in listed {
            let commandLine = try String(contentsOfFile: "/proc/\(bookie.pid)/cmdline", encoding: .utf8)
                .replacingOccurrences(of: "\u{0}", with: " ")
            #expect(commandLine.contains("bookie start --data-dir \(home.path)/sandbox/bookie-"), "\(commandLine)")
        }
        let sanity = try await dlctl(home, ["bookie", "sanity", listed[0].id])
        #expect(sanity.status == 0, "\(sanity.stderr)")
        #expect(sanity.stdout.contains("sanity check passed"))

        let added = try await dlctl(home, ["sandbox", "add-bookie"])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(try await bookies(home).count == 4)

        // A killed bookie makes status fail until the supervisor has restarted it.
        kill(listed[1].pid, SIGKILL)
        let restarted = try await waitUntil(timeout: .seconds(60), pollEvery: .milliseconds(200)) {
            let pid = try await bookies(home).first { $0.id == listed[1].id }?.pid
            return pid != nil && pid != listed[1].pid
        }
        #expect(restarted, "the supervisor restarts the killed bookie, which registers again")
        #expect(try await waitForStatus(home, 0))

        let again = try await dlctl(home, ["sandbox", "--detach"])
        #expect(again.status == 3, "a second sandbox in the same home is refused: \(again.stderr)")

        #expect(try await dlctl(home, ["sandbox", "stop"]).status == 0)
        #expect(try await dlctl(home, ["sandbox", "status"]).status == 2)
        for bookie in listed { #expect(!FileManager.default.fileExists(atPath: "/proc/\(bookie.pid)/cmdline") || bookie.pid == listed[1].pid) }

        // It comes back with the same identities and data.
        #expect(try await dlctl(home, ["sandbox", "--detach"]).status == 0)
        #expect(Set(try await bookies(home).map(\.id)).isSuperset(of: Set(listed.map(\.id))))
        #expect(try await dlctl(home, ["sandbox", "stop"]).status == 0)
    }

    /// Seconds since process `pid` started (from /proc).
    func age(_ pid: Int32) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let uptime = try? String(contentsOfFile: "/proc/uptime", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 19, let ticks = Double(fields[19]), let now = Double(uptime.split(separator: " ")[0]) else { return nil }
        return now - ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// The restart delay doubles only for a crash loop: a bookie that ran a while before it was
    /// killed comes back after the base delay, however often it is killed.
    @Test func aBookieKilledAfterRunningAWhileRestartsWithoutBackoff() async throws {
        try #require(Binaries.dlctlExists)
        let home = TemporaryDirectory("dlctl-home")
        #expect(try await dlctl(home, ["sandbox", "--detach", "--bookies", "1"]).status == 0)
        for _ in 0..<3 {
            let pid = try #require(try await bookies(home).first?.pid)
            // Past the crash-loop window (3 s) before it is killed.
            #expect(await waitUntil(timeout: .seconds(30), pollEvery: .milliseconds(100)) { (age(pid) ?? 0) >= 3.5 })
            kill(pid, SIGKILL)
            #expect(try await waitUntil(timeout: .seconds(60), pollEvery: .milliseconds(100)) {
                try await bookies(home).first.map { $0.pid != pid } ?? false
            })
        }
        let log = try String(contentsOfFile: home.path + "/sandbox/sandbox.log", encoding: .utf8)
        let delays = log.split(separator: "\n").filter { $0.contains("exited with status") }.map { $0.split(separator: " ").dropLast().last }
        #expect(delays == ["0.5", "0.5", "0.5"], "\(log)")
        #expect(try await dlctl(home, ["sandbox", "stop"]).status == 0)
    }

    @Test func twoHomesNeverMeet() async throws {
        try #require(Binaries.dlctlExists)
        let first = TemporaryDirectory("dlctl-home")
        let second = TemporaryDirectory("dlctl-home")
        #expect(try await dlctl(first, ["sandbox", "--detach", "--bookies", "1"]).status == 0)
        #expect(try await dlctl(second, ["sandbox", "--detach", "--bookies", "2"]).status == 0)
        #expect(try await bookies(first).count == 1)
        #expect(try await bookies(second).count == 2)
        #expect(try await dlctl(first, ["sandbox", "stop"]).status == 0)
        #expect(try await dlctl(second, ["sandbox", "status"]).status == 0)
        #expect(try await dlctl(second, ["sandbox", "stop"]).status == 0)
    }

    @Test func zooKeeperBackedSandbox() async throws {
        try #require(Binaries.dlctlExists)
        let hosts = try await ZooKeeperTestServer.hosts()
        let home = TemporaryDirectory("dlctl-home")
        let uri = "zk://\(hosts)/sandbox-\(UUID().uuidString.prefix(8).lowercased())"
        let started = try await dlctl(home, ["sandbox", "--detach", "--bookies", "2", "--zk-uri", uri])
        #expect(started.status == 0, "\(started.stderr)")
        #expect(started.stdout.contains(uri))
        #expect(try await bookies(home).count == 2)
        #expect(try await dlctl(home, ["sandbox", "status"]).status == 0)
        #expect(try await dlctl(home, ["bookie", "sanity", try await bookies(home)[0].id]).status == 0)
        #expect(try await dlctl(home, ["sandbox", "stop"]).status == 0)

        // --zookeeper starts a ZooKeeper server for the sandbox itself.
        let own = TemporaryDirectory("dlctl-home")
        let withServer = try await dlctl(own, ["sandbox", "--detach", "--bookies", "1", "--zookeeper"])
        #expect(withServer.status == 0, "\(withServer.stderr)")
        #expect(withServer.stdout.contains("metadata zk://127.0.0.1:"))
        #expect(try await bookies(own).count == 1)
        #expect(try await dlctl(own, ["sandbox", "stop"]).status == 0)
    }
}
