import ArgumentParser
import DLCore
import Foundation
import NIOPosix

struct BenchBookie: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bookie",
        abstract: "One bookie's add path: single-add latency, pipelined 100-byte adds/s, 64 KiB MiB/s.",
        discussion: """
            Targets --bookie (default: the first registered). Writes to a ledger created for the \
            run (its metadata is deleted afterwards, so the bookie garbage-collects the data). Each workload \
            starts once the bookie's write cache is checkpointed (unless --no-wait-idle), so one workload's \
            entry-log writes do not slow the next.
            """
    )

    @OptionGroup var cluster: ClusterOptions
    @Option(help: "Bookie id (host:port); default: the first registered bookie.") var bookie: String?
    @Option(name: .customLong("latency-adds"), help: "Adds for the one-in-flight latency run.") var latencyAdds = 5000
    @Option(name: .customLong("pipelined-adds"), help: "100-byte adds for the pipelined run.") var pipelinedAdds = 200_000
    @Option(help: "Adds in flight in the pipelined run.") var window = 5000
    @Option(name: .customLong("large-adds"), help: "64 KiB adds for the bandwidth run.") var largeAdds = 4000
    @Option(name: .customLong("large-window"), help: "64 KiB adds in flight.") var largeWindow = 64
    @Flag(inversion: .prefixedNo, help: "Wait for the bookie's write cache to be checkpointed before each workload.")
    var waitIdle = true
    @Option(name: .shortAndLong, help: "Output format: table or json.") var output: OutputFormat = .table

    struct Result: Encodable {
        var bookie: String
        var latency: LatencySummary
        var pipelined: LatencySummary
        var large: LatencySummary
        var largeMiBPerSecond: Double
    }

    func run() async throws {
        let options = self
        try await reportingErrors(timeout: nil) {
            let (id, address) = try await options.target()
            // A bookie restarting after a kill may still be registered: wait until it answers (and is idle).
            if options.waitIdle { try await IdleBookies.wait(for: [id], cluster: options.cluster) }
            let result = try await options.cluster.withStore { store -> Result in
                let key = Array("dlctl-bench".utf8)
                let ledgerId = try await LedgerIds.next(store)
                let metadata = LedgerMetadata(ensembleSize: 1, writeQuorum: 1, ackQuorum: 1, ensemble: [id],
                                              ledgerKeyHex: key.map { String(format: "%02x", $0) }.joined(),
                                              createdAtMillis: Int64(Date().timeIntervalSince1970 * 1000),
                                              customMetadata: ["purpose": "bench"])
                try await store.create(ClusterLayout.ledgerPath(ledgerId), data: metadata.encoded(), mode: .persistent)
                let client = try await BookieClient.connect(address, group: MultiThreadedEventLoopGroup.singleton)
                var next: Int64 = 0
                func entries(_ count: Int, size: Int) -> [StoredEntry] {
                    let payload = [UInt8](repeating: 0x42, count: size)
                    defer { next += Int64(count) }
                    return (next..<(next + Int64(count))).map {
                        StoredEntry(ledgerId: ledgerId, entryId: $0, lastAddConfirmed: $0 - 1, length: 0, payload: payload)
                    }
                }
                func measure(_ label: String, _ batch: [StoredEntry], window: Int) async throws -> LatencySummary {
                    if options.waitIdle { try await IdleBookies.wait(for: [id], cluster: options.cluster) }
                    if options.output == .table { StandardError.write("running \(label)...\n") }
                    let outcome = await PipelinedAdds.run(client, ledgerKey: key, entries: batch, window: window)
                    if let (entry, reason) = outcome.failures.first {
                        throw CommandFailure(.failed, "\(outcome.failures.count) adds failed, first \(entry): \(reason)")
                    }
                    return LatencySummary(nanos: outcome.latencies, elapsedNanos: outcome.elapsedNanos)
                }
                _ = try await measure("warm-up", entries(2000, size: 100), window: 100)
                let latency = try await measure("latency", entries(options.latencyAdds, size: 100), window: 1)
                let pipelined = try await measure("pipelined", entries(options.pipelinedAdds, size: 100), window: options.window)
                let large = try await measure("64 KiB", entries(options.largeAdds, size: 64 * 1024), window: options.largeWindow)
                await client.close()
                try await store.delete(ClusterLayout.ledgerPath(ledgerId), expectedVersion: nil)
                return Result(bookie: id, latency: latency, pipelined: pipelined, large: large,
                              largeMiBPerSecond: large.opsPerSecond * 64 / 1024)
            }
            switch options.output {
            case .json: try JSONOutput.print(result)
            case .table:
                print(LatencySummary.header)
                print(result.latency.row("add 100 B, 1 in flight"))
                print(result.pipelined.row("add 100 B, \(options.window) in flight"))
                print(result.large.row("add 64 KiB, \(options.largeWindow) in flight"))
                print(String(format: "64 KiB bandwidth: %.1f MiB/s", result.largeMiBPerSecond))
            }
        }
    }

    private func target() async throws -> (String, String) {
        if let bookie { return (bookie, try await BookieConnection.address(of: bookie, cluster: cluster)) }
        let first = try await cluster.withStore { try await BookieList.registrations($0) }.first { $0.state == "available" }
        guard let first else { throw CommandFailure(.notFound, "no available bookie registered") }
        return (first.id, first.address)
    }
}
