import DLCore
import Foundation
import Testing
import TestSupport

extension CommandLineSuites {
    /// A sealed log through the binary: every reader ends at its end, however it was started, and
    /// what `seal` and `segments` say of it is true.
    @Suite(.serialized) struct SealedLogTests {
        @Test func everyReaderOfASealedLogEndsAndSealSaysWhatItSealed() async throws {
            try #require(Binaries.dlctlExists)
            let cluster = try await LogCommandTests.Cluster()
            let hundred = (1...100).map(String.init).joined(separator: "\n") + "\n"
            #expect(try await cluster.dlctl(["write", "t/s"], stdin: hundred).status == 0)
            let waiting = try cluster.spawn(["tail", "t/s", "-f"])
            let seal = try await cluster.dlctl(["seal", "t/s"])
            #expect(seal.status == 0, "\(seal.stderr)")
            // The 100 records are in one entry or more (how stdin arrived decides): the last is where `seal` says.
            let last = try #require(seal.stdout.components(separatedBy: "(the last at ").last?.split(separator: ")").first.map(String.init),
                                    "\(seal.stdout)")
            #expect(seal.stdout == "sealed t/s: end of stream at 2,0,0 after 100 records (the last at \(last))\n", "\(seal.stdout)")
            #expect(last.hasPrefix("1,"), "\(seal.stdout)")
            #expect(await waiting.waitForExit(timeout: 30) == 0, "a follower waiting at the end when the seal came ends")
            // Followers started at or after the end, by every way of naming it, end at once with status 0.
            for from in ["end", "txid:999", "txid:100", "2,0,0", "2,1,0", "3,0,0"] {
                let follower = try await cluster.dlctl(["tail", "t/s", "--from", from, "-f"], timeout: 30)
                #expect(follower.status == 0, "--from \(from): \(follower.stderr)")
                #expect(follower.stdout.isEmpty, "--from \(from): \(follower.stdout)")
            }
            let fromStart = try await cluster.dlctl(["tail", "t/s", "--from", "start", "-f"], timeout: 30)
            #expect(fromStart.status == 0 && fromStart.stdout == hundred)
            let fromLast = try await cluster.dlctl(["tail", "t/s", "--from", last, "-f"], timeout: 30)
            #expect(fromLast.status == 0 && fromLast.stdout == "100\n")
            // Past the end is refused, follower or not.
            for from in ["3,1,0", "4,0,0", "1,50,1"] {
                let refused = try await cluster.dlctl(["tail", "t/s", "--from", from, "-f"], timeout: 30)
                #expect(refused.status == 2, "--from \(from): \(refused.stderr)")
                #expect(refused.stderr.hasPrefix("dlctl: error: position \(from) is past the end of t/s"), "\(refused.stderr)")
                #expect(refused.stderr.split(separator: "\n").count == 1)
            }
            // A second seal is refused with status 3, as `help seal` says.
            let again = try await cluster.dlctl(["seal", "t/s"])
            #expect(again.status == 3)
            #expect(again.stderr == "dlctl: error: log t/s is sealed (end of stream): nothing more can be written\n", "\(again.stderr)")
            let help = try await ChildProcess.run(Binaries.dlctl, ["help", "seal"])
            #expect(help.stdout.contains("already") && help.stdout.contains("status 3"), "\(help.stdout)")
            // segments: the end-of-stream segment has no txids, and says it seals the log.
            let table = try await cluster.dlctl(["segments", "t/s"]).stdoutLines
            #expect(table.count == 3)
            let sealedRow = table[2].split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            #expect(sealedRow.prefix(2) == ["2", "sealed"] && sealedRow[4] == "-" && sealedRow[5] == "-", "\(table)")
            #expect(!table.joined().contains("-999"), "\(table)")
        }

        /// An in-progress segment shows its first acknowledged record's txid, not the lower bound
        /// its metadata was created with.
        @Test func anInProgressSegmentShowsItsRealFirstTxid() async throws {
            try #require(Binaries.dlctlExists)
            let cluster = try await LogCommandTests.Cluster()
            #expect(try await cluster.dlctl(["write", "t/p", "--input", "lines", "--txid-delimiter", ","], stdin: "5,a\n").status == 0)
            let writer = try cluster.spawn(["write", "t/p", "--input", "lines", "--txid-delimiter", ","])
            writer.stdinHandle.write(Data("40,b\n41,c\n".utf8))
            // Wait until the open segment's records are readable, then look at it.
            #expect(await waitUntil(timeout: .seconds(30), pollEvery: .milliseconds(250)) {
                (try? await cluster.dlctl(["tail", "t/p", "--from", "start", "-e"]).stdout) == "a\nb\nc\n"
            })
            let rows = try await cluster.dlctl(["segments", "t/p"]).stdoutLines.dropFirst()
                .map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
            #expect(rows.count == 2)
            #expect(rows.last?[1] == "in-progress" && rows.last?[4] == "40", "\(rows)")
            writer.closeStdin()
            #expect(await writer.waitForExit(timeout: 30) == 0)
            let completed = try await cluster.dlctl(["segments", "t/p"]).stdoutLines.last ?? ""
            #expect(completed.split(separator: " ", omittingEmptySubsequences: true).map(String.init)[4...5] == ["40", "41"], "\(completed)")
        }
    }
}
