import DLCore
import Foundation
import Testing
import TestSupport

extension ServingTierSuites {
    /// Followers through the serving tier (issue 14): the owner pushes acknowledged records,
    /// followers that start behind share the proxy's bookie reads, a follower that stops reading
    /// is cut off with where to resume, and a follow moves with its log.
    @Suite(.serialized) struct FanOutTests {
        struct BookieStats: Decodable {
            struct Stats: Decodable { var reads: Int }
            var stats: Stats
        }

        /// Reads served by the sandbox's bookies so far.
        func bookieReads(_ sandbox: ProxySandbox) async throws -> Int {
            let list = try await sandbox.run(["bookie", "list", "-o", "json"])
            struct Entry: Decodable { var id: String }
            var reads = 0
            for bookie in try JSONDecoder().decode([Entry].self, from: Data(list.stdout.utf8)) {
                let info = try await sandbox.run(["bookie", "info", bookie.id, "-o", "json"])
                reads += try JSONDecoder().decode(BookieStats.self, from: Data(info.stdout.utf8)).stats.reads
            }
            return reads
        }

        /// Followers the proxies serve.
        func followers(_ sandbox: ProxySandbox) async throws -> Int {
            var total = 0
            for proxy in try await sandbox.proxies() {
                let info = try await sandbox.run(["proxy", "info", proxy.address, "-o", "json"])
                total += (try? JSONDecoder().decode(ProxyInfo.self, from: Data(info.stdout.utf8)).followers) ?? 0
            }
            return total
        }

        @Test(arguments: MetadataBackend.allCases)
        func followersGetEveryRecordOnceAndShareTheBookieReads(_ backend: MetadataBackend) async throws {
            try #require(Binaries.dlctlExists)
            let sandbox = try await ProxySandbox(backend)
            #expect(try await sandbox.run(["write", "t/hot", "first"]).status == 0)
            let readsBefore = try await bookieReads(sandbox)
            let started = try await sandbox.bash("""
                for i in $(seq 1 10); do
                  "$DLCTL" tail -f t/hot --from start > "$DLCTL_HOME/start-$i" 2>&1 &
                  echo $! >> "$DLCTL_HOME/pids"
                  "$DLCTL" tail -f t/hot > "$DLCTL_HOME/end-$i" 2>&1 &
                  echo $! >> "$DLCTL_HOME/pids"
                done
                echo started
                """, timeout: 60)
            #expect(started.status == 0)
            // Every follower registered (the ones from the end must be there before the writes).
            let deadline = ContinuousClock.now + .seconds(60)
            while try await followers(sandbox) < 20 && ContinuousClock.now < deadline {}
            #expect(try await followers(sandbox) == 20)
            #expect(try await sandbox.run(["write", "t/hot"], stdin: (1...20_000).map { "\($0)\n" }.joined()).status == 0)
            // The owner lets the log go mid-stream: the follows move with it.
            let owner = try #require(try await sandbox.owner(of: "t/hot"))
            #expect(try await sandbox.run(["proxy", "release", "t/hot"]).status == 0, "released by \(owner.address)")
            #expect(try await sandbox.run(["write", "t/hot"], stdin: (20_001...30_000).map { "\($0)\n" }.joined()).status == 0)
            #expect(try await sandbox.run(["seal", "t/hot"]).status == 0)
            // Sealed: every follower ends by itself, with status 0.
            let ended = try await sandbox.bash("""
                for i in $(seq 1 300); do
                  running=0; for pid in $(cat "$DLCTL_HOME/pids"); do kill -0 $pid 2>/dev/null && running=1; done
                  [ $running = 0 ] && exit 0; sleep 0.1
                done; exit 1
                """, timeout: 60)
            #expect(ended.status == 0, "followers still running after the seal")
            let expected = (1...30_000).map(String.init)
            for i in 1...10 {
                let fromStart = try String(contentsOfFile: sandbox.home.path + "/start-\(i)", encoding: .utf8).split(separator: "\n").map(String.init)
                let fromEnd = try String(contentsOfFile: sandbox.home.path + "/end-\(i)", encoding: .utf8).split(separator: "\n").map(String.init)
                #expect(fromStart == ["first"] + expected, "from start \(i): \(fromStart.count) lines, first \(fromStart.prefix(2))")
                #expect(fromEnd == expected, "from the end \(i): \(fromEnd.count) lines, first \(fromEnd.prefix(2))")
            }
            // One reader by itself, for scale: twenty followers through the tier cost the bookies
            // about what it costs, not twenty times that.
            let readsByFollowers = try await bookieReads(sandbox) - readsBefore
            let direct = try await sandbox.run(["tail", "t/hot", "--from", "start", "-e", "--direct"])
            #expect(direct.stdoutLines.count == 30_001)
            let readsByOne = try await bookieReads(sandbox) - readsBefore - readsByFollowers
            #expect(readsByFollowers <= 2 * readsByOne + 20, "20 followers: \(readsByFollowers) bookie reads; one reader: \(readsByOne)")
            print("fan-out (\(backend)): 20 followers through the tier cost the bookies \(readsByFollowers) reads; one direct reader \(readsByOne)")
        }

        /// Followers from the end of a log with no record yet (some started before it was
        /// created) are served from the bookies until a writer comes; their follows then move
        /// to the new owner and resume where the end was. They are stopped while the writer
        /// writes, so their records are pushed before they follow again: none may be lost.
        @Test func followersOfAnEmptyLogGetItsFirstRecords() async throws {
            try #require(Binaries.dlctlExists)
            let sandbox = try await ProxySandbox(.sqlite)
            let started = try await sandbox.bash("""
                for i in 1 2 3; do "$DLCTL" tail -f t/new > "$DLCTL_HOME/new-$i" 2>&1 & echo $! >> "$DLCTL_HOME/new-pids"; done
                "$DLCTL" log create t/new >/dev/null || exit 1
                for i in 4 5 6; do "$DLCTL" tail -f t/new > "$DLCTL_HOME/new-$i" 2>&1 & echo $! >> "$DLCTL_HOME/new-pids"; done
                echo started
                """, timeout: 60)
            #expect(started.status == 0, "\(started.stderr)")
            #expect(try await waitUntil(timeout: .seconds(60), pollEvery: .milliseconds(100)) { try await followers(sandbox) == 6 })
            let pids = try String(contentsOfFile: sandbox.home.path + "/new-pids", encoding: .utf8).split(separator: "\n").compactMap { pid_t($0) }
            #expect(pids.count == 6)
            for pid in pids { kill(pid, SIGSTOP) }
            #expect(try await sandbox.run(["write", "t/new"], stdin: (1...1_000).map { "\($0)\n" }.joined()).status == 0)
            for pid in pids { kill(pid, SIGCONT) }
            #expect(try await sandbox.run(["seal", "t/new"]).status == 0)
            let expected = (1...1_000).map(String.init)
            for i in 1...6 {
                let path = sandbox.home.path + "/new-\(i)"
                #expect(await waitUntil(timeout: .seconds(60), pollEvery: .milliseconds(100)) {
                    (try? String(contentsOfFile: path, encoding: .utf8))?.hasSuffix("1000\n") ?? false
                })
                let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
                let exact = lines == expected
                #expect(exact, "follower \(i): \(lines.count) lines, first \(lines.prefix(2))")
            }
        }

        /// A follower idle for longer than its --timeout still follows its log when it moves
        /// (an empty log served from the bookies, then taken by the proxy its first writer
        /// reaches): the timeout bounds each search for a proxy, not the life of the follow.
        @Test func anIdleFollowerFollowsItsLogWhenItMoves() async throws {
            try #require(Binaries.dlctlExists)
            let sandbox = try await ProxySandbox(.sqlite)
            #expect(try await sandbox.run(["log", "create", "t/idle"]).status == 0)
            let follower = try sandbox.spawn(["tail", "-f", "t/idle", "--timeout", "1"])
            #expect(try await waitUntil(timeout: .seconds(30), pollEvery: .milliseconds(50)) { try await followers(sandbox) == 1 })
            // Idle for longer than its timeout: it must keep following (not exit) meanwhile.
            let gaveUp = await waitUntil(timeout: .seconds(2), pollEvery: .milliseconds(50)) { !follower.stderr.isEmpty }
            #expect(!gaveUp, "an idle follower gave up: \(follower.stderr)")
            #expect(try await sandbox.run(["write", "t/idle", "r1"]).status == 0)
            #expect(await follower.waitForOutput(containing: "r1", timeout: 30), "\(follower.stderr)")
            follower.kill(SIGTERM)
            _ = await follower.waitForExit(timeout: 10)
            #expect(follower.stdout == "r1\n" && follower.stderr.isEmpty, "\(follower.stdout) \(follower.stderr)")
        }

        @Test func aSubscriberFollowsThroughTheTierFromItsCommittedPosition() async throws {
            try #require(Binaries.dlctlExists)
            let sandbox = try await ProxySandbox(.sqlite)
            #expect(try await sandbox.run(["write", "t/sub"], stdin: (1...10).map { "\($0)\n" }.joined()).status == 0)
            let first = try await sandbox.run(["tail", "-f", "t/sub", "--from", "start", "--subscriber", "s1", "-n", "4"])
            #expect(first.status == 0 && first.stdoutLines == ["1", "2", "3", "4"], "\(first.stdout) \(first.stderr)")
            let second = try await sandbox.run(["tail", "-f", "t/sub", "--subscriber", "s1", "-n", "3"])
            #expect(second.status == 0 && second.stdoutLines == ["5", "6", "7"], "after its committed position: \(second.stdout) \(second.stderr)")
            // Following on from there: the rest, then what is written next, pushed by the owner.
            let follower = try sandbox.spawn(["tail", "-f", "t/sub", "--subscriber", "s1"])
            #expect(await follower.waitForOutput(containing: "10", timeout: 30))
            #expect(try await sandbox.run(["write", "t/sub"], stdin: "11\n12\n").status == 0)
            #expect(await follower.waitForOutput(containing: "12", timeout: 30))
            follower.kill(SIGTERM)
            _ = await follower.waitForExit(timeout: 10)
            #expect(follower.stdout.split(separator: "\n").map(String.init) == ["8", "9", "10", "11", "12"], "\(follower.stdout)")
        }

        /// Followers that start at a position the owner's window does not hold as a record (just
        /// past the last record, as a follower resuming after it asks; a txid) are served by a
        /// catch-up reader that hands them to the window: they get what follows their start,
        /// not the whole window. (Found while building scripts/jepsen.sh's reader, which resumes after its last DLSN.)
        @Test func followersFromPastTheLastRecordOrATxidGetOnlyWhatFollows() async throws {
            try #require(Binaries.dlctlExists)
            let sandbox = try await ProxySandbox(.sqlite, proxies: 1)
            #expect(try await sandbox.run(["write", "t/past"], stdin: "a\nb\nc\nd\ne\n").status == 0)
            let positions = try await sandbox.run(["tail", "t/past", "--from", "start", "--format", "{dlsn}"]).stdoutLines
            let last = try DLSN(parsing: try #require(positions.last))
            let pastTheLast = try sandbox.spawn(["tail", "-f", "t/past", "--from", last.next.description])
            let fromTxid = try sandbox.spawn(["tail", "-f", "t/past", "--from", "txid:3"])
            #expect(try await waitUntil(timeout: .seconds(30), pollEvery: .milliseconds(50)) { try await followers(sandbox) == 2 })
            #expect(try await sandbox.run(["write", "t/past", "f"]).status == 0)
            #expect(try await sandbox.run(["seal", "t/past"]).status == 0)
            #expect(await pastTheLast.waitForExit(timeout: 30) == 0)
            #expect(await fromTxid.waitForExit(timeout: 30) == 0)
            #expect(pastTheLast.stdout == "f\n", "from \(last.next): \(pastTheLast.stdout)")
            #expect(fromTxid.stdout == "d\ne\nf\n", "from txid:3: \(fromTxid.stdout)")
        }

        @Test func aStoppedFollowerIsCutOffAndResumesWithoutAGap() async throws {
            try #require(Binaries.dlctlExists)
            let sandbox = try await ProxySandbox(.sqlite, proxies: 1)
            #expect(try await sandbox.run(["write", "t/slow", "r0"]).status == 0)
            let stopped = try sandbox.spawn(["tail", "-f", "t/slow", "--from", "start"])
            let steady = try await sandbox.bash("""
                "$DLCTL" tail -f t/slow --from start > "$DLCTL_HOME/steady" 2>&1 &
                echo $!
                """)
            #expect(await stopped.waitForOutput(containing: "r0", timeout: 30))
            stopped.kill(SIGSTOP)
            // 48 MB while it is stopped: far more than the proxy keeps for one follower.
            let payload = String(repeating: "x", count: 1_000)
            let written = try await sandbox.bash("""
                for i in $(seq 1 48000); do echo "r$i \(payload)"; done | "$DLCTL" write t/slow
                """, timeout: 300)
            #expect(written.status == 0, "\(written.stderr)")
            #expect(try await sandbox.run(["seal", "t/slow"]).status == 0)
            let steadyPid = steady.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let steadyEnded = try await sandbox.bash("for i in $(seq 1 600); do kill -0 \(steadyPid) 2>/dev/null || exit 0; sleep 0.1; done; exit 1")
            #expect(steadyEnded.status == 0, "the follower that kept reading got to the end")
            stopped.kill(SIGCONT)
            let status = await stopped.waitForExit(timeout: 120)
            #expect(status == 1, "cut off: status \(status.map(String.init) ?? "-"), \(stopped.stderr)")
            let line = stopped.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(line.hasPrefix("dlctl: error: the reader fell more than 8 MiB behind the log and was cut off"), "\(line)")
            let resumeAt = try #require(line.components(separatedBy: "--from ").last?.split(separator: ")").first.map { String($0) }, "\(line)")
            let resumed = try await sandbox.run(["tail", "t/slow", "--from", resumeAt, "-e"])
            let got = stopped.stdout.split(separator: "\n").map(String.init) + resumed.stdout.split(separator: "\n").map(String.init)
            let all = try String(contentsOfFile: sandbox.home.path + "/steady", encoding: .utf8).split(separator: "\n").map(String.init)
            #expect(all.count == 48_001)
            #expect(got == all, "what the stopped follower got, then what it resumed with: \(got.count) of \(all.count) records")
        }
    }
}
