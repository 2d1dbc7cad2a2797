import Foundation
import Testing
import TestSupport

extension CommandLineSuites {
    /// `tail --from DLSN` where no record can be: refused with one line, not an empty read.
    @Suite(.serialized) struct StartPositionTests {
        @Test func aPositionPastAnEndOrWithANegativePartIsRefused() async throws {
            try #require(Binaries.dlctlExists)
            let cluster = try await LogCommandTests.Cluster()
            let hundred = (1...100).map(String.init).joined(separator: "\n") + "\n"
            let write = try await cluster.dlctl(["write", "t/r"], stdin: hundred)
            #expect(write.stdout == "1,0,99\n", "segment 1 ends at 1,0,99: \(write.stdout)")
            let cases: [(String, Int32, String)] = [
                ("99,0,0", 2, "dlctl: error: position 99,0,0 is past the end of t/r: its last segment is 1, the next one would be 2,0,0\n"),
                // (The segment's last entry may be a control entry after the records: its number varies.)
                ("1,999999,0", 2, "dlctl: error: position 1,999999,0 is past the end of t/r: segment 1 is completed and its last entry is "),
                ("1,50,1", 2, "past the end of t/r"),
                ("3,0,0", 2, "past the end of t/r"),
                ("-1,0,0", 64, "dlctl: error: '-1,0,0' is not a DLSN: the segment is 1 or more, the entry and slot 0 or more\n"),
                ("1,-1,0", 64, "is not a DLSN"),
                ("1,0,-5", 64, "is not a DLSN"),
                ("0,0,0", 64, "is not a DLSN"),
            ]
            for (from, status, message) in cases {
                for follow in [["-e"], ["-f"]] {
                    let result = try await cluster.dlctl(["tail", "t/r", "--from=\(from)"] + follow, timeout: 30)
                    #expect(result.status == status, "\(from) \(follow): \(result.stderr)")
                    #expect(message.hasSuffix("\n") ? result.stderr == message : result.stderr.contains(message), "\(from): \(result.stderr)")
                    if from == "1,999999,0" { #expect(result.stderr.hasSuffix(" (its last record is 1,0,99)\n"), "\(result.stderr)") }
                    #expect(result.stderr.split(separator: "\n").count == 1, "\(from): \(result.stderr)")
                    #expect(result.stdout.isEmpty)
                }
            }
            // Inside the log, and at its end (where a writer goes on), the read is as asked.
            let within: [(String, String)] = [("1,0,97", "98\n99\n100\n"), ("1,1,0", ""), ("2,0,0", "")]
            for (from, expected) in within {
                let result = try await cluster.dlctl(["tail", "t/r", "--from", from, "-e"])
                #expect(result.status == 0 && result.stdout == expected, "\(from): \(result.stdout) \(result.stderr)")
            }
        }
    }
}
