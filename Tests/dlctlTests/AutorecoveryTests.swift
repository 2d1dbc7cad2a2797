import DLCore
import Foundation
import Testing
import TestSupport

extension ClusterProcessSuites {
    /// Autorecovery (issue 15) through real processes: a bookie lost for good has its ledgers
    /// re-replicated onto the others, after which losing one more still loses nothing.
    @Suite(.serialized) struct AutorecoveryTests {
        struct Registration: Decodable { var id: String; var pid: Int32; var dataDirectory: String }
        struct Ledger: Decodable { var id: Int64 }
        struct Shown: Decodable { var ensembles: [LedgerMetadata.Ensemble] }

        func registrations(_ sandbox: ProxySandbox) async throws -> [Registration] {
            let list = try await sandbox.run(["bookie", "list", "-o", "json"])
            return try JSONDecoder().decode([Registration].self, from: Data(list.stdout.utf8))
        }

        /// A registered bookie some ledger names (other than `excluded`).
        func bookieInUse(_ sandbox: ProxySandbox, excluding excluded: String? = nil) async throws -> Registration {
            for bookie in try await registrations(sandbox) where bookie.id != excluded {
                if try await !referencing(sandbox, bookie.id).isEmpty { return bookie }
            }
            Issue.record("no ledger names a registered bookie")
            throw CancellationError()
        }

        /// Writes `lines` to `log` in three writer sessions: three segments, three ledgers.
        func writeInSegments(_ sandbox: ProxySandbox, _ log: String, _ lines: [String]) async throws {
            let third = lines.count / 3
            for part in 0..<3 {
                let chunk = lines[(part * third)..<(part == 2 ? lines.count : (part + 1) * third)]
                #expect(try await sandbox.run(["write", log], stdin: chunk.map { $0 + "\n" }.joined()).status == 0)
            }
        }

        /// The elected auditor, if any.
        func auditorOf(_ sandbox: ProxySandbox) async throws -> String? {
            struct Status: Decodable { var auditor: String? }
            let status = try await sandbox.run(["autorecovery", "status", "-o", "json"])
            return try? JSONDecoder().decode(Status.self, from: Data(status.stdout.utf8)).auditor
        }

        func ledgers(_ sandbox: ProxySandbox) async throws -> [Int64] {
            let list = try await sandbox.run(["ledger", "list", "-o", "json"])
            return try JSONDecoder().decode([Ledger].self, from: Data(list.stdout.utf8)).map(\.id)
        }

        /// Whether no ledger is marked under-replicated.
        func nothingMarked(_ sandbox: ProxySandbox) async throws -> Bool {
            let marks = try await sandbox.run(["ledger", "underreplicated", "-o", "json"])
            return marks.status == 0 && marks.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]"
        }

        /// Nothing marked and no ledger naming any of `gone`.
        func settled(_ sandbox: ProxySandbox, gone: [String]) async throws -> Bool {
            guard try await nothingMarked(sandbox) else { return false }
            for bookie in gone where try await !referencing(sandbox, bookie).isEmpty { return false }
            return true
        }

        /// Every entry of every ledger on every replica of its write set.
        func expectEveryLedgerChecksClean(_ sandbox: ProxySandbox) async throws {
            for id in try await ledgers(sandbox) {
                let check = try await sandbox.run(["ledger", "check", String(id)])
                #expect(check.status == 0, "ledger \(id): \(check.stdout) \(check.stderr)")
            }
        }

        func referencing(_ sandbox: ProxySandbox, _ bookie: String) async throws -> [Int64] {
            var found: [Int64] = []
            for id in try await ledgers(sandbox) {
                let show = try await sandbox.run(["ledger", "show", String(id), "-o", "json"])
                let shown = try JSONDecoder().decode(Shown.self, from: Data(show.stdout.utf8))
                if shown.ensembles.contains(where: { $0.bookies.contains(bookie) }) { found.append(id) }
            }
            return found
        }

        @Test(arguments: MetadataBackend.allCases)
        func aLostBookiesLedgersAreReReplicated(_ backend: MetadataBackend) async throws {
            try #require(Binaries.dlctlExists)
            let sandbox = try await ProxySandbox(backend, proxies: 0,
                                                 sandboxArguments: ["--bookies", "4", "--no-restart", "--lost-bookie-delay", "2"])
            // Several segments (one per writer session), 3/3/2 by default.
            let expected = (1...15_000).map(String.init)
            try await writeInSegments(sandbox, "t/ar", expected)
            #expect(try await sandbox.run(["seal", "t/ar"]).status == 0)
            let bookies = try await registrations(sandbox)
            #expect(bookies.count == 4)
            // A bookie the ledgers use, stopped for good: killed and its directory wiped.
            let lost = try await bookieInUse(sandbox)
            kill(lost.pid, SIGKILL)
            #expect(try await sandbox.run(["bookie", "format", "--force", "--data-dir", lost.dataDirectory]).status == 0)
            // Within 60 s: nothing marked, no ledger names the lost bookie.
            let settled = try await waitUntil(timeout: .seconds(60), pollEvery: .milliseconds(250)) {
                try await self.settled(sandbox, gone: [lost.id])
            }
            let status = try await sandbox.run(["autorecovery", "status"])
            #expect(settled, "re-replication did not finish in 60 s: \(status.stdout)")
            try await expectEveryLedgerChecksClean(sandbox)
            #expect(try await sandbox.records("t/ar") == expected)
            // One more bookie gone: every entry still has two replicas.
            let second = try #require(bookies.first { $0.id != lost.id })
            kill(second.pid, SIGKILL)
            #expect(try await sandbox.records("t/ar") == expected, "read back after losing a second bookie")
        }

        /// The auditor's process killed while the ledgers of a lost bookie are re-replicated:
        /// another bookie is elected auditor (once the killed one's session ends), the killed
        /// auditor's own ledgers are re-replicated too, and the log reads back exactly.
        @Test(arguments: MetadataBackend.allCases)
        func anotherAuditorTakesOverWhenItsProcessIsKilled(_ backend: MetadataBackend) async throws {
            try #require(Binaries.dlctlExists)
            let sandbox = try await ProxySandbox(backend, proxies: 0,
                                                 sandboxArguments: ["--bookies", "5", "--no-restart", "--lost-bookie-delay", "1"])
            let expected = (1...6_000).map(String.init)
            try await writeInSegments(sandbox, "t/au", expected)
            let bookies = try await registrations(sandbox)
            var auditorId: String?
            #expect(try await waitUntil(timeout: .seconds(30), pollEvery: .milliseconds(100)) {
                auditorId = try await auditorOf(sandbox)
                return auditorId != nil
            })
            let auditor = try #require(bookies.first { $0.id == auditorId })
            let lost = try await bookieInUse(sandbox, excluding: auditor.id)
            kill(lost.pid, SIGKILL)
            #expect(try await sandbox.run(["bookie", "format", "--force", "--data-dir", lost.dataDirectory]).status == 0)
            // As soon as the auditor has marked something (or the workers already finished), its process goes.
            _ = try await waitUntil(timeout: .seconds(60), pollEvery: .milliseconds(50)) {
                if try await !nothingMarked(sandbox) { return true }
                return try await referencing(sandbox, lost.id).isEmpty
            }
            kill(auditor.pid, SIGKILL)
            let settled = try await waitUntil(timeout: .seconds(90), pollEvery: .milliseconds(250)) {
                guard let now = try await auditorOf(sandbox), now != auditor.id else { return false }
                return try await self.settled(sandbox, gone: [lost.id, auditor.id])
            }
            let status = try await sandbox.run(["autorecovery", "status"])
            #expect(settled, "a new auditor and no ledger naming \(lost.id) or \(auditor.id): \(status.stdout)")
            #expect(try await sandbox.records("t/au") == expected)
        }

        /// The worker holding a ledger's lock killed mid-copy (copies capped at 1 MiB/s so that
        /// it is caught at it): the ledger's metadata is as it was or wholly replaced, never
        /// half; the lock goes with the worker's session and another worker does the copy again;
        /// in the end every entry is on every replica its metadata names.
        @Test(arguments: MetadataBackend.allCases)
        func aWorkerKilledMidCopyLeavesTheMetadataWholeAndTheCopyIsRedone(_ backend: MetadataBackend) async throws {
            try #require(Binaries.dlctlExists)
            let sandbox = try await ProxySandbox(backend, proxies: 0, sandboxArguments: [
                "--bookies", "5", "--no-restart", "--lost-bookie-delay", "0", "--replication-rate", "1"])
            let padding = String(repeating: "p", count: 90)
            let expected = (1...30_000).map { "\($0) \(padding)" }
            try await writeInSegments(sandbox, "t/mid", expected)
            let lost = try await bookieInUse(sandbox)
            kill(lost.pid, SIGKILL)
            #expect(try await sandbox.run(["bookie", "format", "--force", "--data-dir", lost.dataDirectory]).status == 0)
            struct Status: Decodable { var inProgress: [String: String] }
            var taken: (ledger: String, worker: String)?
            #expect(try await waitUntil(timeout: .seconds(60), pollEvery: .milliseconds(50)) {
                let status = try await sandbox.run(["autorecovery", "status", "-o", "json"])
                taken = (try? JSONDecoder().decode(Status.self, from: Data(status.stdout.utf8)))?.inProgress.first.map { ($0.key, $0.value) }
                return taken != nil
            }, "a worker takes a ledger")
            let (ledger, workerId) = try #require(taken)
            let before = try await sandbox.run(["ledger", "show", ledger, "-o", "json"]).stdout
            let worker = try #require(try await registrations(sandbox).first { $0.id == workerId })
            kill(worker.pid, SIGKILL)
            let after = try await sandbox.run(["ledger", "show", ledger, "-o", "json"]).stdout
            let ensembles = try JSONDecoder().decode(Shown.self, from: Data(after.utf8)).ensembles
            #expect(after == before || !ensembles.contains { $0.bookies.contains(lost.id) },
                    "half-replaced metadata after the worker's kill: \(before) -> \(after)")
            let settled = try await waitUntil(timeout: .seconds(90), pollEvery: .milliseconds(250)) {
                try await self.settled(sandbox, gone: [lost.id, worker.id])
            }
            let status = try await sandbox.run(["autorecovery", "status"])
            #expect(settled, "\(status.stdout)")
            try await expectEveryLedgerChecksClean(sandbox)
            #expect(try await sandbox.records("t/mid") == expected)
        }

        /// `bookie decommission` of a live bookie while a writer streams: the writer moves its
        /// ensemble off the bookie (no fencing), the command ends with no ledger referencing it,
        /// the writer ends 0, and the log reads back exactly.
        @Test(arguments: MetadataBackend.allCases)
        func decommissionDuringWritesMovesEverythingOff(_ backend: MetadataBackend) async throws {
            try #require(Binaries.dlctlExists)
            let sandbox = try await ProxySandbox(backend, proxies: 0, sandboxArguments: ["--bookies", "4", "--no-restart"])
            #expect(try await sandbox.run(["write", "t/dc"], stdin: (1...2_000).map { "\($0)\n" }.joined()).status == 0)
            let writer = try ChildProcess("/bin/bash", ["-c", """
                for i in $(seq 2001 30000); do echo $i; [ $((i % 500)) = 0 ] && sleep 0.05; done | "$DLCTL" write t/dc
                """], environment: sandbox.environment.merging(["DLCTL": sandbox.dlctl]) { $1 })
            // The bookie the streaming writer's ledger writes to.
            var target: String?
            #expect(try await waitUntil(timeout: .seconds(30), pollEvery: .milliseconds(100)) {
                let segments = try await sandbox.segments("t/dc")
                guard let open = segments.last, open.state == "in-progress" else { return false }
                let show = try await sandbox.run(["ledger", "show", String(open.ledgerId), "-o", "json"])
                target = try JSONDecoder().decode(Shown.self, from: Data(show.stdout.utf8)).ensembles.last?.bookies.first
                return target != nil
            })
            let bookie = try #require(target)
            let decommission = try await sandbox.run(["bookie", "decommission", bookie], timeout: 120)
            #expect(decommission.status == 0, "\(decommission.stdout) \(decommission.stderr)")
            #expect(decommission.stdout.contains("decommissioned \(bookie)"))
            #expect(try await referencing(sandbox, bookie).isEmpty)
            #expect(await writer.waitForExit(timeout: 120) == 0, "\(writer.stderr)")
            #expect(try await sandbox.records("t/dc") == (1...30_000).map(String.init))
            // It takes no new ledgers.
            #expect(try await sandbox.run(["write", "t/dc2", "after"]).status == 0)
            #expect(try await referencing(sandbox, bookie).isEmpty)
            // A bookie that is not running needs --force; one the others cannot replace is refused.
            let unknown = try await sandbox.run(["bookie", "decommission", "127.0.0.1:1"])
            #expect(unknown.status == 2 && unknown.stderr.contains("--force"), "\(unknown.stderr)")
        }

        /// A bookie already gone, with a lost-bookie delay of an hour: `decommission` refuses it
        /// (status 2, pointing at --force); `--force` has its ledgers copied from the other
        /// replicas at once and ends with none naming it.
        @Test(arguments: MetadataBackend.allCases)
        func aGoneBookieIsDecommissionedWithForce(_ backend: MetadataBackend) async throws {
            try #require(Binaries.dlctlExists)
            let sandbox = try await ProxySandbox(backend, proxies: 0,
                                                 sandboxArguments: ["--bookies", "4", "--no-restart", "--lost-bookie-delay", "3600"])
            let expected = (1...3_000).map(String.init)
            try await writeInSegments(sandbox, "t/force", expected)
            let gone = try await bookieInUse(sandbox)
            kill(gone.pid, SIGKILL)
            #expect(try await waitUntil(timeout: .seconds(30), pollEvery: .milliseconds(100)) {
                try await !registrations(sandbox).contains { $0.id == gone.id }
            }, "its registration goes with its session")
            let refused = try await sandbox.run(["bookie", "decommission", gone.id])
            #expect(refused.status == 2 && refused.stderr.contains("--force"), "\(refused.stderr)")
            let forced = try await sandbox.run(["bookie", "decommission", gone.id, "--force"], timeout: 120)
            #expect(forced.status == 0, "\(forced.stdout) \(forced.stderr)")
            #expect(try await referencing(sandbox, gone.id).isEmpty)
            try await expectEveryLedgerChecksClean(sandbox)
            #expect(try await sandbox.records("t/force") == expected)
        }

        /// With no writable bookie outside an ensemble (3 bookies, E = 3), decommission is
        /// refused with one line and changes nothing.
        @Test func aDecommissionTheOthersCannotTakeIsRefused() async throws {
            try #require(Binaries.dlctlExists)
            let sandbox = try await ProxySandbox(.sqlite, proxies: 0, sandboxArguments: ["--bookies", "3"])
            #expect(try await sandbox.run(["write", "t/full", "r"]).status == 0)
            let bookie = try await bookieInUse(sandbox)
            let refused = try await sandbox.run(["bookie", "decommission", bookie.id])
            #expect(refused.status == 4, "\(refused.stdout) \(refused.stderr)")
            #expect(refused.stderr.hasPrefix("dlctl: error: the other bookies cannot take \(bookie.id)'s data")
                    && refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
            #expect(try await nothingMarked(sandbox))
            // Still writable: a new ledger may use it.
            #expect(try await sandbox.run(["write", "t/full2", "r"]).status == 0)
            #expect(try await referencing(sandbox, bookie.id).count == 2)
        }

        /// Every replica of a ledger lost: the worker reports the loss (status shows it), the
        /// mark stays for an operator, and nothing pretends the ledger was re-replicated.
        @Test func entriesOnNoSurvivingReplicaAreReportedLost() async throws {
            try #require(Binaries.dlctlExists)
            let sandbox = try await ProxySandbox(.sqlite, proxies: 0,
                                                 sandboxArguments: ["--bookies", "5", "--no-restart", "--lost-bookie-delay", "0"])
            #expect(try await sandbox.run(["write", "t/gone"], stdin: (1...100).map { "\($0)\n" }.joined()).status == 0)
            #expect(try await sandbox.run(["seal", "t/gone"]).status == 0)
            let ledger = try #require(try await ledgers(sandbox).first)
            let show = try await sandbox.run(["ledger", "show", String(ledger), "-o", "json"])
            let ensemble = try JSONDecoder().decode(Shown.self, from: Data(show.stdout.utf8)).ensembles[0].bookies
            for bookie in try await registrations(sandbox) where ensemble.contains(bookie.id) {
                kill(bookie.pid, SIGKILL)
                #expect(try await sandbox.run(["bookie", "format", "--force", "--data-dir", bookie.dataDirectory]).status == 0)
            }
            struct Status: Decodable { var lost: [String: String] }
            var lost: [String: String] = [:]
            #expect(try await waitUntil(timeout: .seconds(60), pollEvery: .milliseconds(250)) {
                let status = try await sandbox.run(["autorecovery", "status", "-o", "json"])
                lost = (try? JSONDecoder().decode(Status.self, from: Data(status.stdout.utf8)).lost) ?? [:]
                return !lost.isEmpty
            })
            #expect(lost[String(ledger)]?.contains("on no surviving replica") == true, "\(lost)")
            let marks = try await sandbox.run(["ledger", "underreplicated", "-o", "json"])
            #expect(marks.stdout.contains("\"ledgerId\":\(ledger)"), "the mark stays: \(marks.stdout)")
            let table = try await sandbox.run(["autorecovery", "status"])
            #expect(table.stdout.contains("DATA LOST in ledger \(ledger)"), "\(table.stdout)")
        }

        /// A single-replica ledger (1/1/1) whose bookie is gone is reported lost and not copied
        /// over and over; when the bookie comes back with its data, the ledger is copied off it
        /// after all and the loss report goes. An empty ledger on the lost bookie has its
        /// metadata replaced without a copy.
        @Test(arguments: MetadataBackend.allCases)
        func aLossReportedIsReconsideredWhenTheBookieComesBack(_ backend: MetadataBackend) async throws {
            try #require(Binaries.dlctlExists)
            let sandbox = try await ProxySandbox(backend, proxies: 0,
                                                 sandboxArguments: ["--bookies", "4", "--no-restart", "--lost-bookie-delay", "0"])
            let single = try await sandbox.run(["ledger", "write", "--print-id", "--ensemble", "1", "--write-quorum", "1", "--ack-quorum", "1"],
                                               stdin: (1...50).map { "s\($0)\n" }.joined())
            #expect(single.status == 0, "\(single.stderr)")
            let singleId = try #require(single.stdoutLines.first.flatMap { Int64($0) })
            let show = try await sandbox.run(["ledger", "show", String(singleId), "-o", "json"])
            let holder = try #require(try JSONDecoder().decode(Shown.self, from: Data(show.stdout.utf8)).ensembles.first?.bookies.first)
            // An empty closed ledger that names the same bookie.
            var emptyId: Int64?
            for _ in 0..<20 where emptyId == nil {
                let empty = try await sandbox.run(["ledger", "write", "--print-id"], stdin: "")
                let id = try #require(empty.stdoutLines.first.flatMap { Int64($0) })
                if try await referencing(sandbox, holder).contains(id) { emptyId = id }
            }
            let empty = try #require(emptyId, "no empty ledger on \(holder) in 20 tries")
            let bookie = try #require(try await registrations(sandbox).first { $0.id == holder })
            // Its command line, to start it again on the same data directory and port.
            let commandLine = try String(contentsOfFile: "/proc/\(bookie.pid)/cmdline", encoding: .utf8)
                .split(separator: "\0").map(String.init)
            kill(bookie.pid, SIGKILL)
            struct Status: Decodable { var lost: [String: String] }
            func lost() async throws -> [String: String] {
                let status = try await sandbox.run(["autorecovery", "status", "-o", "json"])
                return (try? JSONDecoder().decode(Status.self, from: Data(status.stdout.utf8)).lost) ?? [:]
            }
            #expect(try await waitUntil(timeout: .seconds(60), pollEvery: .milliseconds(250)) {
                try await lost()[String(singleId)] != nil
            }, "the single-replica ledger reported lost")
            #expect(try await waitUntil(timeout: .seconds(30), pollEvery: .milliseconds(250)) {
                try await !referencing(sandbox, holder).contains(empty)
            }, "the empty ledger's metadata no longer names the lost bookie")
            let back = try ChildProcess(commandLine[0], Array(commandLine.dropFirst()), environment: sandbox.environment)
            defer { back.kill(SIGKILL) }
            let recovered = try await waitUntil(timeout: .seconds(60), pollEvery: .milliseconds(250)) {
                guard try await lost().isEmpty else { return false }
                return try await nothingMarked(sandbox)
            }
            #expect(recovered, "back with its data: copied, and the loss report gone. \(back.stderr.suffix(2000))")
            #expect(try await !referencing(sandbox, holder).contains(singleId), "the ledger moved off the bookie that was lost")
            let read = try await sandbox.run(["ledger", "read", String(singleId)])
            #expect(read.stdoutLines == (1...50).map { "s\($0)" }, "\(read.stderr)")
        }

        /// A bookie that stops and comes back within the delay causes no re-replication.
        @Test(arguments: MetadataBackend.allCases)
        func aBookieBackWithinTheDelayIsNotReReplicated(_ backend: MetadataBackend) async throws {
            try #require(Binaries.dlctlExists)
            let sandbox = try await ProxySandbox(backend, proxies: 0, sandboxArguments: ["--bookies", "4", "--lost-bookie-delay", "8"])
            #expect(try await sandbox.run(["write", "t/back"], stdin: (1...2_000).map { "\($0)\n" }.joined()).status == 0)
            let away = try await bookieInUse(sandbox)
            // Stopped (it deregisters), then restarted by the sandbox under the same identity.
            kill(away.pid, SIGTERM)
            #expect(try await waitUntil(timeout: .seconds(30), pollEvery: .milliseconds(100)) {
                try await registrations(sandbox).contains { $0.id == away.id && $0.pid != away.pid }
            }, "the sandbox restarted the bookie")
            // Watched for longer than the delay since it left: no mark may appear.
            let marked = try await waitUntil(timeout: .seconds(9), pollEvery: .milliseconds(250)) {
                try await !nothingMarked(sandbox)
            }
            #expect(!marked, "a bookie back within the delay was marked under-replicated")
            #expect(try await !referencing(sandbox, away.id).isEmpty, "its ledgers still name it")
        }

        @Test(arguments: MetadataBackend.allCases)
        func disableStopsNewWorkAndEnableResumesIt(_ backend: MetadataBackend) async throws {
            try #require(Binaries.dlctlExists)
            let sandbox = try await ProxySandbox(backend, proxies: 0,
                                                 sandboxArguments: ["--bookies", "4", "--no-restart", "--lost-bookie-delay", "0"])
            #expect(try await sandbox.run(["write", "t/off"], stdin: (1...2_000).map { "\($0)\n" }.joined()).status == 0)
            #expect(try await sandbox.run(["seal", "t/off"]).status == 0)
            #expect(try await sandbox.run(["autorecovery", "disable"]).status == 0)
            let status = try await sandbox.run(["autorecovery", "status", "-o", "json"])
            #expect(status.stdout.contains("\"enabled\":false"), "\(status.stdout)")
            let lost = try await bookieInUse(sandbox)
            kill(lost.pid, SIGKILL)
            // Disabled: the bookie's registration goes with its session, and nothing is marked.
            #expect(try await waitUntil(timeout: .seconds(30), pollEvery: .milliseconds(250)) {
                try await sandbox.run(["bookie", "list"]).stdout.contains(lost.id) == false
            })
            // Watched over several audit rounds (one a second) while disabled: no mark may appear.
            let marked = try await waitUntil(timeout: .seconds(3), pollEvery: .milliseconds(250)) {
                try await !nothingMarked(sandbox)
            }
            #expect(!marked, "disabled, yet marked")
            #expect(try await !referencing(sandbox, lost.id).isEmpty, "disabled: the ledgers still name the lost bookie")
            #expect(try await sandbox.run(["autorecovery", "enable"]).status == 0)
            #expect(try await waitUntil(timeout: .seconds(60), pollEvery: .milliseconds(250)) {
                try await referencing(sandbox, lost.id).isEmpty
            }, "enabled: re-replicated")
            #expect(try await sandbox.records("t/off") == (1...2_000).map(String.init))
        }
    }
}
