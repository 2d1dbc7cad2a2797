import Foundation

/// Completes a segment left in progress by a writer that died: recovers (fences and closes)
/// its ledger, finds the last record, and records last txid, last DLSN and record count.
public enum SegmentRecovery {
    public static func complete(_ segment: SegmentMetadata, version: Int64, log: LogName, store: any MetadataStore,
                                connections: BookieConnections) async throws -> SegmentMetadata {
        let outcome = try await LedgerRecovery.recover(store: store, connections: connections, ledgerId: segment.ledgerId)
        var contents = SegmentScan.Contents()
        if outcome.lastEntryId >= 0 {
            let reader = try await LedgerReader.open(store: store, connections: connections, ledgerId: segment.ledgerId)
            contents = try await SegmentScan.contents(of: segment, reader: reader, through: outcome.lastEntryId)
        }
        let completed = segment.completed(lastTxId: contents.lastTxId, lastDLSN: contents.lastDLSN,
                                          recordCount: contents.recordCount, length: outcome.length,
                                          atMillis: Int64(Date().timeIntervalSince1970 * 1000),
                                          firstTxId: contents.first?.record.txid, endOfStream: contents.endOfStream)
        try await store.set(log.segmentPath(segment.sequenceNumber), data: completed.encoded(), expectedVersion: version)
        // The end-of-stream txid is above every other: raising to it seals the log.
        if let txid = contents.endOfStream ? TxId.endOfStream : contents.last?.record.txid {
            try await LogCatalog(store: store).raiseMaxTxId(log, to: txid)
        }
        return completed
    }
}
