import DLCore

/// Why `dlctl write` stopped, with how far it got: the record it was at (when the failure is
/// that record's) and what was acknowledged before, so a user knows where to resume.
struct WriteFailure: Error, CustomStringConvertible {
    var cause: any Error
    /// "line 7" or "record 7", when the cause is that input record.
    var record: String?
    var acknowledged: Int
    var last: DLSN?

    var description: String {
        let cause = "\(cause)".split(separator: "\n").first.map(String.init) ?? "\(cause)"
        let progress = switch (acknowledged, last) {
        case (0, _), (_, nil): "nothing was acknowledged"
        case let (1, last?): "1 record was acknowledged, at \(last)"
        case let (count, last?): "\(count) records were acknowledged, the last at \(last)"
        }
        return (record.map { "\($0): " } ?? "") + cause + " (" + progress + ")"
    }
}
