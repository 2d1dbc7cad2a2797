/// Operations a client asks of a bookie.
public enum BookieRequest: Sendable, Equatable {
    /// Store an entry. A recovery add passes a fence (it comes from a recovering writer).
    case add(ledgerKey: [UInt8], entry: StoredEntry, recovery: Bool)
    /// Read one entry; entry id -1 asks for the bookie's last entry of the ledger. With
    /// `fence`, the ledger is fenced (durably) before the reply, and the key must match.
    case read(ledgerId: Int64, entryId: Int64, fence: Bool, ledgerKey: [UInt8])
    /// The bookie's LAC for the ledger. Long poll: parks until it passes `previous` or
    /// `timeoutMillis` pass; with `piggyback`, entry `previous + 1` comes along when stored.
    case readLAC(ledgerId: Int64, previous: Int64, timeoutMillis: UInt32, piggyback: Bool)
    /// Identity, state, disk and statistics, as JSON.
    case info
    /// Presents the shared token; needed first on bookies that require one.
    case auth(token: [UInt8])

    public var opcode: BookieOpcode {
        switch self {
        case .add: return .add
        case .read: return .read
        case .readLAC: return .readLAC
        case .info: return .info
        case .auth: return .auth
        }
    }
}

/// A bookie's answers, one per request kind.
public enum BookieResponse: Sendable, Equatable {
    case add(BookieStatus, ledgerId: Int64, entryId: Int64)
    case read(BookieStatus, ledgerId: Int64, entryId: Int64, entry: StoredEntry?)
    case readLAC(BookieStatus, ledgerId: Int64, lastAddConfirmed: Int64, entry: StoredEntry?)
    case info(BookieStatus, json: [UInt8])
    case auth(BookieStatus)

    public var status: BookieStatus {
        switch self {
        case let .add(status, _, _), let .read(status, _, _, _), let .readLAC(status, _, _, _),
             let .info(status, _), let .auth(status):
            return status
        }
    }

    public var opcode: BookieOpcode {
        switch self {
        case .add: return .add
        case .read: return .read
        case .readLAC: return .readLAC
        case .info: return .info
        case .auth: return .auth
        }
    }

    /// The error answer for `request` with `status`.
    public static func failure(_ status: BookieStatus, for request: BookieRequest) -> BookieResponse {
        switch request {
        case let .add(_, entry, _): return .add(status, ledgerId: entry.ledgerId, entryId: entry.entryId)
        case let .read(ledgerId, entryId, _, _): return .read(status, ledgerId: ledgerId, entryId: entryId, entry: nil)
        case let .readLAC(ledgerId, _, _, _): return .readLAC(status, ledgerId: ledgerId, lastAddConfirmed: -1, entry: nil)
        case .info: return .info(status, json: [])
        case .auth: return .auth(status)
        }
    }
}

public enum BookieOpcode: UInt8, Sendable {
    case add = 1, read = 2, readLAC = 3, info = 4, auth = 5
}

/// A request or response with the id that pairs them; a connection pipelines freely.
public struct BookieFrame<Message: Sendable & Equatable>: Sendable, Equatable {
    public var requestId: UInt64
    public var message: Message
    public init(requestId: UInt64, message: Message) {
        self.requestId = requestId
        self.message = message
    }
}
