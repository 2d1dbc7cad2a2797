import DLCore
import Foundation
import Testing
import TestSupport

extension ServingTierSuites {
    /// The HTTP door of the write proxies (issue 14), driven with curl as a user would.
    @Suite(.serialized) struct HTTPDoorTests {
        @Test func curlWritesReadsAndFollowsThroughEitherProxy() async throws {
            try #require(Binaries.dlctlExists)
            let sandbox = try await ProxySandbox(.sqlite)
            let ports = try await sandbox.proxies().compactMap(\.httpPort)
            try #require(ports.count == 2)
            for (index, port) in ports.enumerated() {
                let log = "t/web"
                let base = "http://127.0.0.1:\(port)/v1/logs/\(log)/records"
                // Through each proxy: one of them owns the log after the first write, the other
                // forwards to it.
                let written = try await sandbox.bash("""
                    seq \(index * 1000 + 1) \(index * 1000 + 1000) | curl -sS --data-binary @- -H 'Content-Type: text/plain' '\(base)'
                    """)
                struct Appended: Decodable { var records: Int; var dlsns: [String] }
                let appended = try JSONDecoder().decode(Appended.self, from: Data(written.stdout.utf8))
                #expect(appended.records == 1000 && appended.dlsns.count == 1000 && !appended.dlsns.contains(""), "\(written.stdout.prefix(200))")
                let read = try await sandbox.bash("curl -sS '\(base)?from=\(appended.dlsns[0])'")
                let payloads = try read.stdout.split(separator: "\n").map { line in
                    try JSONDecoder().decode(RecordEnvelope.self, from: Data(line.utf8)).payload
                }
                #expect(payloads == (index * 1000 + 1...index * 1000 + 1000).map(String.init), "read back through \(port): \(payloads.count)")
                // A follow streams records as they are written.
                let followed = sandbox.home.path + "/followed-\(port)"
                let follower = try await sandbox.bash("""
                    curl -sN '\(base)?from=end&follow=1' > '\(followed)' 2>&1 &
                    echo $!
                    """)
                let pid = follower.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                var seen: [String] = []
                let deadline = ContinuousClock.now + .seconds(30)
                var sent = 0
                while seen.count < 3 && ContinuousClock.now < deadline {
                    // Written until the follow shows them (it may not be registered at once).
                    if sent < 20 {
                        sent += 1
                        _ = try await sandbox.bash("echo live-\(sent) | curl -sS --data-binary @- '\(base)'")
                    }
                    seen = ((try? String(contentsOfFile: followed, encoding: .utf8)) ?? "").split(separator: "\n")
                        .compactMap { try? JSONDecoder().decode(RecordEnvelope.self, from: Data($0.utf8)).payload }
                }
                _ = try await sandbox.bash("kill \(pid)")
                #expect(seen.count >= 3 && seen.allSatisfy { $0.hasPrefix("live-") }, "followed through \(port): \(seen)")
                if let first = seen.first, let n = Int(first.dropFirst(5)) {
                    #expect(seen == (n..<n + seen.count).map { "live-\($0)" }, "in order, once: \(seen)")
                }
            }
        }

        @Test func badRequestsGetAJSONErrorAndTheProxyKeepsServing() async throws {
            try #require(Binaries.dlctlExists)
            let sandbox = try await ProxySandbox(.sqlite, proxies: 1)
            let port = try #require(try await sandbox.proxies().first?.httpPort)
            let base = "http://127.0.0.1:\(port)"
            #expect(try await sandbox.run(["write", "t/web", "one"]).status == 0)
            let cases: [(String, Int, Int, String)] = [
                ("curl -s '\(base)/nope'", 404, 2, "no such path /nope"),
                ("curl -s -X DELETE '\(base)/v1/logs/t/web/records'", 405, 64, "GET or POST"),
                ("printf '{\"a\":1}\\nnot json\\n' | curl -s --data-binary @- -H 'Content-Type: application/x-ndjson' '\(base)/v1/logs/t/web/records'",
                 400, 64, "line 2 of the body is not JSON"),
                ("head -c 70000000 /dev/zero | curl -s --data-binary @- '\(base)/v1/logs/t/web/records'", 413, 64, "over the limit of 64 MiB"),
                ("curl -s '\(base)/v1/logs/t/none/records'", 404, 2, "log t/none does not exist"),
                ("curl -s '\(base)/v1/logs/t/web/records?from=bogus'", 400, 64, "from=bogus is not"),
                ("curl -s -X POST '\(base)/healthz'", 405, 64, "only GET"),
            ]
            struct Failure: Decodable { var error: String; var code: Int; var status: Int }
            for (command, status, code, words) in cases {
                let result = try await sandbox.bash(command + " -w '\\n%{http_code}'", timeout: 120)
                let lines = result.stdout.split(separator: "\n")
                let failure = try? JSONDecoder().decode(Failure.self, from: Data((lines.first ?? "").utf8))
                #expect(lines.last.map(String.init) == "\(status)" && failure?.status == status && failure?.code == code
                        && failure?.error.contains(words) == true, "\(command): \(result.stdout)")
            }
            let health = try await sandbox.bash("curl -s -w ' %{http_code}' '\(base)/healthz'")
            #expect(health.stdout.hasSuffix(" 200") && health.stdout.contains("\"status\":\"serving\""), "\(health.stdout)")
            let metrics = try await sandbox.bash("curl -s '\(base)/metrics'")
            #expect(metrics.stdout.contains("dlctl_proxy_followers ") && metrics.stdout.contains("dlctl_proxy_writes_over_capacity_total 0"))
            #expect(try await sandbox.records("t/web") == ["one"], "nothing written by the refused requests")
        }
    }
}
