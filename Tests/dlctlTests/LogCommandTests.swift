import DLCore
import Foundation
import Testing
import TestSupport

/// `dlctl write` and `dlctl tail` through real processes on a local cluster.
@Suite(.serialized) struct LogCommandTests {
    final class Cluster: @unchecked Sendable {
        let bookies: LocalBookies
        init() async throws {
            bookies = try await LocalBookies()
            for index in 0..<3 { try await bookies.start("b\(index)") }
        }
        func dlctl(_ arguments: [String], stdin: String? = nil, timeout: TimeInterval = 120) async throws -> CommandResult {
            let child = try ChildProcess(Binaries.dlctl, arguments + ["--uri", bookies.metadataURI])
            if let stdin { child.stdinHandle.write(Data(stdin.utf8)) }
            child.closeStdin()
            let status = await child.waitForExit(timeout: timeout)
            await child.waitForStreamsToClose(timeout: 5)
            return CommandResult(status: status, stdout: child.stdout, stderr: child.stderr)
        }
        func spawn(_ arguments: [String]) throws -> ChildProcess {
            try ChildProcess(Binaries.dlctl, arguments + ["--uri", bookies.metadataURI])
        }
    }

    static let numbers = (1...200_000).map(String.init).joined(separator: "\n") + "\n"

    @Test func writeThenTailPrintsEveryRecordInOrderAndAFollowerSeesThemToo() async throws {
        try #require(Binaries.dlctlExists)
        let cluster = try await Cluster()
        let follower = try cluster.spawn(["tail", "t/a", "-f"])
        let write = try await cluster.dlctl(["write", "t/a"], stdin: Self.numbers)
        #expect(write.status == 0, "\(write.stderr)")
        #expect((try? DLSN(parsing: write.stdout.trimmingCharacters(in: .whitespacesAndNewlines))) != nil, "prints the last DLSN")
        let read = try await cluster.dlctl(["tail", "t/a", "--from", "start", "-e"])
        #expect(read.status == 0)
        #expect(read.stdout == Self.numbers)
        // The follower, started before the write, gets the last line promptly.
        #expect(await follower.waitForOutput(containing: "\n200000\n", timeout: 10))
        follower.kill(SIGTERM)
        await follower.waitForExit(timeout: 10)
        #expect(follower.stdout == Self.numbers)
        let segments = try await cluster.dlctl(["segments", "t/a", "-o", "json"])
        let parsed = try JSONDecoder().decode([SegmentMetadata].self, from: Data(segments.stdout.utf8))
        #expect(parsed.count == 1 && parsed[0].recordCount == 200_000 && parsed[0].state == .completed)
        #expect(parsed[0].lastTxId == 199_999)
    }

    @Test func aKilledWritersRecordsSurviveAndANewWriterTakesOver() async throws {
        try #require(Binaries.dlctlExists)
        let cluster = try await Cluster()
        #expect(try await cluster.dlctl(["log", "create", "t/k"]).status == 0)
        let first = try cluster.spawn(["write", "t/k", "--session-timeout", "2"])
        for index in 1...50_000 { first.stdinHandle.write(Data("a\(index)\n".utf8)) }
        // Let some of it be acknowledged, then kill the writer mid-stream.
        let store = try await MetadataURI(parsing: cluster.bookies.metadataURI).open()
        let log = try LogName(parsing: "t/k")
        let started = await waitUntil(timeout: .seconds(30)) {
            (try? await LogCatalog(store: store).segments(log).count) == 1
        }
        #expect(started)
        first.kill(SIGKILL)
        await first.waitForExit(timeout: 10)
        let second = try await cluster.dlctl(["write", "t/k", "--lock-timeout", "60"], stdin: "b1\nb2\n")
        #expect(second.status == 0, "\(second.stderr)")
        let read = try await cluster.dlctl(["tail", "t/k", "--from", "start", "-e"])
        let lines = read.stdout.split(separator: "\n").map(String.init)
        let firstPart = lines.prefix { $0.hasPrefix("a") }
        #expect(firstPart.elementsEqual((1...firstPart.count).map { "a\($0)" }), "the first writer's records form a prefix, in order, once each")
        #expect(Array(lines.dropFirst(firstPart.count)) == ["b1", "b2"])
        let segments = try await LogCatalog(store: store).segments(try LogName(parsing: "t/k")).map(\.metadata)
        #expect(segments.count == 2)
        #expect(segments[0].state == .completed && segments[0].recordCount == Int64(firstPart.count))
        await store.close()
    }

    @Test func aFrozenLogWriterIsFencedWhenItResumes() async throws {
        try #require(Binaries.dlctlExists)
        let cluster = try await Cluster()
        let zombie = try cluster.spawn(["write", "t/z", "--session-timeout", "2"])
        for index in 1...1000 { zombie.stdinHandle.write(Data("z\(index)\n".utf8)) }
        let store = try await MetadataURI(parsing: cluster.bookies.metadataURI).open()
        let log = try LogName(parsing: "t/z")
        let started = await waitUntil(timeout: .seconds(30)) {
            (try? await LogCatalog(store: store).segments(log).count) == 1
        }
        #expect(started)
        zombie.kill(SIGSTOP)
        // B takes over once A's lock session has expired, fencing A's segment.
        let takeover = try await cluster.dlctl(["write", "t/z", "--lock-timeout", "60"], stdin: "b\n")
        #expect(takeover.status == 0, "\(takeover.stderr)")
        zombie.kill(SIGCONT)
        for index in 1001...1100 { zombie.stdinHandle.write(Data("z\(index)\n".utf8)) }
        zombie.closeStdin()
        let status = await zombie.waitForExit(timeout: 60)
        #expect(status != 0, "the zombie writer must fail")
        #expect(zombie.stderr.contains("fenced") || zombie.stderr.contains("session"), "\(zombie.stderr)")
        let lines = try await cluster.dlctl(["tail", "t/z", "--from", "start", "-e"]).stdout.split(separator: "\n").map(String.init)
        #expect(lines.last == "b")
        #expect(!lines.contains("z1001"), "nothing the zombie sent after resuming is in the log")
        await store.close()
    }

    @Test func aSealedLogEndsItsReadersAndRefusesWrites() async throws {
        try #require(Binaries.dlctlExists)
        let cluster = try await Cluster()
        #expect(try await cluster.dlctl(["write", "t/s"], stdin: "one\ntwo\n").status == 0)
        let follower = try cluster.spawn(["tail", "t/s", "--from", "start", "-f"])
        #expect(await follower.waitForOutput(containing: "two\n", timeout: 30))
        let seal = try await cluster.dlctl(["seal", "t/s"])
        #expect(seal.status == 0, "\(seal.stderr)")
        // The follower sees the end of stream and exits on its own.
        #expect(await follower.waitForExit(timeout: 30) == 0)
        #expect(follower.stdout == "one\ntwo\n")
        let refused = try await cluster.dlctl(["write", "t/s", "three"])
        #expect(refused.status == 3)
        #expect(refused.stderr.contains("sealed"), "\(refused.stderr)")
        #expect(try await cluster.dlctl(["tail", "t/s", "--from", "start", "-e"]).stdout == "one\ntwo\n")
    }

    @Test func dlsnFormsConvert() async throws {
        try #require(Binaries.dlctlExists)
        let encoded = try await ChildProcess.run(Binaries.dlctl, ["dlsn", "encode", "99,88,77"])
        #expect(encoded.stdout == "AQAAAAAAAABjAAAAAAAAAFgAAAAAAAAATQ==\n")
        let decoded = try await ChildProcess.run(Binaries.dlctl, ["dlsn", "decode", "AQAAAAAAAABjAAAAAAAAAFgAAAAAAAAATQ=="])
        #expect(decoded.stdout == "99,88,77\n")
        let bad = try await ChildProcess.run(Binaries.dlctl, ["dlsn", "decode", "nonsense"])
        #expect(bad.status == 64)
        #expect(bad.stderr.hasPrefix("dlctl: error:"))
    }

    @Test func badInputGetsOneLineAndAStatus() async throws {
        try #require(Binaries.dlctlExists)
        let cluster = try await Cluster()
        let cases: [([String], Int32, String)] = [
            (["tail", "no/such", "-e"], 2, "does not exist"),
            (["tail", "bad name/x", "-e"], 64, "not allowed"),
            (["tail", "t/x", "--from", "1,2", "-e"], 64, "DLSN"),
            (["log", "show", "nope"], 64, "NAMESPACE/LOG"),
        ]
        for (arguments, status, message) in cases {
            let result = try await cluster.dlctl(arguments)
            #expect(result.status == status, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }
}
