import Foundation
import Testing
import TestSupport

extension CommandLineSuites {
    /// `dlctl ... | head -1`: a command whose reader has gone ends at once and quietly, with the
    /// status a shell reports for a pipeline stage ended by SIGPIPE (141), in every output mode.
    @Suite(.serialized) struct PipelineTests {
        /// Runs `dlctl arguments` into `reader` (a shell command) and gives dlctl's status (from
        /// PIPESTATUS), dlctl's standard error, the reader's output and how long it took.
        static func piped(_ cluster: LogCommandTests.Cluster, _ arguments: [String], into reader: String = "head -1")
            async throws -> (status: Int32?, stderr: String, stdout: String, seconds: Double) {
            let script = "\"$0\" \"$@\" | \(reader); echo \"status=${PIPESTATUS[0]}\" >&2"
            let started = Date()
            let result = try await ChildProcess.run("/bin/bash", ["-c", script, Binaries.dlctl]
                + arguments + ["--uri", cluster.bookies.metadataURI], timeout: 60)
            let seconds = Date().timeIntervalSince(started)
            var stderr = result.stderr
            var status: Int32?
            if let range = stderr.range(of: "status=") {
                status = Int32(stderr[range.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines))
                stderr = String(stderr[..<range.lowerBound])
            }
            return (status, stderr, result.stdout, seconds)
        }

        @Test func everyOutputModeEndsQuietlyWhenItsReaderGoes() async throws {
            try #require(Binaries.dlctlExists)
            let cluster = try await LogCommandTests.Cluster()
            // Well over a pipe's 64 KiB in every output mode.
            let numbers = (1...30_000).map(String.init).joined(separator: "\n") + "\n"
            #expect(try await cluster.dlctl(["write", "t/p"], stdin: numbers).status == 0)
            let ledger = try await cluster.dlctl(["ledger", "write", "--print-id"], stdin: numbers)
            let ledgerId = try #require(ledger.stdoutLines.first)
            // (arguments, reader, what the reader prints)
            let cases: [([String], String, String)] = [
                (["tail", "t/p", "--from", "start", "-e"], "head -1", "1\n"),
                (["tail", "t/p", "--from", "start", "-e", "--json"], "head -1", "{\"dlsn\":\"1,0,0\",\"encoding\":\"utf8\",\"payload\":\"1\",\"txid\":0}\n"),
                (["tail", "t/p", "--from", "start", "-e", "--format", "{txid} {payload}"], "head -1", "0 1\n"),
                (["tail", "t/p", "--from", "start", "-f"], "head -1", "1\n"),
                (["tail", "t/p", "--from", "start", "-e", "--output", "length-prefixed"], "head -c 5 | od -An -tx1", " 00 00 00 01 31\n"),
                (["ledger", "read", ledgerId], "head -1", "1\n"),
                (["ledger", "read", ledgerId, "--format", "hex"], "head -c 2", "31"),
            ]
            for (arguments, reader, first) in cases {
                let run = try await Self.piped(cluster, arguments, into: reader)
                #expect(run.status == 141, "\(arguments): status \(String(describing: run.status)), \(run.stderr)")
                #expect(run.stderr.isEmpty, "\(arguments): quiet, no crash report: \(run.stderr)")
                #expect(run.seconds < 20, "\(arguments): took \(run.seconds) s")
                #expect(run.stdout == first, "\(arguments): \(run.stdout)")
            }
        }

        /// A follower with nothing new to print, and a metadata watch, end as soon as the reader
        /// goes, not at their next write (which may never come).
        @Test func anIdleFollowerEndsWhenItsReaderGoes() async throws {
            try #require(Binaries.dlctlExists)
            let cluster = try await LogCommandTests.Cluster()
            #expect(try await cluster.dlctl(["write", "t/i", "one"]).status == 0)
            for arguments in [["tail", "t/i", "-f"], ["tail", "t/i", "-f", "--json"], ["meta", "watch", "/"]] {
                let run = try await Self.piped(cluster, arguments, into: "true")
                #expect(run.status == 141, "\(arguments): status \(String(describing: run.status)), \(run.stderr)")
                #expect(run.stderr.isEmpty, "\(arguments): \(run.stderr)")
                #expect(run.seconds < 20, "\(arguments): took \(run.seconds) s")
            }
        }

        /// Standard output that cannot take the bytes for another reason (a full disk) is one
        /// error line and status 1, not a trap.
        @Test func aFullOutputIsOneErrorLine() async throws {
            try #require(Binaries.dlctlExists)
            let cluster = try await LogCommandTests.Cluster()
            #expect(try await cluster.dlctl(["write", "t/f"], stdin: (1...30_000).map(String.init).joined(separator: "\n")).status == 0)
            let script = "\"$0\" \"$@\" > /dev/full"
            let result = try await ChildProcess.run("/bin/bash", ["-c", script, Binaries.dlctl, "tail", "t/f", "--from", "start",
                                                                  "-e", "--uri", cluster.bookies.metadataURI], timeout: 60)
            #expect(result.status == 1)
            #expect(result.stderr == "dlctl: error: cannot write to standard output: No space left on device\n", "\(result.stderr)")
        }
    }
}
