/// What a client asks of a write proxy (DESIGN.md section 10).
public enum ProxyRequest: Sendable, Equatable {
    /// Who the client is; answered with the proxy's address, state and owned logs.
    case handshake(client: String)
    /// Append `records` to `log`, in order. `origin` numbers the write in its client's session:
    /// an owner answers a write it has already appended with the original DLSNs.
    case write(log: String, origin: WriteOrigin?, records: [ProxyRecord])
    /// Seal the log (after every write the owner has accepted).
    case endOfStream(log: String, origin: WriteOrigin?)
    /// Truncate the log before `before`.
    case truncate(log: String, before: DLSN)
    /// The owner lets the log go; the next request moves it.
    case release(log: String)
    /// The proxy keeps serving the logs it owns and takes no new ones (`undo`: takes them again).
    case drain(undo: Bool)
    /// Follow `log` from `from`: answered with a stream of `records` responses under this
    /// request's id, each `ok` but the last (end of stream, cut off as too slow, moved...).
    case follow(log: String, from: LogReader.Start)

    public var opcode: ProxyOpcode {
        switch self {
        case .handshake: return .handshake
        case .write: return .write
        case .endOfStream: return .endOfStream
        case .truncate: return .truncate
        case .release: return .release
        case .drain: return .drain
        case .follow: return .follow
        }
    }
}

public enum ProxyOpcode: UInt8, Sendable {
    case handshake = 1, write = 2, endOfStream = 3, truncate = 4, release = 5, drain = 6, follow = 7
}

/// One record of a write: its bytes, and its txid when the client gives one (else the owner
/// assigns one past the last, as the embedded writer does).
public struct ProxyRecord: Sendable, Equatable {
    public var payload: [UInt8]
    public var txid: Int64?
    public init(payload: [UInt8], txid: Int64? = nil) {
        self.payload = payload
        self.txid = txid
    }
}

/// A write's place in its client's session, for exactly-once appends across retries.
public struct WriteOrigin: Sendable, Equatable, Hashable {
    public var session: UInt64
    public var sequence: UInt64
    public init(session: UInt64, sequence: UInt64) {
        self.session = session
        self.sequence = sequence
    }
}

/// How a proxy answered. Every status but `ok` comes with a detail: for `redirect`, the
/// owner's address; for the others, one line saying why.
public enum ProxyStatus: UInt16, Sendable {
    case ok = 0
    /// Another proxy owns the log: ask it (the detail is its address).
    case redirect = 1
    /// This proxy just took the log and is recovering it: ask it again shortly.
    case notReady = 2
    case noSuchLog = 3
    case recordTooLarge = 4
    case txidOutOfOrder = 5
    /// The log is sealed.
    case endOfStream = 6
    /// A limit refused the write: not retried.
    case overCapacity = 7
    /// The proxy cannot serve this now (draining, storage unreachable): try another.
    case unavailable = 8
    /// The request made no sense (a bad log name, a bad position).
    case malformed = 9
    /// A follower fell further behind than the proxy keeps for it: it was cut off (resume after
    /// the last record it got).
    case behind = 10
}

/// The proxy's answers, one per request kind.
public enum ProxyResponse: Sendable, Equatable {
    case handshake(ProxyStatus, detail: String, info: ProxyInfo)
    /// The DLSN of each record, in order, when `ok`.
    case write(ProxyStatus, detail: String, dlsns: [DLSN])
    case endOfStream(ProxyStatus, detail: String, dlsn: DLSN?)
    case truncate(ProxyStatus, detail: String)
    case release(ProxyStatus, detail: String)
    case drain(ProxyStatus, detail: String)
    /// Records of a followed log, in order; `ok` while more may come.
    case records(ProxyStatus, detail: String, records: [PositionedRecord])

    public var status: ProxyStatus {
        switch self {
        case let .handshake(status, _, _), let .write(status, _, _), let .endOfStream(status, _, _),
             let .truncate(status, _), let .release(status, _), let .drain(status, _), let .records(status, _, _):
            return status
        }
    }

    public var detail: String {
        switch self {
        case let .handshake(_, detail, _), let .write(_, detail, _), let .endOfStream(_, detail, _),
             let .truncate(_, detail), let .release(_, detail), let .drain(_, detail), let .records(_, detail, _):
            return detail
        }
    }

    public var opcode: ProxyOpcode {
        switch self {
        case .handshake: return .handshake
        case .write: return .write
        case .endOfStream: return .endOfStream
        case .truncate: return .truncate
        case .release: return .release
        case .drain: return .drain
        case .records: return .follow
        }
    }

    /// The error answer for `request`.
    public static func failure(_ status: ProxyStatus, _ detail: String, for request: ProxyRequest) -> ProxyResponse {
        switch request {
        case .handshake: return .handshake(status, detail: detail, info: ProxyInfo(address: "", draining: false, ownedLogs: []))
        case .drain: return .drain(status, detail: detail)
        case .write: return .write(status, detail: detail, dlsns: [])
        case .endOfStream: return .endOfStream(status, detail: detail, dlsn: nil)
        case .truncate: return .truncate(status, detail: detail)
        case .release: return .release(status, detail: detail)
        case .follow: return .records(status, detail: detail, records: [])
        }
    }
}

/// A proxy as its handshake describes it.
public struct ProxyInfo: Sendable, Equatable, Codable {
    public var address: String
    /// Serving the logs it owns, taking no new ones.
    public var draining: Bool
    public var ownedLogs: [String]
    public var connections: Int = 0
    /// Write requests and record bytes accepted since the proxy started.
    public var requests: UInt64 = 0
    public var bytes: UInt64 = 0
    /// Over the last few seconds.
    public var requestsPerSecond: Double = 0
    public var bytesPerSecond: Double = 0
    /// Writes let through above a soft limit, and refused above a hard one (over capacity).
    public var overSoftLimit: UInt64 = 0
    public var overCapacity: UInt64 = 0
    /// The proxy's own limits, for people ("none" when it has none).
    public var limits = "none"
    /// Followers of logs it serves (pushed from its writers or read from the bookies).
    public var followers = 0

    public init(address: String, draining: Bool, ownedLogs: [String]) {
        self.address = address
        self.draining = draining
        self.ownedLogs = ownedLogs
    }

    public var status: String { draining ? "draining" : "serving" }
}
