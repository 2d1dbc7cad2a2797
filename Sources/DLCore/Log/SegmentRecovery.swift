import Foundation

/// Completes a segment left in progress by a writer that died: recovers (fences and closes)
/// its ledger, finds the last record, and records last txid, last DLSN and record count.
public enum SegmentRecovery {
    public static func complete(_ segment: SegmentMetadata, version: Int64, log: LogName, store: any MetadataStore,
                                connections: BookieConnections) async throws -> SegmentMetadata {
        let outcome = try await LedgerRecovery.recover(store: store, connections: connections, ledgerId: segment.ledgerId)
        var (firstRecord, lastRecord): (PositionedRecord?, PositionedRecord?) = (nil, nil)
        if outcome.lastEntryId >= 0 {
            let reader = try await LedgerReader.open(store: store, connections: connections, ledgerId: segment.ledgerId)
            lastRecord = try await SegmentScan.lastRecord(of: segment, reader: reader, through: outcome.lastEntryId)
            firstRecord = try await SegmentScan.firstRecord(atOrAfter: .min, in: segment, reader: reader, last: outcome.lastEntryId)
        }
        let count = lastRecord.map { Int64($0.record.positionWithinSegment) + 1 } ?? 0
        let completed = segment.completed(lastTxId: lastRecord?.record.txid ?? TxId.invalid, lastDLSN: lastRecord?.dlsn,
                                          recordCount: count, length: outcome.length,
                                          atMillis: Int64(Date().timeIntervalSince1970 * 1000),
                                          firstTxId: firstRecord?.record.txid)
        try await store.set(log.segmentPath(segment.sequenceNumber), data: completed.encoded(), expectedVersion: version)
        if let txid = lastRecord?.record.txid { try await LogCatalog(store: store).raiseMaxTxId(log, to: txid) }
        return completed
    }
}
