/// Where a reader's records come from: the bookies (`LogReader`) or a write proxy's push
/// (`ProxyLogFollower`). In DLSN order, each record once; nil at the end.
public protocol RecordSource: Sendable {
    func next() async throws -> PositionedRecord?
    /// Whether a record is at hand now (output is flushed when the next one may take a wait).
    var hasBufferedRecords: Bool { get }
}

extension LogReader: RecordSource {}
extension ProxyLogFollower: RecordSource {}
