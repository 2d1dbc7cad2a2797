/// Failures of log operations, each with what to do next.
public enum LogError: Error, Equatable, Sendable, CustomStringConvertible {
    case noSuchNamespace(String)
    case noSuchLog(String)
    case namespaceExists(String)
    case logExists(String)
    case namespaceNotEmpty(String)
    case locked(log: String, holder: String)
    case txidOutOfOrder(log: String, TxId.Violation)
    case recordTooLarge(size: Int, limit: Int)
    case endOfStream(String)
    case writerClosed(String)
    case positionTruncated(log: String, position: DLSN, firstAvailable: DLSN)
    case segmentFailed(log: String, segment: Int64, cause: String)

    public var description: String {
        switch self {
        case let .noSuchNamespace(name): return "namespace \(name) does not exist (create it with 'dlctl namespace create \(name)')"
        case let .noSuchLog(name): return "log \(name) does not exist (create it with 'dlctl log create \(name)')"
        case let .namespaceExists(name): return "namespace \(name) already exists"
        case let .logExists(name): return "log \(name) already exists"
        case let .namespaceNotEmpty(name): return "namespace \(name) still has logs; delete them first"
        case let .locked(log, holder): return "log \(log) already has a writer (\(holder)); one writer per log"
        case let .txidOutOfOrder(log, violation): return "log \(log): \(violation)"
        case let .recordTooLarge(size, limit): return "record of \(size) bytes is over the limit of \(limit)"
        case let .endOfStream(log): return "log \(log) is sealed (end of stream): nothing more can be written"
        case let .writerClosed(log): return "the writer of \(log) is closed"
        case let .positionTruncated(log, position, first): return "position \(position) of \(log) was truncated; the log starts at \(first)"
        case let .segmentFailed(log, segment, cause): return "log \(log), segment \(segment): \(cause); open a new writer to continue"
        }
    }
}
