import Foundation
import Testing
import TestSupport

extension CommandLineSuites {
    /// `bench write --rate`: an open-loop offer on a fixed schedule, its latency from each
    /// record's due time.
    @Suite(.serialized) struct FixedRateBenchTests {
        @Test func aFixedRateOffersItsScheduleAndReportsBothRates() async throws {
            try #require(Binaries.dlctlExists)
            let cluster = try await LogCommandTests.Cluster()
            let run = try await cluster.dlctl(["bench", "write", "--rate", "2000", "--seconds", "3", "-o", "json"], timeout: 120)
            #expect(run.status == 0, "\(run.stderr)")
            let parsed = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8))
            let result = try #require(parsed as? [String: Any], "\(run.stdout)")
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
    }
}
