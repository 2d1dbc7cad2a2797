import ArgumentParser
import DLCore
import Foundation

struct BookieDecommission: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decommission",
        abstract: "Move a bookie's data onto the other bookies; ends when no ledger references it.",
        discussion: """
            The bookie takes no new ledgers from then on and keeps serving reads while the replication workers copy \
            what it holds to other bookies and replace it in each ledger's metadata (an open ledger is left to its \
            writer for 30 s, then recovered). Progress is printed as the count of ledgers that still reference it. \
            Refused with status 4 when the other writable bookies cannot take its data, and with status 2 when the \
            bookie is not running (--force then copies from the other replicas). Ctrl-C stops the waiting, not the \
            work.
            """
    )

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "The bookie's id (host:port).", completion: LiveNames.completion(.bookies)) var bookie: String
    @Flag(help: "The bookie is already gone: re-replicate its data from the other replicas.") var force = false

    func run() async throws {
        let (cluster, bookie, force) = (self.cluster, self.bookie, self.force)
        try await reportingErrors(timeout: nil) {
            try await cluster.withStore(sessionless: true) { store in
                let marked: [Int64]
                do {
                    marked = try await Decommission.start(bookie, force: force, store: store)
                } catch let refusal as Decommission.Refusal {
                    switch refusal {
                    case .notRunning: throw CommandFailure(.notFound, refusal.description)
                    case .cannotPlace: throw CommandFailure(.unavailable, refusal.description)
                    }
                }
                print("decommissioning \(bookie): \(marked.count) ledger\(marked.count == 1 ? "" : "s") to move")
                StandardOutput.flush()
                var last = marked.count
                while true {
                    let remaining = try await Decommission.remaining(bookie, store: store)
                    if remaining.isEmpty { break }
                    if remaining.count != last {
                        print("\(remaining.count) ledger\(remaining.count == 1 ? "" : "s") still reference \(bookie)")
                        StandardOutput.flush()
                        last = remaining.count
                    }
                    if try await !AutorecoveryLayout.enabled(store) {
                        print("autorecovery is disabled: waiting for 'dlctl autorecovery enable'")
                        StandardOutput.flush()
                        while try await !AutorecoveryLayout.enabled(store) { try await Task.sleep(for: .seconds(1)) }
                    }
                    try await Task.sleep(for: .milliseconds(500))
                }
                print("decommissioned \(bookie): no ledger references it; it takes no new ledgers and can be stopped")
            }
        }
    }
}
