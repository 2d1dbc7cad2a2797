import ArgumentParser
import DLCore

struct LedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "Create, write, read, recover and delete replicated ledgers.",
        subcommands: [LedgerCreate.self, LedgerWrite.self, LedgerList.self, LedgerShow.self, LedgerRead.self,
                      LedgerRecover.self, LedgerDelete.self, LedgerCheck.self, LedgerUnderReplicated.self]
    )
}

/// Ensemble, write quorum and ack quorum options (DistributedLog's defaults: 3/3/2).
struct QuorumOptions: ParsableArguments {
    @Option(name: .customLong("ensemble"), help: "Ensemble size E.") var ensemble = 3
    @Option(name: .customLong("write-quorum"), help: "Write quorum Qw.") var writeQuorum = 3
    @Option(name: .customLong("ack-quorum"), help: "Ack quorum Qa.") var ackQuorum = 2

    func validate() throws {
        guard ackQuorum >= 1, writeQuorum >= ackQuorum, ensemble >= writeQuorum else {
            throw ValidationError("quorums must keep --ensemble >= --write-quorum >= --ack-quorum >= 1")
        }
        guard writeQuorum <= AddQuorum.maxWriteQuorum else {
            throw ValidationError("--write-quorum must be at most \(AddQuorum.maxWriteQuorum)")
        }
    }
}

extension ExitStatus {
    init(ledger error: LedgerError) {
        switch error {
        case .noSuchLedger, .noSuchEntry: self = .notFound
        case .fenced, .closed: self = .conflict
        case .notEnoughBookies, .ensembleChangeFailed, .readFailed, .recoveryFailed: self = .unavailable
        case .corruptEntry: self = .invalidData
        case .invalidQuorum: self = .usage
        }
    }
}

enum LedgerArgument {
    static func parse(_ text: String) throws -> Int64 {
        guard let id = Int64(text), id >= 0 else { throw ValidationError("'\(text)' is not a ledger id") }
        return id
    }
}
