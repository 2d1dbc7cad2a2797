import ArgumentParser

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure throughput and latency of the cluster's layers.",
        subcommands: [BenchMetadata.self, BenchBookie.self, BenchLedger.self, BenchWrite.self, BenchRead.self, BenchEndToEnd.self,
                      BenchFanOut.self, BenchTenants.self, BenchFollower.self, BenchFlood.self, BenchCurve.self]
    )
}
