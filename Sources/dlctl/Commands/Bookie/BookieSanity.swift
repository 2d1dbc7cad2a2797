import ArgumentParser
import DLCore
import Foundation
import NIOPosix

struct BookieSanity: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sanity",
        abstract: "Write and read back a test ledger on one bookie.",
        discussion: "Creates a ledger (ensemble of this one bookie), adds entries, reads them back with digests checked, then deletes the ledger."
    )

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "Bookie id (host:port).", completion: LiveNames.completion(.bookies)) var id: String
    @Option(help: "Entries to write.") var entries = 10

    func run() async throws {
        let (cluster, id, count) = (self.cluster, self.id, self.entries)
        try await reportingErrors(timeout: cluster.commandTimeout) {
            let started = Date()
            // Each request has half the command's time, so a bookie that does not answer (stopped,
            // overloaded) is named before the command as a whole gives up.
            let requestTimeout = cluster.commandTimeout / 2
            let address = try await BookieConnection.address(of: id, cluster: cluster)
            try await cluster.withStore { store in
                let ledgerId = try await LedgerIds.next(store)
                let key = Array("dlctl-sanity".utf8)
                let metadata = LedgerMetadata(ensembleSize: 1, writeQuorum: 1, ackQuorum: 1, ensemble: [id],
                                              ledgerKeyHex: key.map { String(format: "%02x", $0) }.joined(),
                                              createdAtMillis: Int64(Date().timeIntervalSince1970 * 1000),
                                              customMetadata: ["purpose": "sanity"])
                try await store.create(ClusterLayout.ledgerPath(ledgerId), data: metadata.encoded(), mode: .persistent)
                defer { Task { try? await store.delete(ClusterLayout.ledgerPath(ledgerId), expectedVersion: nil) } }
                let client = try await BookieClient.connect(address, group: MultiThreadedEventLoopGroup.singleton, timeout: requestTimeout)
                var length: Int64 = 0
                var written: [StoredEntry] = []
                for entryId in 0..<Int64(count) {
                    let payload = Array("sanity \(ledgerId):\(entryId) \(UUID().uuidString)".utf8)
                    length += Int64(payload.count)
                    let entry = StoredEntry(ledgerId: ledgerId, entryId: entryId, lastAddConfirmed: entryId - 1, length: length, payload: payload)
                    let response = try await client.send(.add(ledgerKey: key, entry: entry, recovery: false), timeout: requestTimeout)
                    guard response.status == .ok else { throw CommandFailure(.failed, "add \(entryId) failed: \(response.status)") }
                    written.append(entry)
                }
                for entry in written {
                    let response = try await client.send(.read(ledgerId: ledgerId, entryId: entry.entryId, fence: false, ledgerKey: key),
                                                         timeout: requestTimeout)
                    guard case let .read(.ok, _, _, read?) = response, read.hasValidDigest, read == entry else {
                        throw CommandFailure(.invalidData, "entry \(entry.entryId) did not read back intact (\(response.status))")
                    }
                }
                await client.close()
                try await store.delete(ClusterLayout.ledgerPath(ledgerId), expectedVersion: nil)
                print(String(format: "sanity check passed: bookie %@ wrote and read back %d entries of ledger %lld in %.0f ms",
                             id, count, ledgerId, Date().timeIntervalSince(started) * 1000))
            }
        }
    }
}
