import Foundation

/// Reads a log in DLSN order across its segments: completed segments to their end, the
/// in-progress one up to its LAC (never an unacknowledged record), following rolls and, with
/// `follow`, waiting for new records. Control records are skipped; the end-of-stream record
/// ends the read.
public final class LogReader: @unchecked Sendable {
    public enum Start: Sendable, Equatable {
        case beginning
        case end
        case dlsn(DLSN)
    }

    public let name: LogName
    private let store: any MetadataStore
    private let connections: BookieConnections
    private let follow: Bool
    private var position: DLSN
    /// Records read ahead; `pendingIndex` is the next to return (no O(n) removal per record).
    private var pending: [PositionedRecord] = []
    private var pendingIndex = 0
    private var finished = false
    /// How long one wait for new records lasts before re-checking the segments.
    private let pollInterval: Duration

    public init(_ name: LogName, store: any MetadataStore, connections: BookieConnections, from start: Start,
                follow: Bool, pollInterval: Duration = .milliseconds(200)) async throws {
        self.name = name
        self.store = store
        self.connections = connections
        self.follow = follow
        self.pollInterval = pollInterval
        let segments = try await LogCatalog(store: store).segments(name)
        switch start {
        case .beginning:
            position = DLSN(segments.first?.metadata.sequenceNumber ?? 1, 0, 0)
        case let .dlsn(dlsn):
            position = dlsn
        case .end:
            if let last = segments.last?.metadata {
                if last.state == .completed {
                    position = last.startOfNextSegmentDLSN
                } else {
                    let reader = try await LedgerReader.open(store: store, connections: connections, ledgerId: last.ledgerId)
                    position = DLSN(last.sequenceNumber, await reader.lastAddConfirmed() + 1, 0)
                }
            } else {
                position = DLSN.initial
            }
        }
    }

    /// True when the next `next()` returns at once (records already read ahead).
    public var hasBufferedRecords: Bool { pendingIndex < pending.count }

    /// The next record, or nil at the end (without `follow`) or at the end of stream.
    public func next() async throws -> PositionedRecord? {
        while pendingIndex >= pending.count {
            pending.removeAll(keepingCapacity: true)
            pendingIndex = 0
            if finished { return nil }
            if try await !fill() {
                if !follow { return nil }
                try await Task.sleep(for: pollInterval)
            }
        }
        let record = pending[pendingIndex]
        pendingIndex += 1
        if record.record.isEndOfStream {
            finished = true
            pending.removeAll()
            pendingIndex = 0
            return nil
        }
        return record
    }

    /// Reads the next batch of entries at `position`; false when nothing new is readable now.
    private func fill() async throws -> Bool {
        let segments = try await LogCatalog(store: store).segments(name)
        guard let index = segments.firstIndex(where: { $0.metadata.sequenceNumber >= position.segmentSequenceNumber }) else {
            return false
        }
        let segment = segments[index].metadata
        if segment.sequenceNumber > position.segmentSequenceNumber {
            position = DLSN(segment.sequenceNumber, 0, 0)
        }
        let reader = try await LedgerReader.open(store: store, connections: connections, ledgerId: segment.ledgerId)
        let last: Int64 = segment.state == .completed ? reader.metadata.lastEntryId : await reader.lastAddConfirmed()
        if position.entryId > last {
            // Past the end of this segment: go on once it is completed and a later one exists.
            if segment.state == .completed && index + 1 < segments.count {
                position = DLSN(segments[index + 1].metadata.sequenceNumber, 0, 0)
                return try await fill()
            }
            return false
        }
        let through = min(last, position.entryId + 63)
        for entry in try await reader.read(from: position.entryId, through: through) {
            let records = try RecordSet.positioned(entry: entry.payload, segment: segment.sequenceNumber, entryId: entry.entryId)
            for record in records where record.dlsn >= position && (!record.record.isControl || record.record.isEndOfStream) {
                pending.append(record)
            }
        }
        position = DLSN(segment.sequenceNumber, through + 1, 0)
        return true
    }
}

extension SegmentMetadata {
    /// The first position after this segment.
    var startOfNextSegmentDLSN: DLSN { DLSN(sequenceNumber + 1, 0, 0) }
}
