import Foundation
import Testing
import TestSupport

extension CommandLineSuites {
    /// `bench write --rate`: an open-loop offer on a fixed schedule, its latency from each
    /// record's due time.
    @Suite(.serialized) struct FixedRateBenchTests {
        /// The JSON a command prints with `-o json`, which must succeed.
        static func json(_ cluster: LogCommandTests.Cluster, _ arguments: [String]) async throws -> [String: Any] {
            let run = try await cluster.dlctl(arguments + ["-o", "json"], timeout: 120)
            #expect(run.status == 0, "\(run.stderr)")
            return try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stdout)")
        }

        @Test func aFixedRateOffersItsScheduleAndReportsBothRates() async throws {
            try #require(Binaries.dlctlExists)
            let cluster = try await LogCommandTests.Cluster()
            let result = try await Self.json(cluster, ["bench", "write", "--rate", "2000", "--seconds", "3"])
            #expect(result["offeredPerSecond"] as? Int == 2000)
            #expect(result["mode"] as? String == "fixed rate")
            // 6,000 due in 3 s; a record is written once due, so not more, and on a cluster that
            // keeps up not much fewer.
            let records = result["records"] as? Int ?? 0
            #expect(records <= 6_001 && records >= 5_000, "\(records) records for 2,000/s over 3 s")
            let latency = result["latency"] as? [String: Any] ?? [:]
            #expect((latency["p50Micros"] as? Double ?? 0) > 0, "\(latency)")

            for (arguments, message) in [(["--rate", "0"], "--rate must be within"), (["--rate", "100", "--immediate"], "do not go together"),
                                         (["--rate", "3", "--logs", "4"], "at least 1 per writer")] {
                let refused = try await cluster.dlctl(["bench", "write", "--seconds", "1"] + arguments)
                #expect(refused.status == 64 && refused.stderr.contains(message), "\(arguments): \(refused.stderr)")
            }
        }

        @Test func aCurveOffersFractionsOfTheMeasuredPeak() async throws {
            try #require(Binaries.dlctlExists)
            let cluster = try await LogCommandTests.Cluster()
            let result = try await Self.json(cluster, ["bench", "curve", "--seconds", "1", "--fractions", "0.25,0.5"])
            let peak = (result["peak"] as? [String: Any])?["latency"] as? [String: Any]
            let peakRate = peak?["opsPerSecond"] as? Double ?? 0
            let points = result["points"] as? [[String: Any]] ?? []
            #expect(points.count == 2)
            for (point, fraction) in zip(points, [0.25, 0.5]) {
                let offered = (point["run"] as? [String: Any])?["offeredPerSecond"] as? Int ?? 0
                #expect(abs(Double(offered) - peakRate * fraction) <= 1, "offered \(offered) at \(fraction) of \(peakRate)")
            }
            let table = try await cluster.dlctl(["bench", "curve", "--seconds", "0.5", "--fractions", "0.5"], timeout: 120)
            #expect(table.status == 0 && table.stdout.contains("p99 (log scale") && table.stdout.contains("50%"), "\(table.stdout)")
            for fractions in ["0", "0.5,,1", "1.5", "half"] {
                let refused = try await cluster.dlctl(["bench", "curve", "--fractions", fractions])
                #expect(refused.status == 64 && refused.stderr.contains("--fractions must be"), "\(fractions): \(refused.stderr)")
            }
        }
    }
}
