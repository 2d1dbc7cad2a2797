import DLCore
import Foundation

/// Benchmarks start each workload on idle bookies: the previous workload's write cache
/// checkpointed, so its entry-log writes do not share the disk with the next measurement. A
/// bookie that does not answer (restarting after a kill) is asked again until the deadline.
enum IdleBookies {
    /// Waits for every bookie registered as available.
    static func waitForAvailable(in store: any MetadataStore, cluster: ClusterOptions) async throws {
        let ids = try await BookieList.registrations(store).filter { $0.state == "available" }.map(\.id)
        try await wait(for: ids, cluster: cluster)
    }

    static func wait(for ids: [String], cluster: ClusterOptions, within limit: Duration = .seconds(60)) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        for id in ids {
            while true {
                let state: String
                do {
                    let cached = try await BookieConnection.info(id, cluster: cluster).writeCacheBytes
                    if cached == 0 { break }
                    state = "still holds \(cached) bytes in its write cache (checkpoints off? use --no-wait-idle)"
                } catch {
                    state = "did not answer: \(error)"
                }
                guard clock.now < deadline else {
                    throw CommandFailure(.failed, "bookie \(id) is not idle after \(limit): \(state)")
                }
                // Checkpoints run every few seconds: look again shortly, until the deadline.
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }
}
