import DLCore
import Foundation
import Testing
import TestSupport

extension ServingTierSuites {
    /// Write limits on the serving tier (issue 14): set with `dlctl log config` and
    /// `dlctl namespace config`, applied by the owning proxy without a restart; a write over a
    /// hard level gets one line and exit status 6 and is not retried.
    @Suite(.serialized) struct LimitTests {
        @Test(arguments: MetadataBackend.allCases)
        func aHardLimitRefusesAndAChangeTakesEffectWithinTwoSeconds(_ backend: MetadataBackend) async throws {
            try #require(Binaries.dlctlExists)
            let sandbox = try await ProxySandbox(backend)
            #expect(try await sandbox.run(["log", "create", "t/noisy"]).status == 0)
            let set = try await sandbox.run(["log", "config", "set", "t/noisy", "--hard-records", "50", "--soft-bytes", "1KiB", "-o", "json"])
            #expect(set.status == 0 && set.stdout == #"{"hardRecordsPerSecond":50,"softBytesPerSecond":1024}"# + "\n", "\(set.stdout) \(set.stderr)")
            // The first write takes the bucket into debt (a write larger than a second's worth
            // passes once); the next is refused.
            let burst = try await sandbox.run(["write", "t/noisy"], stdin: (1...200).map { "r\($0)\n" }.joined())
            #expect(burst.status == 0, "\(burst.stderr)")
            let refused = try await sandbox.run(["write", "t/noisy", "one-more"])
            #expect(refused.status == 6, "\(refused.status.map(String.init) ?? "-") \(refused.stderr)")
            #expect(refused.stderr == "dlctl: error: over capacity: log t/noisy is over its hard limit of 50 records/s "
                    + "(a refused write is not retried) (nothing was acknowledged)\n", "\(refused.stderr)")
            // A soft level lets writes through and counts them.
            #expect(try await sandbox.run(["log", "create", "t/soft"]).status == 0)
            #expect(try await sandbox.run(["log", "config", "set", "t/soft", "--soft-bytes", "100"]).status == 0)
            for _ in 0..<2 { #expect(try await sandbox.run(["write", "t/soft", String(repeating: "s", count: 500)]).status == 0) }
            var (overSoft, overCapacity) = (UInt64(0), UInt64(0))
            for proxy in try await sandbox.proxies() {
                let info = try await sandbox.run(["proxy", "info", proxy.address, "-o", "json"])
                let counters = try JSONDecoder().decode(ProxyInfo.self, from: Data(info.stdout.utf8))
                overSoft += counters.overSoftLimit
                overCapacity += counters.overCapacity
            }
            #expect(overCapacity == 1 && overSoft == 1, "over capacity \(overCapacity), over soft \(overSoft)")
            // Lifted in the metadata: the owner applies it within 2 s, no restart.
            #expect(try await sandbox.run(["log", "config", "set", "t/noisy", "--hard-records", "none"]).status == 0)
            let lifted = ContinuousClock.now
            var accepted = false
            while !accepted && ContinuousClock.now - lifted < .seconds(10) {
                accepted = try await sandbox.run(["write", "t/noisy", "after"]).status == 0
            }
            let took = ContinuousClock.now - lifted
            #expect(accepted && took < .seconds(2), "accepted \(accepted) after \(took)")
            let records = try await sandbox.records("t/noisy")
            #expect(records.count == 201 && records.last == "after", "what was acknowledged, and nothing refused: \(records.count)")
            #expect(try await sandbox.run(["log", "config", "show", "t/noisy"]).stdout
                    == "LIMIT    SOFT     HARD\nrecords  none     none\nbytes    1 KiB/s  none\n")
        }

        @Test func aNamespaceLimitHoldsForItsLogsAndBadSettingsGetOneLine() async throws {
            try #require(Binaries.dlctlExists)
            let sandbox = try await ProxySandbox(.sqlite, proxies: 1)
            #expect(try await sandbox.run(["write", "n/a", "first"]).status == 0)
            #expect(try await sandbox.run(["namespace", "config", "set", "n", "--hard-bytes", "10"]).status == 0)
            // The namespace's bucket is shared by its logs on the proxy: a new log of it is held too.
            var refused: CommandResult?
            let deadline = ContinuousClock.now + .seconds(10)
            while refused == nil && ContinuousClock.now < deadline {
                let result = try await sandbox.run(["write", "n/b", String(repeating: "x", count: 100)])
                if result.status == 6 { refused = result }
            }
            #expect(refused?.stderr.contains("namespace n is over its hard limit of 10 B/s") == true, "\(refused?.stderr ?? "never refused")")
            let cases: [([String], Int32, String)] = [
                (["log", "config", "set", "n/none", "--hard-records", "5"], 2, "dlctl: error: log n/none does not exist"),
                (["log", "config", "set", "n/a", "--hard-records", "abc"], 64, "--hard-records"),
                (["log", "config", "set", "n/a", "--soft-records", "10", "--hard-records", "5"], 64,
                 "dlctl: error: log n/a: soft records/s (10) is above hard records/s (5)"),
                (["log", "config", "set", "n/a"], 64, "give at least one of"),
                (["namespace", "config", "show", "nope"], 2, "dlctl: error: namespace nope does not exist"),
            ]
            for (arguments, status, line) in cases {
                let result = try await sandbox.run(arguments)
                #expect(result.status == status && result.stderr.contains(line) && result.stderr.split(separator: "\n").count <= 2,
                        "\(arguments): \(result.status.map(String.init) ?? "-") \(result.stderr)")
            }
            // Limits written by someone else: one line and status 5; the owner keeps serving.
            #expect(try await sandbox.run(["meta", "set", "/namespaces/n/a", "not limits"]).status == 0)
            let foreign = try await sandbox.run(["log", "config", "show", "n/a"])
            #expect(foreign.status == 5 && foreign.stderr.hasPrefix("dlctl: error: the limits stored for log n/a are not dlctl's"),
                    "\(foreign.stderr)")
            #expect(try await sandbox.run(["namespace", "config", "set", "n", "--hard-bytes", "none"]).status == 0)
            var written = false
            while !written && ContinuousClock.now < deadline + .seconds(10) {
                written = try await sandbox.run(["write", "n/a", "still served"]).status == 0
            }
            #expect(written)
        }
    }
}
