import Foundation

/// Completes a segment left in progress by a writer that died: recovers (fences and closes)
/// its ledger, finds the last record, and records last txid, last DLSN and record count.
public enum SegmentRecovery {
    public static func complete(_ segment: SegmentMetadata, version: Int64, log: LogName, store: any MetadataStore,
                                connections: BookieConnections) async throws -> SegmentMetadata {
        let outcome = try await LedgerRecovery.recover(store: store, connections: connections, ledgerId: segment.ledgerId)
        var lastRecord: PositionedRecord?
        if outcome.lastEntryId >= 0 {
            let reader = try await LedgerReader.open(store: store, connections: connections, ledgerId: segment.ledgerId)
            var entryId = outcome.lastEntryId
            // Walk back over trailing control entries to the last user record.
            while entryId >= 0 && lastRecord == nil {
                let entry = try await reader.read(entryId)
                let records = try RecordSet.positioned(entry: entry.payload, segment: segment.sequenceNumber, entryId: entryId)
                lastRecord = records.last { !$0.record.isControl }
                entryId -= 1
            }
        }
        let count = lastRecord.map { Int64($0.record.positionWithinSegment) + 1 } ?? 0
        let completed = segment.completed(lastTxId: lastRecord?.record.txid ?? TxId.invalid, lastDLSN: lastRecord?.dlsn,
                                          recordCount: count, length: outcome.length,
                                          atMillis: Int64(Date().timeIntervalSince1970 * 1000))
        try await store.set(log.segmentPath(segment.sequenceNumber), data: completed.encoded(), expectedVersion: version)
        if let txid = lastRecord?.record.txid {
            let current = Int64(String(decoding: try await store.get(log.maxTxIdPath).data, as: UTF8.self)) ?? TxId.invalid
            if txid > current { try await store.set(log.maxTxIdPath, data: Array("\(txid)".utf8), expectedVersion: nil) }
        }
        return completed
    }
}
