import DLCore
import Foundation
import Testing
import TestSupport

extension ServingTierSuites {
    /// The serving tier through real processes: a sandbox with two write proxies, on both
    /// metadata backends. Clients are `dlctl write` one-liners and streams, as users run them.
    @Suite(.serialized) struct ProxyTests {
        /// `count` numbered records `prefix1`...: fed in chunks with pauses, so that a stream
        /// is still running when the test kills, stops or moves its log's owner.
        static func pacedRecords(_ prefix: String, _ count: Int, pauses: Int = 10) -> String {
            "seq 1 \(count) | awk -v prefix=\"\(prefix)\" '{ print prefix $0 } NR % \(max(count / pauses, 1)) == 0 { fflush(); system(\"sleep 0.2\") }'"
        }

        /// Each client's records, by client, in log order, from lines "c<client>-<n>".
        static func byClient(_ records: [String]) -> [String: [Int]] {
            var clients: [String: [Int]] = [:]
            for record in records {
                let parts = record.split(separator: "-")
                guard parts.count == 2, let number = Int(parts[1]) else { continue }
                clients[String(parts[0]), default: []].append(number)
            }
            return clients
        }

        func waitForOwner(_ sandbox: ProxySandbox, of log: String, otherThan previous: String? = nil) async throws -> ProxySandbox.Proxy? {
            var owner: ProxySandbox.Proxy?
            _ = try await waitUntil(timeout: .seconds(60), pollEvery: .milliseconds(200)) {
                owner = try await sandbox.owner(of: log)
                return owner.map { $0.address != previous } ?? false
            }
            return owner
        }

        /// Writes from many one-liner processes go through one owner into one segment.
        @Test(arguments: MetadataBackend.allCases)
        func concurrentOneLinersShareOneWriter(_ backend: MetadataBackend) async throws {
            try #require(Binaries.dlctlExists)
            let sandbox = try await ProxySandbox(backend)
            let run = try await sandbox.bash("""
                for i in $(seq 1 100); do (echo "r$i" | "$DLCTL" write t/conc >/dev/null 2>>"$DLCTL_HOME/errors" || echo $i >> "$DLCTL_HOME/failed") & done
                wait
                cat "$DLCTL_HOME/failed" "$DLCTL_HOME/errors" 2>/dev/null || true
                """)
            #expect(run.status == 0 && run.stdout.isEmpty, "failed clients: \(run.stdout)")
            let records = try await sandbox.records("t/conc")
            #expect(records.sorted() == (1...100).map { "r\($0)" }.sorted(), "\(records.count) records")
            #expect(try await sandbox.segmentCount("t/conc") == 1)
            let owner = try await sandbox.owner(of: "t/conc")
            #expect(owner != nil, "one proxy owns the log")
        }

        /// kill -9 of the owner while 20 clients stream: every client ends 0 (after redirects)
        /// or with one line; nothing a client was told is acknowledged is missing, nothing is
        /// there twice, each client's records are in its order, and `check` is clean.
        @Test(arguments: MetadataBackend.allCases)
        func killingTheOwnerLosesNothingAcknowledgedAndDuplicatesNothing(_ backend: MetadataBackend) async throws {
            try #require(Binaries.dlctlExists)
            let sandbox = try await ProxySandbox(backend)
            let clients = 20, each = 50_000
            let script = """
                for c in $(seq 1 \(clients)); do
                  ( \(Self.pacedRecords("c$c-", each, pauses: 100)) | "$DLCTL" write t/fo --timeout 60 > "$DLCTL_HOME/out$c" 2> "$DLCTL_HOME/err$c"; echo $? > "$DLCTL_HOME/rc$c" ) &
                done
                wait
                """
            let writers = try ChildProcess("/bin/bash", ["-c", script], environment: sandbox.environment.merging(["DLCTL": sandbox.dlctl]) { $1 })
            let owner = try #require(try await waitForOwner(sandbox, of: "t/fo"))
            // Mid-stream: some records are acknowledged in the owner's segment (a reader sees
            // one), the streams are still running.
            #expect(try await waitUntil(timeout: .seconds(60), pollEvery: .milliseconds(200)) {
                guard try await sandbox.run(["segments", "t/fo"]).stdout.contains("in-progress") else { return false }
                let first = try await sandbox.run(["tail", "t/fo", "--from", "start", "-n", "1"])
                return first.status == 0 && !first.stdout.isEmpty
            })
            kill(owner.pid, SIGKILL)
            #expect(await writers.waitForExit(timeout: 240) == 0)
            let records = try await sandbox.records("t/fo")
            let byClient = Self.byClient(records)
            for client in 1...clients {
                let home = sandbox.home.path
                let status = try String(contentsOfFile: "\(home)/rc\(client)", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
                let errors = try String(contentsOfFile: "\(home)/err\(client)", encoding: .utf8)
                let numbers = byClient["c\(client)"] ?? []
                #expect(numbers == (0..<numbers.count).map { $0 + 1 }, "client \(client): its records in order, each once")
                if status == "0" {
                    #expect(numbers.count == each, "client \(client) was told all \(each) were acknowledged")
                    #expect(errors.isEmpty, "client \(client): \(errors)")
                } else {
                    #expect(errors.split(separator: "\n").count == 1, "client \(client) failed with one line: \(errors)")
                }
            }
            let statuses = (1...clients).compactMap { try? String(contentsOfFile: "\(sandbox.home.path)/rc\($0)", encoding: .utf8) }
            #expect(statuses.filter { $0.hasPrefix("0") }.count == clients, "every client rode through the failover: \(statuses)")
            // The killed owner's segment was recovered with part of the records in it.
            let killedSegment = try await sandbox.segments("t/fo").first
            #expect(killedSegment.map { $0.state == "completed" && $0.recordCount > 0 && $0.recordCount < Int64(clients * each) } == true,
                    "killed mid-stream: \(String(describing: killedSegment))")
            let check = try await sandbox.run(["check", "t/fo"])
            #expect(check.status == 0, "\(check.stdout) \(check.stderr)")
        }

        /// A stopped owner loses the log to another proxy once its session expires; resumed, it
        /// writes nothing more to it (its segment was fenced), gives it up and redirects.
        @Test(arguments: MetadataBackend.allCases)
        func aStoppedOwnerIsFencedAndRedirectsWhenItResumes(_ backend: MetadataBackend) async throws {
            try #require(Binaries.dlctlExists)
            let sandbox = try await ProxySandbox(backend)
            let writer = try ChildProcess("/bin/bash", ["-c", "\(Self.pacedRecords("", 100_000, pauses: 20)) | \"$DLCTL\" write t/st --timeout 60"],
                                          environment: sandbox.environment.merging(["DLCTL": sandbox.dlctl]) { $1 })
            let stopped = try #require(try await waitForOwner(sandbox, of: "t/st"))
            kill(stopped.pid, SIGSTOP)
            let taker = try await waitForOwner(sandbox, of: "t/st", otherThan: stopped.address)
            kill(stopped.pid, SIGCONT)
            let newOwner = try #require(taker)
            #expect(newOwner.address != stopped.address)
            #expect(await writer.waitForExit(timeout: 120) == 0, "\(writer.stderr)")
            // Resumed, the old owner answers a write for the log with a redirect to the new one.
            let connection = try await ProxyConnection.connect(stopped.address)
            var answer: ProxyResponse?
            let redirected = await waitUntil(timeout: .seconds(30), pollEvery: .milliseconds(200)) {
                answer = try? await connection.send(.write(log: "t/st", origin: nil, records: [ProxyRecord(payload: Array("late".utf8))]),
                                                    timeout: .seconds(5))
                return answer?.status == .redirect
            }
            #expect(redirected, "\(String(describing: answer))")
            #expect(answer?.detail == newOwner.address)
            await connection.close()
            let numbers = try await sandbox.records("t/st").compactMap { Int($0) }
            #expect(numbers == Array(1...100_000), "\(numbers.count) records")
            #expect(try await sandbox.run(["check", "t/st"]).status == 0)
        }

        /// A follower pushed to by an owner that loses its metadata session (stopped past its
        /// session timeout) follows again once the owner resumes and gives its logs up: it gets
        /// every record, written before and after, once and in order. (The owner used to drop
        /// the log but keep the follower on its feed, where it waited for ever.)
        @Test(arguments: MetadataBackend.allCases)
        func aFollowerOfAnOwnerThatLostItsSessionFollowsAgain(_ backend: MetadataBackend) async throws {
            try #require(Binaries.dlctlExists)
            let sandbox = try await ProxySandbox(backend)
            let lines = { (range: ClosedRange<Int>) in range.map { "\($0)\n" }.joined() }
            #expect(try await sandbox.run(["write", "t/sf"], stdin: lines(1...100)).status == 0)
            let owner = try #require(try await waitForOwner(sandbox, of: "t/sf"))
            let follower = try sandbox.spawn(["tail", "-f", "t/sf", "--from", "start"])
            #expect(await follower.waitForOutput(containing: "\n100\n", timeout: 60), "\(follower.stderr)")
            kill(owner.pid, SIGSTOP)
            // Its session expires: its registration goes with it.
            let expired = await waitUntil(timeout: .seconds(60), pollEvery: .milliseconds(200)) {
                (try? await sandbox.proxies().contains { $0.address == owner.address }) == false
            }
            kill(owner.pid, SIGCONT)
            try #require(expired, "the stopped owner's session expired")
            // Resumed, it finds its session gone, gives its logs up and registers again.
            let back = await waitUntil(timeout: .seconds(60), pollEvery: .milliseconds(200)) {
                (try? await sandbox.proxies().contains { $0.address == owner.address }) == true
            }
            try #require(back, "the owner registered again")
            #expect(try await sandbox.run(["write", "t/sf"], stdin: lines(101...200)).status == 0)
            let all = await follower.waitForOutput(containing: "\n200\n", timeout: 30)
            follower.kill(SIGTERM)
            _ = await follower.waitForExit(timeout: 30)
            let received = follower.stdout.split(separator: "\n").map(String.init)
            #expect(all, "the follower got \(received.count) records: \(follower.stderr)")
            let wrong = zip(received, (1...200).map(String.init)).enumerated().first { $0.element.0 != $0.element.1 }
            #expect(received.count == 200 && wrong == nil, "line \(wrong.map { $0.offset + 1 } ?? received.count + 1) is not the record expected")
        }

        /// drain, then release: the log moves to the other proxy with no failed client write.
        @Test(arguments: MetadataBackend.allCases)
        func drainThenReleaseMovesTheLogWithoutAFailedWrite(_ backend: MetadataBackend) async throws {
            try #require(Binaries.dlctlExists)
            let sandbox = try await ProxySandbox(backend)
            let writer = try ChildProcess("/bin/bash", ["-c", "\(Self.pacedRecords("", 100_000, pauses: 20)) | \"$DLCTL\" write t/dr"],
                                          environment: sandbox.environment.merging(["DLCTL": sandbox.dlctl]) { $1 })
            let first = try #require(try await waitForOwner(sandbox, of: "t/dr"))
            let drained = try await sandbox.run(["proxy", "drain", first.address])
            #expect(drained.status == 0 && drained.stdout == "\(first.address): draining\n", "\(drained.stdout) \(drained.stderr)")
            let released = try await sandbox.run(["proxy", "release", "t/dr"])
            #expect(released.status == 0 && released.stdout == "\(first.address) released t/dr\n", "\(released.stdout) \(released.stderr)")
            let second = try #require(try await waitForOwner(sandbox, of: "t/dr", otherThan: first.address))
            let listed = try await sandbox.proxies()
            #expect(listed.first { $0.address == first.address }?.status == "draining")
            #expect(listed.first { $0.address == second.address }?.ownedLogs?.contains("t/dr") == true, "proxy list shows the move")
            #expect(await writer.waitForExit(timeout: 120) == 0, "no failed write: \(writer.stderr)")
            #expect(try await sandbox.records("t/dr").compactMap { Int($0) } == Array(1...100_000))
            let undone = try await sandbox.run(["proxy", "drain", first.address, "--undo"])
            #expect(undone.stdout == "\(first.address): serving\n")
            let info = try await sandbox.run(["proxy", "info", first.address, "-o", "json"])
            #expect(info.status == 0 && info.stdout.contains("\"draining\":false"), "\(info.stdout) \(info.stderr)")
            let unknown = try await sandbox.run(["proxy", "info", "127.0.0.1:1"])
            #expect(unknown.status == 2 && unknown.stderr.hasPrefix("dlctl: error: no proxy 127.0.0.1:1 is registered"), "\(unknown.stderr)")
        }

        /// Bad input: a malformed or oversized frame closes that connection only; a write for a
        /// log that does not exist, a record over the limit, a txid going backwards and a sealed
        /// log each get one line and the documented status; nothing acknowledged is lost.
        @Test(arguments: MetadataBackend.allCases)
        func badInputGetsOneLineAndLosesNothing(_ backend: MetadataBackend) async throws {
            try #require(Binaries.dlctlExists)
            let sandbox = try await ProxySandbox(backend)
            #expect(try await sandbox.run(["write", "t/bad", "--txid-delimiter", ","], stdin: "5,a\n6,b\n").status == 0)
            let proxy = try #require(try await sandbox.proxies().first)
            let port = proxy.address.split(separator: ":").last.map(String.init) ?? "0"
            // Garbage, then a frame claiming 4 GiB: the proxy hangs up on each (cat sees the end).
            for bytes in ["\\x00\\x00\\x00\\x10garbage-garbage!", "\\xff\\xff\\xff\\xf0"] {
                let closed = try await sandbox.bash("exec 3<>/dev/tcp/127.0.0.1/\(port); printf '\(bytes)' >&3; timeout 20 cat <&3 >/dev/null", timeout: 30)
                #expect(closed.status == 0, "the proxy closed the connection after \(bytes): \(closed.stderr)")
            }
            let connection = try await ProxyConnection.connect(proxy.address)
            let missing = try await connection.send(.write(log: "t/none", origin: nil, records: [ProxyRecord(payload: [1])]), timeout: .seconds(30))
            #expect(missing.status == .noSuchLog && missing.detail.hasPrefix("log t/none does not exist"), "\(missing)")
            await connection.close()
            let cases: [([String], String, Int32, String)] = [
                (["write", "t/bad", "--input", "raw"], String(repeating: "x", count: 1_100_000), 64,
                 "dlctl: error: record 1: record of 1100000 bytes is over the limit of 1040384 (nothing was acknowledged)\n"),
                (["write", "t/bad", "--txid-delimiter", ","], "3,c\n", 64,
                 "dlctl: error: log t/bad: txid 3 is out of order: the log is already at txid 6 (txids must not decrease) (nothing was acknowledged)\n"),
                (["write", "t/bad2", "--txid-delimiter", ","], "7,c\n5,d\n", 64,
                 "dlctl: error: line 2: log t/bad2: txid 5 is out of order: the log is already at txid 7 (txids must not decrease) (1 record was acknowledged, at 1,0,0)\n"),
                (["seal", "t/missing-log"], "", 2, "dlctl: error: log t/missing-log does not exist (create it with 'dlctl log create t/missing-log')\n"),
            ]
            for (arguments, stdin, status, line) in cases {
                let result = try await sandbox.run(arguments, stdin: stdin)
                #expect(result.status == status && result.stderr == line, "\(arguments): \(result.status.map(String.init) ?? "-") \(result.stderr)")
            }
            let sealed = try await sandbox.run(["seal", "t/bad"])
            #expect(sealed.status == 0, "\(sealed.stderr)")
            let late = try await sandbox.run(["write", "t/bad", "late"])
            #expect(late.status == 3 && late.stderr == "dlctl: error: log t/bad is sealed (end of stream): nothing more can be written (nothing was acknowledged)\n",
                    "\(late.stderr)")
            #expect(try await sandbox.records("t/bad") == ["a", "b"], "what was acknowledged is all there")
            #expect(try await sandbox.proxies().count == 2, "both proxies still serve")
        }

        /// A log nobody writes to is released after --idle-release; a proxy's SIGTERM ends it with 0.
        @Test func anIdleLogIsReleased() async throws {
            try #require(Binaries.dlctlExists)
            let sandbox = try await ProxySandbox(.sqlite, proxies: 0)
            let port = try FreePort.next()
            let proxy = try ChildProcess(sandbox.dlctl, ["proxy", "start", "--port", "\(port)", "--idle-release", "1",
                                                         "--uri", sandbox.home.path + "/sandbox/metadata.db"])
            #expect(await proxy.waitForError(containing: "proxy serving", timeout: 60), "\(proxy.stderr)")
            #expect(try await sandbox.run(["write", "t/idle", "one"]).status == 0)
            #expect(try await sandbox.owner(of: "t/idle")?.address == "127.0.0.1:\(port)", "written through the proxy")
            #expect(try await waitUntil(timeout: .seconds(30), pollEvery: .milliseconds(200)) {
                try await sandbox.owner(of: "t/idle") == nil
            }, "released when idle")
            #expect(try await sandbox.run(["write", "t/idle", "two", "--direct", "--lock-timeout", "0"]).status == 0, "the lock is free")
            proxy.kill(SIGTERM)
            #expect(await proxy.waitForExit(timeout: 30) == 0)
            #expect(try await sandbox.records("t/idle") == ["one", "two"])
        }

        /// SIGTERM: the proxy finishes, releases its logs (a direct writer takes the lock at once)
        /// and deregisters; `--direct` and a sandbox without proxies write in-process.
        @Test func aStoppedProxyReleasesItsLogsAndDirectWritesStillWork() async throws {
            try #require(Binaries.dlctlExists)
            let sandbox = try await ProxySandbox(.sqlite)
            #expect(try await sandbox.run(["write", "t/term", "one"]).status == 0)
            let owner = try #require(try await sandbox.owner(of: "t/term"))
            let deleted = try await sandbox.run(["log", "delete", "t/term"])
            #expect(deleted.status == 3 && deleted.stderr.hasPrefix("dlctl: error: log t/term already has a writer (proxy \(owner.address), pid \(owner.pid)")
                    && deleted.stderr.hasSuffix("one writer per log ('dlctl proxy release t/term' makes its proxy let it go)\n"), "\(deleted.stderr)")
            kill(owner.pid, SIGTERM)
            #expect(try await waitUntil(timeout: .seconds(30), pollEvery: .milliseconds(200)) {
                try await !sandbox.proxies().contains { $0.pid == owner.pid }
            }, "deregistered")
            let direct = try await sandbox.run(["write", "t/term", "two", "--direct", "--lock-timeout", "0"])
            #expect(direct.status == 0, "the lock was released: \(direct.stderr)")
            #expect(try await sandbox.records("t/term") == ["one", "two"])

            let plain = try await ProxySandbox(.sqlite, proxies: 0)
            #expect(try await plain.proxies().isEmpty)
            #expect(try await plain.run(["write", "t/p", "x"]).status == 0)
            #expect(try await plain.records("t/p") == ["x"])
        }
    }
}
