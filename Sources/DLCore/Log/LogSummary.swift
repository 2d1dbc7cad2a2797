/// What a log holds now: first and last DLSN, last txid, record count, segments, writer.
/// Completed segments are counted from metadata; the in-progress one by reading its last
/// confirmed entry.
public struct LogSummary: Sendable, Encodable {
    public var log: String
    public var segments: Int
    /// Records in segments not wholly truncated.
    public var records: Int64
    public var firstDLSN: DLSN?
    public var lastDLSN: DLSN?
    public var firstTxId: Int64?
    public var lastTxId: Int64?
    public var sealed: Bool
    public var writer: String?

    public static func gather(_ name: LogName, store: any MetadataStore, connections: BookieConnections) async throws
        -> LogSummary
    {
        let catalog = LogCatalog(store: store)
        let segments = try await catalog.segments(name).map(\.metadata)
        var summary = LogSummary(log: name.description, segments: segments.count, records: 0,
                                 sealed: try await catalog.maxTxId(name) == TxId.endOfStream,
                                 writer: try await LogLock.holder(of: name, store: store))
        for segment in segments where segment.truncation != .truncated {
            var (count, first, last, firstTxId, lastTxId) = (segment.recordCount, nil as DLSN?, segment.lastDLSN,
                                                             segment.firstTxId, segment.lastTxId)
            if segment.state == .inProgress {
                let reader = try await LedgerReader.open(store: store, connections: connections, ledgerId: segment.ledgerId)
                let contents = try await SegmentScan.contents(of: segment, reader: reader, through: await reader.lastAddConfirmed())
                guard contents.last != nil else { continue }
                (count, last, lastTxId, firstTxId) = (contents.recordCount, contents.lastDLSN, contents.lastTxId, contents.firstTxId)
            }
            guard count > 0 else { continue }
            first = DLSN(segment.sequenceNumber, 0, 0)
            if segment.truncation == .partiallyTruncated, let minActive = segment.minActiveDLSN {
                // Only what is at or after the min active DLSN counts.
                let reader = try await LedgerReader.open(store: store, connections: connections, ledgerId: segment.ledgerId)
                guard let record = try await SegmentScan.firstRecord(atOrAfter: minActive, in: segment, reader: reader) else { continue }
                count -= Int64(record.record.positionWithinSegment)
                first = record.dlsn
                firstTxId = record.record.txid
            }
            summary.records += count
            if summary.firstDLSN == nil {
                summary.firstDLSN = first
                summary.firstTxId = firstTxId
            }
            summary.lastDLSN = last
            summary.lastTxId = lastTxId
        }
        return summary
    }
}
