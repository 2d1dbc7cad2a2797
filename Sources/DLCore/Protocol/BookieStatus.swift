/// Result codes of bookie operations. Negatives ("no such ...") are sent only when the bookie
/// knows them; a failure to look is `ioError`, never a negative.
public enum BookieStatus: UInt16, Sendable, CustomStringConvertible, CaseIterable {
    case ok = 0
    case noSuchLedger = 1
    case noSuchEntry = 2
    case fenced = 3
    case badKey = 4
    case readOnly = 5
    case tooManyRequests = 6
    case badRequest = 7
    case ioError = 8
    case unauthorized = 9

    public var description: String {
        switch self {
        case .ok: return "ok"
        case .noSuchLedger: return "no such ledger"
        case .noSuchEntry: return "no such entry"
        case .fenced: return "ledger is fenced"
        case .badKey: return "wrong ledger key"
        case .readOnly: return "bookie is read-only"
        case .tooManyRequests: return "too many requests"
        case .badRequest: return "bad request"
        case .ioError: return "I/O error on the bookie"
        case .unauthorized: return "unauthorized"
        }
    }
}
