import DLCore
import Foundation
import Testing
import TestSupport

/// `dlctl write` and `dlctl tail` through real processes on a local cluster, on both
/// metadata backends.
@Suite(.serialized) struct LogCommandTests {
    final class Cluster: @unchecked Sendable {
        let bookies: LocalBookies
        init(_ backend: MetadataBackend = .sqlite, bookies count: Int = 3) async throws {
            bookies = try await LocalBookies(backend)
            for index in 0..<count { try await bookies.start("b\(index)") }
        }
        func dlctl(_ arguments: [String], stdin: String? = nil, timeout: TimeInterval = 120) async throws -> CommandResult {
            let child = try ChildProcess(Binaries.dlctl, arguments + ["--uri", bookies.metadataURI])
            await child.feed(Data((stdin ?? "").utf8))
            let status = await child.waitForExit(timeout: timeout)
            return CommandResult(status: status, stdout: child.stdout, stderr: child.stderr)
        }
        func spawn(_ arguments: [String]) throws -> ChildProcess {
            try ChildProcess(Binaries.dlctl, arguments + ["--uri", bookies.metadataURI])
        }
    }

    static let numbers = (1...200_000).map(String.init).joined(separator: "\n") + "\n"

    @Test(arguments: MetadataBackend.allCases)
    func writeThenTailPrintsEveryRecordInOrderAndAFollowerSeesThemToo(_ backend: MetadataBackend) async throws {
        try #require(Binaries.dlctlExists)
        let cluster = try await Cluster(backend)
        let follower = try cluster.spawn(["tail", "t/a", "-f"])
        let write = try await cluster.dlctl(["write", "t/a"], stdin: Self.numbers)
        #expect(write.status == 0, "\(write.stderr)")
        // The follower, started before the write, has the last line soon after the writer's
        // exit (every record was acknowledged before it, and the close committed the last
        // entry: aFollowerGetsTheLastRecordsWhenTheWriterCloses). The bound leaves a debug
        // build on a loaded 2-core CI machine room to print what it has read.
        #expect(await follower.waitForOutput(containing: "\n200000\n", timeout: 5))
        #expect((try? DLSN(parsing: write.stdout.trimmingCharacters(in: .whitespacesAndNewlines))) != nil, "prints the last DLSN")
        let read = try await cluster.dlctl(["tail", "t/a", "--from", "start", "-e"])
        #expect(read.status == 0)
        #expect(read.stdout == Self.numbers)
        follower.kill(SIGTERM)
        await follower.waitForExit(timeout: 10)
        #expect(follower.stdout == Self.numbers)
        let segments = try await cluster.dlctl(["segments", "t/a", "-o", "json"])
        let parsed = try JSONDecoder().decode([SegmentMetadata].self, from: Data(segments.stdout.utf8))
        #expect(parsed.count == 1 && parsed[0].recordCount == 200_000 && parsed[0].state == .completed)
        #expect(parsed[0].lastTxId == 199_999)
    }

    @Test(arguments: MetadataBackend.allCases)
    func aKilledWritersRecordsSurviveAndANewWriterTakesOver(_ backend: MetadataBackend) async throws {
        try #require(Binaries.dlctlExists)
        let cluster = try await Cluster(backend)
        #expect(try await cluster.dlctl(["log", "create", "t/k"]).status == 0)
        let first = try cluster.spawn(["write", "t/k", "--session-timeout", "2"])
        await first.feed(Data((1...50_000).map { "a\($0)\n" }.joined().utf8), closing: false)
        // Let some of it be acknowledged, then kill the writer mid-stream.
        let store = try await MetadataURI(parsing: cluster.bookies.metadataURI).open()
        let log = try LogName(parsing: "t/k")
        // Kill it once some of its records are acknowledged (readable), mid-stream.
        let connections = BookieConnections()
        let started = await waitUntil(timeout: .seconds(30)) {
            ((try? await LogSummary.gather(log, store: store, connections: connections))?.records ?? 0) > 0
        }
        #expect(started)
        await connections.closeAll()
        first.kill(SIGKILL)
        await first.waitForExit(timeout: 10)
        let second = try await cluster.dlctl(["write", "t/k", "--lock-timeout", "60"], stdin: "b1\nb2\n")
        #expect(second.status == 0, "\(second.stderr)")
        let read = try await cluster.dlctl(["tail", "t/k", "--from", "start", "-e"])
        let lines = read.stdout.split(separator: "\n").map(String.init)
        let firstPart = lines.prefix { $0.hasPrefix("a") }
        #expect(!firstPart.isEmpty, "records acknowledged before the kill survive it")
        #expect(firstPart.elementsEqual((0..<firstPart.count).map { "a\($0 + 1)" }), "the first writer's records form a prefix, in order, once each")
        #expect(Array(lines.dropFirst(firstPart.count)) == ["b1", "b2"])
        let segments = try await LogCatalog(store: store).segments(try LogName(parsing: "t/k")).map(\.metadata)
        #expect(segments.count == 2)
        #expect(segments[0].state == .completed && segments[0].recordCount == Int64(firstPart.count))
        await store.close()
    }

    @Test(arguments: MetadataBackend.allCases)
    func aFrozenLogWriterIsFencedWhenItResumes(_ backend: MetadataBackend) async throws {
        try #require(Binaries.dlctlExists)
        let cluster = try await Cluster(backend)
        let zombie = try cluster.spawn(["write", "t/z", "--session-timeout", "2"])
        await zombie.feed(Data((1...1000).map { "z\($0)\n" }.joined().utf8), closing: false)
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
        await zombie.feed(Data((1001...1100).map { "z\($0)\n" }.joined().utf8), closing: false)
        zombie.closeStdin()
        let status = await zombie.waitForExit(timeout: 60)
        #expect(status != 0, "the zombie writer must fail")
        #expect(!zombie.stderr.contains("crashed") && zombie.stderr.split(separator: "\n").count == 1, "one line: \(zombie.stderr)")
        // The first cause, fencing, not a symptom of the pause (a bookie that timed out, a session that expired).
        #expect(zombie.stderr.contains("fenced") && !zombie.stderr.contains("session"), "\(zombie.stderr)")
        let lines = try await cluster.dlctl(["tail", "t/z", "--from", "start", "-e"]).stdout.split(separator: "\n").map(String.init)
        #expect(lines.last == "b")
        #expect(!lines.contains("z1001"), "nothing the zombie sent after resuming is in the log")
        await store.close()
    }

    /// `write --acks` prints one line per record (its line number, a tab, its DLSN) instead of
    /// the last DLSN, and each DLSN is where `tail` finds that record; `history check` accepts
    /// the history those make and names a record the log lost.
    @Test func acksGiveEachRecordsDLSNAndAHistoryOfThemChecks() async throws {
        try #require(Binaries.dlctlExists)
        let cluster = try await Cluster()
        let lines = (1...2_000).map { "w1:\($0)" }
        let write = try await cluster.dlctl(["write", "t/acks", "--acks"], stdin: lines.map { $0 + "\n" }.joined())
        #expect(write.status == 0, "\(write.stderr)")
        let acks = write.stdoutLines.map { $0.split(separator: "\t").map(String.init) }
        #expect(acks.count == 2_000 && acks.allSatisfy { $0.count == 2 }, "\(write.stdout.prefix(200))")
        let read = try await cluster.dlctl(["tail", "t/acks", "--from", "start", "-e", "--format", "{dlsn}\t{payload}"])
        let found = Dictionary(uniqueKeysWithValues: read.stdoutLines.map { line in
            let fields = line.split(separator: "\t").map(String.init)
            return (fields[1], fields[0])
        })
        for ack in acks {
            let line = try #require(Int(ack[0]))
            #expect(found[lines[line - 1]] == ack[1], "line \(line)")
        }
        // The same as a history: no violation; without one acknowledged record: one, exit 1.
        let directory = TemporaryDirectory("dlctl-history")
        let root = URL(fileURLWithPath: directory.path)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("writers"), withIntermediateDirectories: true)
        try (lines.joined(separator: "\n") + "\n").write(to: root.appendingPathComponent("writers/w1.in"), atomically: true, encoding: .utf8)
        try write.stdout.write(to: root.appendingPathComponent("writers/w1.acks"), atomically: true, encoding: .utf8)
        try read.stdout.write(to: root.appendingPathComponent("final.out"), atomically: true, encoding: .utf8)
        func check(_ path: String) async throws -> CommandResult { try await ChildProcess.run(Binaries.dlctl, ["history", "check", path]) }
        let clean = try await check(directory.path)
        #expect(clean.status == 0 && clean.stdout.hasSuffix("0 violations\n"), "\(clean.stdout) \(clean.stderr)")
        let lost = read.stdoutLines.filter { !$0.hasSuffix("\tw1:7") }.map { $0 + "\n" }.joined()
        try lost.write(to: root.appendingPathComponent("final.out"), atomically: true, encoding: .utf8)
        let violated = try await check(directory.path)
        #expect(violated.status == 1 && violated.stdout.contains("lost: w1 had 'w1:7' acknowledged at"), "\(violated.stdout)")
        try "not a line\n".write(to: root.appendingPathComponent("final.out"), atomically: true, encoding: .utf8)
        let malformed = try await check(directory.path)
        #expect(malformed.status == 5 && malformed.stderr.hasSuffix("final.out line 1: not 'DLSN<TAB>PAYLOAD'\n"), "\(malformed.stderr)")
        let missing = try await check(directory.path + "/nowhere")
        #expect(missing.status == 2, "\(missing.stderr)")
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
        #expect(try await cluster.dlctl(["write", "t/x", "--input", "json", "--txid-field", "t"],
                                        stdin: "{\"t\":5}\n{\"t\":9}\n").status == 0)
        #expect(try await cluster.dlctl(["truncate", "t/x", "--before", "2,0,0"]).status == 0)
        let cases: [([String], String?, Int32, String)] = [
            (["tail", "no/such", "-e"], nil, 2, "does not exist"),
            (["log", "show", "no/such"], nil, 2, "does not exist"),
            (["tail", "bad name/x", "-e"], nil, 64, "not allowed"),
            (["tail", "t/x", "--from", "1,2", "-e"], nil, 64, "DLSN"),
            (["tail", "t/x", "--from", "txid:-4", "-e"], nil, 64, "txid:N"),
            (["tail", "t/x", "--from", "1,0,0", "-e"], nil, 2, "was truncated"),
            (["tail", "t/x", "--format", "{nope}", "-e"], nil, 64, "unknown field"),
            (["log", "show", "a/b/c"], nil, 64, "NAMESPACE/LOG"),
            (["write", "t/x", "--input", "lines", "--txid-delimiter", ","], "20,a\n10,b\n", 64, "txid 10"),
            (["write", "t/x", "--input", "json"], "{\"ok\":1}\nnot json\n", 64, "line 2 is not a JSON object"),
            (["write", "t/x", "--input", "length-prefixed"], "\u{0}\u{0}\u{0}\u{9}abc", 64, "inside a length-prefixed record"),
            (["write", "t/x", "--input", "raw"], String(repeating: "x", count: Limits.maxRecordSize + 1), 64, "over the limit"),
            (["inspect", "t/x", "--segment", "42"], nil, 2, "no segment 42"),
            (["check", "t/x", "--all"], nil, 64, "name one log or pass --all"),
        ]
        for (arguments, stdin, status, message) in cases {
            let result = try await cluster.dlctl(arguments, stdin: stdin)
            #expect(result.status == status, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "one line: \(result.stderr)")
        }
        // Nothing acknowledged was lost to the refusals: the records before each bad one are there.
        let lines = try await cluster.dlctl(["tail", "t/x", "--from", "start", "-e", "--format", "{txid} {payload}"]).stdout
        #expect(lines == "20 a\n21 {\"ok\":1}\n", "\(lines)")
    }

    /// 3/3/2 on three bookies: with one killed there is no replacement, and the writer goes
    /// on with the other two (an ack quorum), as BookKeeper's delayed ensemble change does;
    /// with a fourth bookie the dead one is replaced.
    @Test(arguments: [3, 4])
    func aBookieKilledDuringAWriteLosesNothing(_ bookies: Int) async throws {
        try #require(Binaries.dlctlExists)
        let cluster = try await Cluster(bookies: bookies)
        let writer = try cluster.spawn(["write", "t/chaos"])
        let store = try await MetadataURI(parsing: cluster.bookies.metadataURI).open()
        let log = try LogName(parsing: "t/chaos")
        await writer.feed(Data((1...50_000).map { "c\($0)\n" }.joined().utf8), closing: false)
        let started = await waitUntil(timeout: .seconds(30)) {
            (try? await LogCatalog(store: store).segments(log).first) != nil
        }
        try #require(started)
        // Kill -9 a bookie of the segment's ensemble in the middle of the stream.
        let segment = try #require(try await LogCatalog(store: store).segments(log).first?.metadata)
        let ledger = try LedgerMetadata(decoding: try await store.get(ClusterLayout.ledgerPath(segment.ledgerId)).data)
        let victim = try #require((0..<bookies).map { "b\($0)" }.first { ledger.ensembles[0].bookies.contains(cluster.bookies.address($0)) })
        await cluster.bookies.kill(victim)
        await writer.feed(Data((50_001...100_000).map { "c\($0)\n" }.joined().utf8), closing: false)
        writer.closeStdin()
        #expect(await writer.waitForExit(timeout: 120) == 0, "the writer carries on: \(writer.stderr)")
        let read = try await cluster.dlctl(["tail", "t/chaos", "--from", "start", "-e"])
        #expect(read.stdout == (1...100_000).map { "c\($0)\n" }.joined(), "every acknowledged record, in order, once")
        if bookies == 4 {
            let after = try LedgerMetadata(decoding: try await store.get(ClusterLayout.ledgerPath(segment.ledgerId)).data)
            #expect(!after.ensembles.last!.bookies.contains(cluster.bookies.address(victim)), "an ensemble change replaced \(victim)")
        }
        #expect(try await cluster.dlctl(["check", "t/chaos"]).status == 0)
        await store.close()
    }

    @Test func operatorsDriveALogThroughItsLife() async throws {
        try #require(Binaries.dlctlExists)
        let cluster = try await Cluster()
        let input = (0..<30_000).map { "\($0 * 10),event-\($0)" }.joined(separator: "\n") + "\n"
        let write = try await cluster.dlctl(["write", "ops/events", "--txid-delimiter", ",", "--roll-size", "1"], stdin: input)
        #expect(write.status == 0, "\(write.stderr)")
        let segments = try JSONDecoder().decode([SegmentMetadata].self,
                                                from: Data(try await cluster.dlctl(["segments", "ops/events", "-o", "json"]).stdout.utf8))
        #expect(segments.count == 1, "30,000 short records stay under 1 MiB")
        // Txid search and templates.
        let found = try await cluster.dlctl(["tail", "ops/events", "--from", "txid:12345", "-n", "2", "--format", "{txid}\t{payload}\t{size}"])
        #expect(found.stdout == "12350\tevent-1235\t10\n12360\tevent-1236\t10\n", "\(found.stdout)\(found.stderr)")
        let json = try await cluster.dlctl(["tail", "ops/events", "--from", "start", "-n", "1", "--json"])
        #expect(json.stdout == "{\"dlsn\":\"1,0,0\",\"encoding\":\"utf8\",\"payload\":\"event-0\",\"txid\":0}\n")
        let inspect = try await cluster.dlctl(["inspect", "ops/events", "--segment", "1", "-n", "1"])
        #expect(inspect.stdout.hasPrefix("entry 0: ") && inspect.stdout.contains("1,0,0  txid 0  7 B  event-0"), "\(inspect.stdout)")
        // A subscriber reads in two sittings without overlap or gap.
        let first = try await cluster.dlctl(["tail", "ops/events", "--from", "start", "-n", "3", "--subscriber", "audit"])
        let second = try await cluster.dlctl(["tail", "ops/events", "-n", "2", "--subscriber", "audit"])
        #expect(first.stdout + second.stdout == (0..<5).map { "event-\($0)\n" }.joined())
        let subscribers = try await cluster.dlctl(["subscribers", "ops/events", "-o", "json"])
        #expect(subscribers.stdout.contains("\"subscriber\":\"audit\""), "\(subscribers.stdout)")
        // Truncate by txid, then purge; the log now starts at the first kept record.
        let more = try await cluster.dlctl(["write", "ops/events", "--txid-delimiter", ","], stdin: "400000,late\n")
        #expect(more.status == 0)
        #expect(try await cluster.dlctl(["truncate", "ops/events", "--before", "txid:400000"]).status == 0)
        let purge = try await cluster.dlctl(["purge", "ops/events", "-o", "json"])
        #expect(purge.stdout.contains("\"segments\":[1]"), "\(purge.stdout)")
        #expect(try await cluster.dlctl(["tail", "ops/events", "--from", "start", "-e"]).stdout == "late\n")
        let show = try await cluster.dlctl(["log", "show", "ops/events", "-o", "json"])
        #expect(show.stdout.contains("\"records\":1") && show.stdout.contains("\"lastTxId\":400000"), "\(show.stdout)")
        // Rename, and the default namespace for one-liners.
        #expect(try await cluster.dlctl(["log", "rename", "ops/events", "ops/archive"]).status == 0)
        #expect(try await cluster.dlctl(["tail", "ops/archive", "--from", "start", "-e"]).stdout == "late\n")
        #expect(try await cluster.dlctl(["write", "quick", "hello"]).status == 0)
        #expect(try await cluster.dlctl(["tail", "default/quick", "--from", "start", "-e"]).stdout == "hello\n")
        #expect(try await cluster.dlctl(["check", "--all"]).status == 0)
        let namespace = try await cluster.dlctl(["namespace", "show", "ops", "-o", "json"])
        #expect(namespace.stdout.contains("\"log\":\"ops/archive\""), "\(namespace.stdout)")
    }

    @Test func recoverCompletesAKilledWritersSegment() async throws {
        try #require(Binaries.dlctlExists)
        let cluster = try await Cluster()
        let writer = try cluster.spawn(["write", "t/r", "--session-timeout", "2"])
        await writer.feed(Data((1...20_000).map { "r\($0)\n" }.joined().utf8), closing: false)
        let store = try await MetadataURI(parsing: cluster.bookies.metadataURI).open()
        let log = try LogName(parsing: "t/r")
        let connections = BookieConnections()
        try #require(await waitUntil(timeout: .seconds(30)) {
            ((try? await LogSummary.gather(log, store: store, connections: connections))?.records ?? 0) > 0
        })
        writer.kill(SIGKILL)
        await writer.waitForExit(timeout: 10)
        // Once the dead writer's session has expired, its in-progress segment is a problem.
        #expect(await waitUntil(timeout: .seconds(30)) { (try? await LogLock.holder(of: log, store: store)) == .some(nil) })
        #expect(try await cluster.dlctl(["check", "t/r"]).status == 5)
        let recover = try await cluster.dlctl(["recover", "t/r", "--lock-timeout", "60"])
        #expect(recover.status == 0, "\(recover.stderr)")
        #expect(recover.stdout.contains("completed segment 1"), "\(recover.stdout)")
        let lines = try await cluster.dlctl(["tail", "t/r", "--from", "start", "-e"]).stdout.split(separator: "\n")
        #expect(!lines.isEmpty)
        #expect(lines.elementsEqual((0..<lines.count).map { Substring("r\($0 + 1)") }))
        #expect(recover.stdout.contains("\(lines.count) records"), "\(recover.stdout)")
        #expect(try await cluster.dlctl(["check", "t/r"]).status == 0)
        await connections.closeAll()
        await store.close()
    }

    @Test func tailOfADeadWritersSegmentFailsWithOneLineUntilRecovered() async throws {
        try #require(Binaries.dlctlExists)
        let cluster = try await Cluster()
        let uri = try MetadataURI(parsing: cluster.bookies.metadataURI)
        let store = try await uri.open()
        let connections = BookieConnections()
        let log = try LogName(parsing: "t/dead")
        try await LogCatalog(store: store).createLog(log)
        // A writer that never adds its idle control record dies: its last records lie past the LAC.
        var options = LogWriter.Options()
        options.idleControlDelay = .seconds(3600)
        let writer = try await LogWriter.open(log, store: store, connections: connections, options: options)
        for index in 1...5 { _ = try await writer.write(Array("d\(index)".utf8)) }
        await connections.closeAll()
        await store.close()

        let read = try await cluster.dlctl(["tail", "t/dead", "--from", "start", "-e"])
        #expect(read.status == 1, "\(read.stderr)")
        #expect(read.stderr.split(separator: "\n").count == 1 && read.stderr.hasPrefix("dlctl: error: "), "\(read.stderr)")
        #expect(read.stderr.contains("dlctl recover t/dead"), "\(read.stderr)")
        #expect(read.stdout.split(separator: "\n").count < 5, "only what the LAC covers is printed")
        #expect(try await cluster.dlctl(["recover", "t/dead"]).status == 0)
        let recovered = try await cluster.dlctl(["tail", "t/dead", "--from", "start", "-e"])
        #expect(recovered.status == 0, "\(recovered.stderr)")
        #expect(recovered.stdout == "d1\nd2\nd3\nd4\nd5\n")
    }
}
