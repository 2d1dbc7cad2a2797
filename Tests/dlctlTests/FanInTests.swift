import DLCore
import Foundation
import Testing
import TestSupport

extension ServingTierSuites {
    /// A thousand one-liner clients at once on a sandbox with two write proxies (issue 13), with
    /// the release binary users run: every client exits 0, the log holds each record once in at
    /// most 3 segments, and it is all over within 30 s on a 2-core machine. It runs on its own
    /// (scripts/test.sh gives the serving tier a phase of its own and builds the release binary
    /// first), as its time limit is about this machine, not about other tests sharing it.
    @Suite(.serialized) struct FanInTests {
        static var releaseBinary: String? { ProcessInfo.processInfo.environment["DLCTL_RELEASE_BINARY"] }

        @Test(arguments: MetadataBackend.allCases)
        func aThousandOneLinersAtOnce(_ backend: MetadataBackend) async throws {
            let binary = try #require(Self.releaseBinary, "set DLCTL_RELEASE_BINARY to a release dlctl (scripts/test.sh does)")
            try #require(FileManager.default.isExecutableFile(atPath: binary), "\(binary) is not an executable")
            let sandbox = try await ProxySandbox(backend, binary: binary)
            // Every client is forked first and waits at a gate (a shared lock the script holds);
            // opening the gate starts all of them at once. Timed from the gate's opening.
            let run = try await sandbox.bash("""
                exec 9>"$DLCTL_HOME/gate"
                flock -x 9
                for i in $(seq 1 1000); do
                  ( flock -s "$DLCTL_HOME/gate" true; echo "r$i" | "$DLCTL" write t/fanin >/dev/null 2>>"$DLCTL_HOME/errors" || echo $i >> "$DLCTL_HOME/failed" ) 9>&- &
                done
                started=$(date +%s%N)
                flock -u 9
                wait
                ended=$(date +%s%N)
                echo "$(( (ended - started) / 1000000 ))"
                """, timeout: 120)
            let elapsed = try #require(Int(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), "\(run.stdout) \(run.stderr)")
            let failed = (try? String(contentsOfFile: sandbox.home.path + "/failed", encoding: .utf8)) ?? ""
            let errors = (try? String(contentsOfFile: sandbox.home.path + "/errors", encoding: .utf8)) ?? ""
            let failures = failed.split(separator: "\n").count
            // The distinct error lines, most frequent first: what a failed run has to say.
            let distinct = Dictionary(grouping: errors.split(separator: "\n"), by: { $0 }).mapValues(\.count)
                .sorted { $0.value > $1.value }.prefix(5).map { "\($0.value)x \($0.key)" }
            #expect(failures == 0, "\(failures) clients failed: \(distinct.joined(separator: " | "))")
            #expect(elapsed < 30_000, "over within 30 s (\(elapsed) ms)")
            let records = try await sandbox.records("t/fanin")
            #expect(records.count == 1_000 && Set(records) == Set((1...1_000).map { "r\($0)" }), "each record once: \(records.count)")
            let segments = try await sandbox.segmentCount("t/fanin")
            #expect(segments <= 3, "\(segments) segments")
            print("fan-in (\(backend)): 1000 one-liners started at once, all acknowledged in \(elapsed) ms, \(segments) segment(s)")
        }
    }
}
