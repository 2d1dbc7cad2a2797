/// What a new owner of a log learns from the log itself to keep exactly-once appends across a
/// failover (DESIGN.md section 10): the client writes (session, sequence) recorded in the last
/// entries of the log's last segments, each with its records' DLSNs. A client retries only its
/// last few writes, so the tail of the log is enough: the segments the previous owner left in
/// progress, or else the last completed one, and at most `entries` entries of each, read in
/// chunks.
public enum WriteHistory {
    public static func recentWrites(of segments: [SegmentMetadata], store: any MetadataStore, connections: BookieConnections,
                                    entries: Int64 = 4096) async throws -> [(origin: WriteOrigin, dlsns: [DLSN])]
    {
        var writes: [(origin: WriteOrigin, dlsns: [DLSN])] = []
        for segment in segments {
            let reader = try await LedgerReader.open(store: store, connections: connections, ledgerId: segment.ledgerId)
            let last = reader.metadata.state == .closed ? reader.metadata.lastEntryId : await reader.lastAddConfirmed()
            var next = max(0, last - entries + 1)
            while next <= last {
                let through = min(last, next + 63)
                for entry in try await reader.read(from: next, through: through) {
                    let set = try RecordSet(decoding: entry.payload)
                    for item in set.origins {
                        let slots = Int64(item.firstSlot)..<Int64(item.firstSlot + item.count)
                        writes.append((item.origin, slots.map { DLSN(segment.sequenceNumber, entry.entryId, $0) }))
                    }
                }
                next = through + 1
            }
        }
        return writes
    }

    /// The segments to learn from, given every segment of the log and those the writer's
    /// recovery completed.
    public static func segmentsToLearnFrom(all: [SegmentMetadata], recovered: [SegmentMetadata]) -> [SegmentMetadata] {
        if !recovered.isEmpty { return recovered }
        return all.last(where: { $0.recordCount > 0 || $0.lastDLSN != nil }).map { [$0] } ?? []
    }
}
