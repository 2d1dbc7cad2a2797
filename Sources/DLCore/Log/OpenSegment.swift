import Foundation

/// A segment a writer is appending to: its metadata, its ledger, and how far its acknowledged
/// records reach (updated from ledger completions, on any thread).
final class OpenSegment: Sendable {
    let metadata: SegmentMetadata
    let ledger: LedgerWriter
    let progress = Locked(Progress())

    struct Progress {
        var firstTxId: Int64?
        var lastDLSN: DLSN?
        var lastTxId = TxId.invalid
        var records: Int64 = 0
    }

    init(metadata: SegmentMetadata, ledger: LedgerWriter) {
        self.metadata = metadata
        self.ledger = ledger
    }

    var sequenceNumber: Int64 { metadata.sequenceNumber }

    /// Records an acknowledged entry's records (entries are acknowledged in order).
    func acknowledged(first: LogRecord, last: LogRecord, lastDLSN: DLSN, count: Int) {
        progress.withLock { p in
            if p.firstTxId == nil { p.firstTxId = first.txid }
            p.lastDLSN = lastDLSN
            p.lastTxId = last.txid
            p.records += Int64(count)
        }
    }

    /// Closes the ledger (after its outstanding adds) and completes the segment in metadata
    /// with what was acknowledged (`endOfStream`: its last entry is the end-of-stream record);
    /// raises the log's max txid. Returns the completed metadata.
    func complete(log: LogName, store: any MetadataStore, endOfStream: Bool = false) async throws -> SegmentMetadata {
        let (_, length) = try await ledger.close()
        let snapshot = progress.withLock { $0 }
        let completed = metadata.completed(lastTxId: snapshot.records > 0 ? snapshot.lastTxId : TxId.invalid,
                                           lastDLSN: snapshot.lastDLSN, recordCount: snapshot.records, length: length,
                                           atMillis: Int64(Date().timeIntervalSince1970 * 1000), firstTxId: snapshot.firstTxId,
                                           endOfStream: endOfStream)
        let path = log.segmentPath(metadata.sequenceNumber)
        let node = try await store.get(path)
        try await store.set(path, data: completed.encoded(), expectedVersion: node.version)
        if snapshot.records > 0 { try await LogCatalog(store: store).raiseMaxTxId(log, to: snapshot.lastTxId) }
        return completed
    }
}
