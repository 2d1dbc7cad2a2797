import ArgumentParser
import DLCore
import Foundation

struct LedgerWrite: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "write",
        abstract: "Create a ledger and write one entry per line of standard input.",
        discussion: "Exits 0 only when every entry was acknowledged by an ack quorum; then closes the ledger."
    )

    @OptionGroup var cluster: ClusterOptions
    @OptionGroup var quorum: QuorumOptions
    @Option(help: "Ledger password.") var password = ""
    @Flag(name: .customLong("print-id"), help: "Print the ledger id first.") var printId = false

    func run() async throws {
        let (cluster, quorum, password, printId) = (self.cluster, self.quorum, self.password, self.printId)
        try await reportingErrors(timeout: nil) {
            try await cluster.withStore { store in
                let connections = BookieConnections()
                let writer = try await LedgerWriter.create(store: store, connections: connections, ensembleSize: quorum.ensemble,
                                                           writeQuorum: quorum.writeQuorum, ackQuorum: quorum.ackQuorum,
                                                           password: Array(password.utf8))
                if printId {
                    print(writer.ledgerId)
                    StandardOutput.flush()
                }
                let failure = Locked<LedgerError?>(nil)
                var written = 0
                while let line = readLine(strippingNewline: true) {
                    if failure.withLock({ $0 }) != nil { break }
                    let payload = Array(line.utf8)
                    if payload.count > Limits.maxEntrySize - 1024 {
                        throw CommandFailure(.usage, "line \(written + 1) is \(payload.count) bytes, over the entry limit")
                    }
                    // Pipelined: the writer's window bounds what is in flight.
                    await writer.waitUntilAccepting()
                    writer.appendAsync(payload) { result in
                        if case let .failure(error) = result { failure.withLock { if $0 == nil { $0 = error } } }
                    }
                    written += 1
                }
                let (last, length) = try await writer.close()
                if let error = failure.withLock({ $0 }) { throw error }
                StandardError.write("wrote \(written) entries to ledger \(writer.ledgerId) (last entry \(last), \(length) bytes)\n")
                await connections.closeAll()
            }
        }
    }
}
