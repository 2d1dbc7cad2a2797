/// Finding records inside one segment's ledger by reading its entries.
public enum SegmentScan {
    /// What entries `0...through` of a segment hold: its first and last user records.
    struct Contents: Sendable {
        var first: PositionedRecord?
        var last: PositionedRecord?
        /// The last entry is the end-of-stream record (the writer sealed the log, then died).
        var endOfStream = false
        var recordCount: Int64 { last.map { Int64($0.record.positionWithinSegment) + 1 } ?? 0 }
        var lastDLSN: DLSN? { last?.dlsn }
        var firstTxId: Int64 { first?.record.txid ?? TxId.invalid }
        var lastTxId: Int64 { last?.record.txid ?? TxId.invalid }
    }

    /// The txid of an in-progress segment's first acknowledged record, or nil when it has none
    /// yet (its metadata holds only a lower bound until it completes).
    public static func firstTxId(ofInProgress segment: SegmentMetadata, store: any MetadataStore,
                                 connections: BookieConnections) async throws -> Int64? {
        let reader = try await LedgerReader.open(store: store, connections: connections, ledgerId: segment.ledgerId)
        let last = await reader.lastAddConfirmed()
        guard last >= 0 else { return nil }
        return try await firstRecord(atOrAfter: Int64.min, in: segment, reader: reader, last: last)?.record.txid
    }

    static func contents(of segment: SegmentMetadata, reader: LedgerReader, through last: Int64) async throws -> Contents {
        guard last >= 0 else { return Contents() }
        // The last entry says whether the log was sealed; the last user record is in it or before it.
        let final = try RecordSet.positioned(entry: try await reader.read(last).payload, segment: segment.sequenceNumber, entryId: last)
        let endOfStream = final.contains { $0.record.isEndOfStream }
        var lastRecord = final.last { !$0.record.isControl }
        if lastRecord == nil { lastRecord = try await self.lastRecord(of: segment, reader: reader, through: last - 1) }
        guard let lastRecord else { return Contents(endOfStream: endOfStream) }
        return Contents(first: try await firstRecord(atOrAfter: .min, in: segment, reader: reader, last: last), last: lastRecord,
                        endOfStream: endOfStream)
    }

    /// The first user record at or after `dlsn`, within `dlsn`'s entry.
    static func firstRecord(atOrAfter dlsn: DLSN, in segment: SegmentMetadata, reader: LedgerReader) async throws
        -> PositionedRecord?
    {
        let entry = try await reader.read(dlsn.entryId)
        return try RecordSet.positioned(entry: entry.payload, segment: segment.sequenceNumber, entryId: dlsn.entryId)
            .first { $0.dlsn >= dlsn && !$0.record.isControl }
    }

    /// The last user record (not a control record) in entries `0...through`, walking back
    /// over trailing control entries; nil when there is none.
    static func lastRecord(of segment: SegmentMetadata, reader: LedgerReader, through last: Int64) async throws
        -> PositionedRecord?
    {
        var entryId = last
        while entryId >= 0 {
            let entry = try await reader.read(entryId)
            let records = try RecordSet.positioned(entry: entry.payload, segment: segment.sequenceNumber, entryId: entryId)
            if let record = records.last(where: { !$0.record.isControl }) { return record }
            entryId -= 1
        }
        return nil
    }

    /// The first user record with txid >= `txid` in entries `0...last`: a binary search over
    /// entries by their last record's txid (txids never decrease along a segment; a control
    /// record carries the txid of the record before it), then a forward scan for the first
    /// user record. Nil when every record's txid is below `txid`.
    static func firstRecord(atOrAfter txid: Int64, in segment: SegmentMetadata, reader: LedgerReader, last: Int64)
        async throws -> PositionedRecord?
    {
        func records(_ entryId: Int64) async throws -> [PositionedRecord] {
            let entry = try await reader.read(entryId)
            return try RecordSet.positioned(entry: entry.payload, segment: segment.sequenceNumber, entryId: entryId)
        }
        // Invariant: every entry below `low` holds only txids < txid; `high` is a candidate.
        var (low, high) = (Int64(0), last + 1)
        while low < high {
            let middle = low + (high - low) / 2
            let found = try await records(middle)
            if let lastTxId = found.last?.record.txid, lastTxId >= txid {
                high = middle
            } else {
                low = middle + 1
            }
        }
        var entryId = low
        while entryId <= last {
            if let record = try await records(entryId).first(where: { !$0.record.isControl && $0.record.txid >= txid }) {
                return record
            }
            entryId += 1
        }
        return nil
    }
}
