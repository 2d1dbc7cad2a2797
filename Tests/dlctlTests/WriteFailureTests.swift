import Foundation
import Testing
import TestSupport

extension CommandLineSuites {
    /// A `write` that stops says which input record stopped it and how far it got.
    @Suite(.serialized) struct WriteFailureTests {
        @Test func aFailedWriteNamesTheRecordAndWhatWasAcknowledged() async throws {
            try #require(Binaries.dlctlExists)
            let cluster = try await LogCommandTests.Cluster()
            let big = String(repeating: "x", count: 2_000_000)
            let cases: [([String], String, String)] = [
                (["write", "t/w"], "a\nb\n\(big)\nc\n",
                 // (where the second record lands depends on whether the first was flushed on its own)
                 "dlctl: error: line 3: record of 2000000 bytes is over the limit of 1040384 (2 records were acknowledged, the last at 1,"),
                (["write", "t/w", "--input", "lines", "--txid-delimiter", ","], "90,a\n10,b\n",
                 "(1 record was acknowledged, at 2,0,0)\n"),
                (["write", "t/w", "--input", "json"], "{\"a\":1}\nnot json\n",
                 "dlctl: error: line 2 is not a JSON object (1 record was acknowledged, at 3,0,0)\n"),
                (["write", "t/w", "--input", "json-envelope"], "{\"payload\":\"AA==\",\"encoding\":\"base64\"}\n{\"payload\":\"x\",\"encoding\":\"rot13\"}\n",
                 "dlctl: error: line 2: unknown encoding \"rot13\" (utf8 or base64) (1 record was acknowledged, at 4,0,0)\n"),
                (["write", "t/w", "--input", "raw"], big, "dlctl: error: record 1: record of 2000000 bytes is over the limit of 1040384 (nothing was acknowledged)\n"),
            ]
            for (arguments, stdin, message) in cases {
                let result = try await cluster.dlctl(arguments, stdin: stdin)
                #expect(result.status == 64, "\(arguments): \(result.stderr)")
                #expect(result.stderr.hasSuffix(message) || (message.hasSuffix(",") && result.stderr.contains(message)), "\(arguments): \(result.stderr)")
                #expect(result.stderr.split(separator: "\n").count == 1)
            }
            let txidCase = try await cluster.dlctl(["tail", "t/w", "--from", "2,0,0", "-e", "-n", "1"])
            #expect(txidCase.stdout == "a\n")
        }

        /// A follower of a log that is deleted under it is told so, not to create the log.
        @Test func aDeletedLogsFollowerIsToldItWasDeleted() async throws {
            try #require(Binaries.dlctlExists)
            let cluster = try await LogCommandTests.Cluster()
            #expect(try await cluster.dlctl(["write", "t/d", "one"]).status == 0)
            let follower = try cluster.spawn(["tail", "t/d", "--from", "start", "-f"])
            #expect(await follower.waitForOutput(containing: "one\n", timeout: 30))
            #expect(try await cluster.dlctl(["log", "delete", "t/d"]).status == 0)
            #expect(await follower.waitForExit(timeout: 30) == 2)
            #expect(follower.stderr == "dlctl: error: log t/d was deleted (or renamed) while it was being read, after DLSN 1,0,0\n",
                    "\(follower.stderr)")
        }

        /// `log list` alone lists the default namespace, as every other command defaults to it.
        @Test func logListDefaultsToTheDefaultNamespace() async throws {
            try #require(Binaries.dlctlExists)
            let cluster = try await LogCommandTests.Cluster()
            #expect(try await cluster.dlctl(["write", "one"]).status == 0)
            #expect(try await cluster.dlctl(["write", "other/two", "x"]).status == 0, "a log elsewhere is not listed")
            let listed = try await cluster.dlctl(["log", "list"], stdin: "")
            #expect(listed.status == 0 && listed.stdout == "one\n", "\(listed.stdout) \(listed.stderr)")
        }
    }
}
