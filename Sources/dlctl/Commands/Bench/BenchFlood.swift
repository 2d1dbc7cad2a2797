import ArgumentParser
import DLCore
import Foundation

/// The noisy tenant of `dlctl bench tenants`, as a process of its own (hidden: the bench starts
/// it), as another tenant's clients would be: `--clients` clients write `--log` flat out for
/// `--seconds` (64 KiB writes; a write refused over capacity pauses its client 5 ms). Prints
/// "flooding" once a first write was answered, then at the end one JSON line: the bytes let
/// through, the writes refused, the seconds it ran and its CPU seconds.
struct BenchFlood: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "flood", shouldDisplay: false)

    @OptionGroup var cluster: ClusterOptions
    @Option var log: String
    @Option var clients = 4
    @Option var seconds = 10.0
    @Option(name: .customLong("record-size")) var recordSize = 100

    func validate() throws { try Seconds.check(seconds, "--seconds") }

    struct Outcome: Codable {
        var acceptedBytes = 0
        var refused = 0
        var seconds = 0.0
        var cpuSeconds = 0.0
    }

    func run() async throws {
        let (cluster, log, clients, seconds, recordSize) = (cluster, log, clients, seconds, recordSize)
        try await reportingErrors(timeout: nil) {
            let accepted = Locked(0)
            let refused = Locked(0)
            let answered = Locked(false)
            let start = MonotonicClock.nanos()
            let end = start + UInt64(seconds * 1e9)
            let payloads = BenchLogOptions.payloads(bytes: 65_536, recordSize: recordSize)
            try await cluster.withStore(sessionless: true) { store in
                await withTaskGroup(of: Void.self) { group in
                    for _ in 0..<clients {
                        group.addTask {
                            let client = ProxyClient(store: store)
                            let records = payloads.map { ProxyRecord(payload: $0) }
                            let bytes = payloads.reduce(0) { $0 + $1.count }
                            while MonotonicClock.nanos() < end {
                                guard let (response, _) = try? await client.send(.write(log: log, origin: nil, records: records), log: log,
                                                                                 deadline: .now + .seconds(10)) else { continue }
                                if !answered.withLock({ $0 }) {
                                    answered.withLock { $0 = true }
                                    StandardOutput.write("flooding\n")
                                    StandardOutput.flush()
                                }
                                switch response.status {
                                case .ok: accepted.withLock { $0 += bytes }
                                case .overCapacity:
                                    refused.withLock { $0 += 1 }
                                    try? await Task.sleep(for: .milliseconds(5))
                                default: try? await Task.sleep(for: .milliseconds(5))
                                }
                            }
                            await client.close()
                        }
                    }
                }
            }
            let outcome = Outcome(acceptedBytes: accepted.withLock { $0 }, refused: refused.withLock { $0 },
                                  seconds: Double(MonotonicClock.nanos() - start) / 1e9, cpuSeconds: ProcessCPU.ownSeconds)
            StandardOutput.write(String(decoding: try JSONEncoder().encode(outcome), as: UTF8.self) + "\n")
        }
    }
}
