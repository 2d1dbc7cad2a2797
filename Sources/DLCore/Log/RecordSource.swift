/// Where a reader's records come from: the bookies (`LogReader`) or a write proxy's push
/// (`ProxyLogFollower`). In DLSN order, each record once; nil at the end.
public protocol RecordSource: Sendable {
    func next() async throws -> PositionedRecord?
    /// Whether a record is at hand now (output is flushed when the next one may take a wait).
    var hasBufferedRecords: Bool { get }
    /// The records at hand (at least one, waiting for it when none is), in order; nil at the
    /// end. A consumer of many records a second takes them so, not one call per record.
    func nextBatch() async throws -> [PositionedRecord]?
}

extension RecordSource {
    public func nextBatch() async throws -> [PositionedRecord]? {
        guard let first = try await next() else { return nil }
        var batch = [first]
        while hasBufferedRecords, let record = try await next() { batch.append(record) }
        return batch
    }
}

extension LogReader: RecordSource {}
extension ProxyLogFollower: RecordSource {}
