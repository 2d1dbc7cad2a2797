/// A light reading of how far a log has got, for dashboards: records and bytes so far, the
/// last DLSN, the writer, and the in-progress segment's ledger ensemble. Completed segments
/// come from metadata; the in-progress one costs a LAC query and one entry read.
public struct LogProgress: Sendable, Equatable {
    public var log: String
    public var records: Int64
    public var bytes: Int64
    public var lastDLSN: DLSN?
    public var segments: Int
    public var writer: String?
    public var subscribers: Int
    /// Bookies of the in-progress segment's current ensemble (empty when none is in progress).
    public var ensemble: [String]
    /// Ensembles of the in-progress segment's ledger so far (more than one: an ensemble change).
    public var ensembleChanges: Int
    /// Records the furthest-behind subscriber has still to read (nil: no subscriber, or not known).
    public var subscriberLag: Int64? = nil

    public static func sample(_ name: LogName, store: any MetadataStore, connections: BookieConnections) async throws
        -> LogProgress
    {
        let segments = try await LogCatalog(store: store).segments(name).map(\.metadata)
        let subscribers = try await LogSubscriptions(store: store).all(name).map(\.committed)
        var progress = LogProgress(log: name.description, records: 0, bytes: 0, lastDLSN: nil, segments: segments.count,
                                   writer: try await LogLock.holder(of: name, store: store),
                                   subscribers: subscribers.count, ensemble: [], ensembleChanges: 0)
        for segment in segments {
            if segment.state == .completed {
                progress.records = segment.startSequenceId + segment.recordCount
                progress.bytes += segment.length
                progress.lastDLSN = segment.lastDLSN ?? progress.lastDLSN
                continue
            }
            progress.records = segment.startSequenceId
            let reader = try await LedgerReader.open(store: store, connections: connections, ledgerId: segment.ledgerId)
            progress.ensemble = reader.metadata.ensembles.last?.bookies ?? []
            progress.ensembleChanges = max(0, reader.metadata.ensembles.count - 1)
            let lac = await reader.lastAddConfirmed()
            guard lac >= 0 else { continue }
            let entry = try await reader.read(lac)
            progress.bytes += entry.length
            if let record = try await SegmentScan.lastRecord(of: segment, reader: reader, through: lac) {
                progress.records = segment.startSequenceId + Int64(record.record.positionWithinSegment) + 1
                progress.lastDLSN = record.dlsn
            }
        }
        progress.subscriberLag = await subscriberLag(subscribers, segments: segments, records: progress.records, store: store,
                                                     connections: connections)
        return progress
    }

    /// How many records the furthest-behind subscriber has still to read: its committed DLSN's
    /// place in the log (its segment's first record index plus its position) against the total.
    static func subscriberLag(_ committedPositions: [DLSN], segments: [SegmentMetadata], records: Int64,
                              store: any MetadataStore, connections: BookieConnections) async -> Int64? {
        var lag: Int64?
        for committed in committedPositions {
            guard let segment = segments.first(where: { $0.sequenceNumber == committed.segmentSequenceNumber }),
                  let reader = try? await LedgerReader.open(store: store, connections: connections, ledgerId: segment.ledgerId),
                  let record = try? await SegmentScan.firstRecord(atOrAfter: committed, in: segment, reader: reader) else { continue }
            let read = segment.startSequenceId + Int64(record.record.positionWithinSegment) + 1
            lag = max(lag ?? 0, max(0, records - read))
        }
        return lag
    }
}
