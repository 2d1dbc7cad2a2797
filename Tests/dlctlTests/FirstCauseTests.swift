import Foundation
import Testing
import TestSupport

extension CommandLineSuites {
    /// An error names the party at fault, not a symptom further down.
    @Suite(.serialized) struct FirstCauseTests {
        /// `bookie sanity` of a stopped (SIGSTOP) bookie: the bookie did not answer, not "the
        /// metadata store timed out".
        @Test func aStoppedBookieIsNamedBySanity() async throws {
            try #require(Binaries.dlctlExists)
            let cluster = try await LogCommandTests.Cluster()
            let stopped = try #require(cluster.bookies.processes["b1"])
            let address = cluster.bookies.address("b1")
            stopped.kill(SIGSTOP)
            defer { stopped.kill(SIGCONT) }
            let sanity = try await cluster.dlctl(["bookie", "sanity", address, "--timeout", "4"], timeout: 30)
            #expect(sanity.status == 4, "\(sanity.stderr)")
            #expect(sanity.stderr == "dlctl: error: bookie \(address) did not answer within 2.0 seconds\n", "\(sanity.stderr)")
            // Resumed (its session may have expired meanwhile: it registers again), it passes.
            stopped.kill(SIGCONT)
            #expect(await waitUntil(timeout: .seconds(60), pollEvery: .milliseconds(200)) {
                (try? await cluster.dlctl(["bookie", "sanity", address], timeout: 30))?.status == 0
            })
        }
    }
}
