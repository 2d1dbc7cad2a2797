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

    /// A bookie whose data directory was wiped refuses to start (its cookie is gone); the
    /// sandbox starts the others, says so once with the command that releases the identity, and
    /// `sandbox status` shows the bookie as refused. After that command it joins again.
    @Test func aWipedBookieIsRefusedAndTheOthersStart() async throws {
        try #require(Binaries.dlctlExists)
        let home = TemporaryDirectory("dlctl-home")
        #expect(try await dlctl(home, ["sandbox", "--detach"]).status == 0)
        #expect(try await dlctl(home, ["write", "t/a", "one"]).status == 0)
        #expect(try await dlctl(home, ["sandbox", "stop"]).status == 0)
        let wiped = home.path + "/sandbox/bookie-1"
        for name in try FileManager.default.contentsOfDirectory(atPath: wiped) { try FileManager.default.removeItem(atPath: wiped + "/" + name) }

        let started = try await dlctl(home, ["sandbox", "--detach"])
        #expect(started.status == 0, "\(started.stderr)")
        #expect(started.stdout.hasPrefix("sandbox ready: 2 of 3 bookies"), "\(started.stdout)")
        let warning = started.stderr.split(separator: "\n").map(String.init)
        #expect(warning.count == 1 && warning[0].hasPrefix("dlctl: warning: bookie-1 (") && !started.stderr.contains("dlctl: error:"),
                "one line: \(started.stderr)")
        let release = try #require(warning.first?.range(of: "dlctl bookie format ").map { String(warning[0][$0.lowerBound...]) })
        #expect(release.hasPrefix("dlctl bookie format --data-dir \(wiped) --bookie-id 127.0.0.1:"), "\(release)")
        let status = try await dlctl(home, ["sandbox", "status"])
        #expect(status.status == 4)
        #expect(status.stdout.split(separator: "\n").contains { $0.hasPrefix("bookie-1 ") && $0.hasSuffix(" refused") }, "\(status.stdout)")
        #expect(status.stderr == "dlctl: error: 1 of 5 bookies and proxies are not up: bookie-1 (refused)\n", "\(status.stderr)")
        #expect(try await bookies(home).count == 2, "the intact bookies run")

        // The command the warning gives releases the identity; then the bookie joins again, empty.
        #expect(try await dlctl(home, ["sandbox", "stop"]).status == 0)
        let words = release.split(separator: " ").map(String.init)
        let format = try await dlctl(home, Array(words.dropFirst()) + ["--uri", home.path + "/sandbox/metadata.db"])
        #expect(format.status == 0, "\(format.stderr)")
        #expect(try await dlctl(home, ["sandbox", "--detach"]).status == 0)
        #expect(try await dlctl(home, ["sandbox", "status"]).status == 0)
        #expect(try await dlctl(home, ["sandbox", "stop"]).status == 0)
    }

    /// With every bookie refused, the sandbox fails at once with the first refusal, and leaves
    /// no supervisor behind (it used to wait out its 120 s and ignore SIGTERM while starting).
    @Test func everyBookieWipedFailsAtOnce() async throws {
        try #require(Binaries.dlctlExists)
        let home = TemporaryDirectory("dlctl-home")
        #expect(try await dlctl(home, ["sandbox", "--detach", "--bookies", "2"]).status == 0)
        #expect(try await dlctl(home, ["sandbox", "stop"]).status == 0)
        for index in 0..<2 {
            let wiped = home.path + "/sandbox/bookie-\(index)"
            for name in try FileManager.default.contentsOfDirectory(atPath: wiped) { try FileManager.default.removeItem(atPath: wiped + "/" + name) }
        }
        let started = Date()
        let result = try await dlctl(home, ["sandbox", "--detach", "--bookies", "2"])
        #expect(Date().timeIntervalSince(started) < 60, "took \(Date().timeIntervalSince(started)) s")
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("dlctl: error: the sandbox did not start: no bookie started; bookie-0: bookie 127.0.0.1:")
                && result.stderr.split(separator: "\n").count == 1 && result.stderr.components(separatedBy: "dlctl: error:").count == 2,
                "\(result.stderr)")
        #expect(try await dlctl(home, ["sandbox", "status"]).status == 2, "no supervisor is left running")
    }

    struct SavedState: Decodable {
        struct Member: Decodable { var pid: Int32? }
        var supervisorPid: Int32?
        var bookies: [Member]
        var proxies: [Member]?
    }

    /// After kill -9 of the supervisor and its bookies (their registrations linger until their
    /// sessions expire), `sandbox --detach` says ready only when every bookie is registered by
    /// its new process and answers: status and a read work at once. Its proxies, left running
    /// by the killed supervisor, are stopped and started again on their ports.
    @Test func readyAfterAnUncleanStopMeansEveryBookieIsUp() async throws {
        try #require(Binaries.dlctlExists)
        let home = TemporaryDirectory("dlctl-home")
        #expect(try await dlctl(home, ["sandbox", "--detach"]).status == 0)
        #expect(try await dlctl(home, ["write", "t/u", "one"]).status == 0)
        let saved = try JSONDecoder().decode(SavedState.self, from: Data(contentsOf: URL(fileURLWithPath: home.path + "/sandbox/sandbox.json")))
        let pids = [saved.supervisorPid].compactMap { $0 } + saved.bookies.compactMap(\.pid)
        let orphans = (saved.proxies ?? []).compactMap(\.pid)
        #expect(pids.count == 4 && orphans.count == 2)
        for pid in pids { kill(pid, SIGKILL) }
        #expect(await waitUntil(timeout: .seconds(30)) { pids.allSatisfy { !FileManager.default.fileExists(atPath: "/proc/\($0)/cmdline") } })

        let started = try await dlctl(home, ["sandbox", "--detach"])
        #expect(started.status == 0, "\(started.stderr)")
        let status = try await dlctl(home, ["sandbox", "status"])
        #expect(status.status == 0, "ready means up: \(status.stdout) \(status.stderr)")
        #expect(!status.stdout.contains("stale"), "\(status.stdout)")
        #expect(orphans.allSatisfy { !Self.running($0) }, "the orphaned proxies were stopped")
        let read = try await dlctl(home, ["tail", "t/u", "--from", "start", "-e"])
        #expect(read.status == 0 && read.stdout == "one\n", "\(read.stderr)")
        #expect(try await dlctl(home, ["sandbox", "stop"]).status == 0)
    }

    /// Whether `pid` runs (a zombie nobody reaped yet does not).
    static func running(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return false }
        return stat[stat.index(after: close)...].split(separator: " ").first != "Z"
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
