/// One way a history breaks what the log promises, with the records that show it.
public enum HistoryViolation: Equatable, Sendable, CustomStringConvertible {
    /// Acknowledged, and not in the log.
    case lostAcknowledged(writer: String, payload: String, acknowledgedAt: DLSN)
    /// In the log at a DLSN other than the one its acknowledgement gave.
    case acknowledgedElsewhere(writer: String, payload: String, acknowledgedAt: DLSN, foundAt: DLSN)
    /// In the log more than once.
    case appendedTwice(payload: String, at: [DLSN])
    /// A writer's records in the log not in the order it was given them: `later` was given after
    /// `earlier` and is before it in the log.
    case outOfWriterOrder(writer: String, earlier: History.Read, later: History.Read)
    /// In the log (or read) though no writer was given it.
    case neverWritten(by: String, read: History.Read)
    /// The final read's DLSNs not strictly increasing.
    case finalOutOfOrder(previous: History.Read, next: History.Read)
    /// A reader read the same record twice.
    case readTwice(reader: String, payload: String, at: [DLSN])
    /// A reader saw something other than the log holds at that DLSN (or a DLSN the log lacks).
    case differentAtPosition(reader: String, read: History.Read, log: History.Read?)
    /// A reader went past a record of the log without reading it.
    case gap(reader: String, skipped: History.Read, nextRead: History.Read)
    /// A reader read records after the end of the final read.
    case beyondTheLog(reader: String, read: History.Read)

    public var description: String {
        switch self {
        case let .lostAcknowledged(writer, payload, at):
            return "lost: \(writer) had '\(payload)' acknowledged at \(at); the log does not hold it"
        case let .acknowledgedElsewhere(writer, payload, at, found):
            return "moved: \(writer) had '\(payload)' acknowledged at \(at); the log holds it at \(found)"
        case let .appendedTwice(payload, at):
            return "appended twice: '\(payload)' at \(at.map(\.description).joined(separator: " and "))"
        case let .outOfWriterOrder(writer, earlier, later):
            return "out of \(writer)'s order: '\(later.payload)', given later, is at \(later.dlsn), before '\(earlier.payload)' at \(earlier.dlsn)"
        case let .neverWritten(by, read):
            return "never written: \(by) read '\(read.payload)' at \(read.dlsn), which no writer was given"
        case let .finalOutOfOrder(previous, next):
            return "final read out of order: \(next.dlsn) after \(previous.dlsn)"
        case let .readTwice(reader, payload, at):
            return "read twice: \(reader) read '\(payload)' at \(at.map(\.description).joined(separator: " and "))"
        case let .differentAtPosition(reader, read, log):
            let holds = log.map { "'\($0.payload)'" } ?? "nothing"
            return "different: \(reader) read '\(read.payload)' at \(read.dlsn); the log holds \(holds) there"
        case let .gap(reader, skipped, next):
            return "gap: \(reader) read '\(next.payload)' at \(next.dlsn) without '\(skipped.payload)' at \(skipped.dlsn) before it"
        case let .beyondTheLog(reader, read):
            return "beyond the log: \(reader) read '\(read.payload)' at \(read.dlsn), after the final read's last record"
        }
    }
}
