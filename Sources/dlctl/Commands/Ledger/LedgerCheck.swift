import ArgumentParser
import DLCore

struct LedgerCheck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Read a ledger's entries from every bookie that should hold them; list the replicas that lack any.",
        discussion: """
            Every entry by default; --sample N reads N entries spread over the ledger (its first and last among \
            them). Plain reads: nothing is fenced, an open ledger is checked up to its LAC. Exit status 0 when every \
            checked entry is on every replica of its write set, 5 when a replica lacks an entry or gave no usable \
            answer (down, an error, a bad digest), 2 when the ledger does not exist.
            """
    )

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "Ledger id.", completion: LiveNames.completion(.ledgers), transform: LedgerArgument.parse) var id: Int64
    @Option(help: "Check this many entries spread over the ledger instead of every one.") var sample: Int?
    @Option(name: .shortAndLong, help: "Output format: table or json.") var output: OutputFormat = .table

    func validate() throws {
        if let sample, sample < 1 { throw ValidationError("--sample must be at least 1") }
    }

    func run() async throws {
        let (cluster, id, sample, output) = (self.cluster, self.id, self.sample, self.output)
        try await reportingErrors(timeout: nil) {
            let report = try await cluster.withStore(sessionless: true) { store in
                let connections = BookieConnections()
                do {
                    let report = try await LedgerReplicaCheck.check(ledgerId: id, store: store, connections: connections, sample: sample)
                    await connections.closeAll()
                    return report
                } catch {
                    await connections.closeAll()
                    throw error
                }
            }
            switch output {
            case .json: try JSONOutput.print(report)
            case .table:
                let shown = report.gaps.prefix(50)
                if !shown.isEmpty {
                    Table.print(["ENTRY", "LACKING", "NO ANSWER"], shown.map {
                        ["\($0.entryId)", $0.lacking.joined(separator: ", "), $0.unknown.joined(separator: ", ")]
                    })
                    if report.gaps.count > shown.count { print("... and \(report.gaps.count - shown.count) more entries") }
                }
                for (bookie, count) in report.lackingByBookie.sorted(by: { $0.key < $1.key }) { print("\(bookie) lacks \(count) entries") }
                for (bookie, count) in report.unknownByBookie.sorted(by: { $0.key < $1.key }) { print("\(bookie) gave no usable answer for \(count) entries") }
                if !report.unreadable.isEmpty { print("\(report.unreadable.count) entries found on no replica (first \(report.unreadable[0]))") }
                print("ledger \(id): checked \(report.entriesChecked) entr\(report.entriesChecked == 1 ? "y" : "ies")"
                      + "\(report.sampled ? " (sampled)" : "") through \(report.lastEntryId): "
                      + (report.isComplete ? "every replica holds every entry" : "\(report.gaps.count) under-replicated"))
            }
            if !report.isComplete { throw ExitCode(ExitStatus.invalidData.rawValue) }
        }
    }
}
