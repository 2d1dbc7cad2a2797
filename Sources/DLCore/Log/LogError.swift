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
    /// A start position where no record can ever be (StartPositionRules).
    case positionPastEnd(log: String, position: DLSN, placement: StartPositionRules.Placement)
    case segmentFailed(log: String, segment: Int64, cause: String)
    /// The log was deleted (or renamed) while a reader read it.
    case deletedWhileReading(log: String, readThrough: DLSN?)
    /// The last segment is in progress, nobody writes it, and bookies may hold acknowledged
    /// records past what is readable.
    case unrecoveredSegment(log: String, segment: Int64, readableThrough: DLSN?, writer: String?)
    /// The metadata ends a segment where an ack quorum of bookies holds more.
    case metadataBehindBookies(log: String, segment: Int64, ledgerId: Int64, lastEntryId: Int64)

    public var description: String {
        switch self {
        case let .noSuchNamespace(name): return "namespace \(name) does not exist (create it with 'dlctl namespace create \(name)')"
        case let .noSuchLog(name): return "log \(name) does not exist (create it with 'dlctl log create \(name)')"
        case let .namespaceExists(name): return "namespace \(name) already exists"
        case let .logExists(name): return "log \(name) already exists"
        case let .namespaceNotEmpty(name): return "namespace \(name) still has logs; delete them first"
        case let .locked(log, holder):
            let release = LogLock.proxyAddress(ofHolder: holder) == nil ? "" : " ('dlctl proxy release \(log)' makes its proxy let it go)"
            return "log \(log) already has a writer (\(holder)); one writer per log" + release
        case let .txidOutOfOrder(log, violation): return "log \(log): \(violation)"
        case let .recordTooLarge(size, limit): return "record of \(size) bytes is over the limit of \(limit)"
        case let .endOfStream(log): return "log \(log) is sealed (end of stream): nothing more can be written"
        case let .writerClosed(log): return "the writer of \(log) is closed"
        case let .positionTruncated(log, position, first): return "position \(position) of \(log) was truncated; the log starts at \(first)"
        case let .positionPastEnd(log, position, placement):
            let reason = switch placement {
            case let .pastSegment(segment, lastEntryId, lastRecord):
                "segment \(segment) is completed and its last entry is \(lastEntryId)"
                    + (lastRecord.map { " (its last record is \($0))" } ?? " (it has no records)")
            case let .pastLog(lastSegment, sealed) where sealed:
                "the log is sealed and ends with segment \(lastSegment)"
            case let .pastLog(lastSegment, _):
                lastSegment == 0 ? "it has no segment yet (a read starts at 1,0,0)"
                    : "its last segment is \(lastSegment), the next one would be \(lastSegment + 1),0,0"
            case .within, .sealedEnd: "it is not"
            }
            return "position \(position) is past the end of \(log): \(reason)"
        case let .deletedWhileReading(log, read):
            return "log \(log) was deleted (or renamed) while it was being read" + (read.map { ", after DLSN \($0)" } ?? "")
        case let .segmentFailed(log, segment, cause): return "log \(log), segment \(segment): \(cause); open a new writer to continue"
        case let .unrecoveredSegment(log, segment, readable, writer):
            let after = readable.map { "DLSN \($0)" } ?? "its start"
            guard let writer else {
                return "log \(log): segment \(segment) is in progress and no writer holds the log; records after \(after) "
                    + "may have been acknowledged but cannot be read until the segment is recovered (run 'dlctl recover \(log)')"
            }
            return "log \(log): segment \(segment) is in progress and its writer (\(writer)) has not made the records after "
                + "\(after) readable; they may have been acknowledged. A writer that died keeps the lock until its session "
                + "expires: then run 'dlctl recover \(log)'"
        case let .metadataBehindBookies(log, segment, ledger, last):
            return "log \(log): the metadata ends segment \(segment) (ledger \(ledger)) at entry \(last), but an ack quorum "
                + "of its bookies holds entry \(last + 1): the metadata lost commits the bookies kept (restored from an "
                + "older copy, or a disk that lost unsynced writes); records past that point cannot be read"
        }
    }
}
