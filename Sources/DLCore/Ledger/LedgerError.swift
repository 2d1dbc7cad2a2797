/// Failures of replicated ledger operations.
public enum LedgerError: Error, Equatable, Sendable, CustomStringConvertible {
    case noSuchLedger(Int64)
    /// The ledger was fenced by a recovery: this writer may not add to it any more.
    case fenced(Int64)
    case closed(Int64)
    case notEnoughBookies(needed: Int, available: Int)
    /// A bookie failed and no replacement could be put in its place.
    case ensembleChangeFailed(ledgerId: Int64, bookie: String, reason: String)
    case noSuchEntry(ledgerId: Int64, entryId: Int64)
    case readFailed(ledgerId: Int64, entryId: Int64, reason: String)
    case corruptEntry(ledgerId: Int64, entryId: Int64, bookie: String)
    case recoveryFailed(ledgerId: Int64, reason: String)
    case invalidQuorum(String)

    public var description: String {
        switch self {
        case let .noSuchLedger(id): return "ledger \(id) does not exist"
        case let .fenced(id): return "ledger \(id) was fenced by a recovery; this writer can no longer add to it"
        case let .closed(id): return "ledger \(id) is closed"
        case let .notEnoughBookies(needed, available):
            return "not enough writable bookies: need \(needed), \(available) available (start more with 'dlctl sandbox add-bookie')"
        case let .ensembleChangeFailed(id, bookie, reason): return "ledger \(id): bookie \(bookie) failed and could not be replaced: \(reason)"
        case let .noSuchEntry(id, entry): return "ledger \(id) has no entry \(entry)"
        case let .readFailed(id, entry, reason): return "cannot read entry \(entry) of ledger \(id): \(reason)"
        case let .corruptEntry(id, entry, bookie): return "entry \(entry) of ledger \(id) from bookie \(bookie) failed its digest check"
        case let .recoveryFailed(id, reason): return "recovery of ledger \(id) failed: \(reason)"
        case let .invalidQuorum(reason): return "invalid quorum: \(reason)"
        }
    }
}
