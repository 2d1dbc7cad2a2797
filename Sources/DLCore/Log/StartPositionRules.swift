/// Where a reader asked to start at a DLSN stands in a log, without I/O (DESIGN.md section 2):
/// inside it, at the end of a sealed log (the read ends at once), or past an end (refused:
/// a position past a completed segment's last entry, or past the segment a writer could
/// start next, can never hold a record).
public enum StartPositionRules {
    public enum Placement: Sendable, Equatable {
        case within
        /// At the end of a sealed log: nothing will ever follow.
        case sealedEnd
        /// Past completed segment `segment`, whose last entry is `lastEntryId` and last record `lastRecord`.
        case pastSegment(segment: Int64, lastEntryId: Int64, lastRecord: DLSN?)
        /// Past the segment that would follow the log's last one, `lastSegment`.
        case pastLog(lastSegment: Int64, sealed: Bool)
    }

    /// `segments` in order; `lastEntryId` is the ledger's last entry of the completed segment
    /// `position` names (nil when that segment is in progress or not there).
    public static func place(_ position: DLSN, in segments: [SegmentMetadata], lastEntryId: Int64?) -> Placement {
        guard let last = segments.last else {
            return position <= DLSN.initial ? .within : .pastLog(lastSegment: 0, sealed: false)
        }
        let next = DLSN(last.sequenceNumber + 1, 0, 0)
        if position.segmentSequenceNumber > last.sequenceNumber {
            if position == next { return last.endsStream ? .sealedEnd : .within }
            return .pastLog(lastSegment: last.sequenceNumber, sealed: last.endsStream)
        }
        guard let segment = segments.first(where: { $0.sequenceNumber == position.segmentSequenceNumber }),
              segment.state == .completed, let lastEntryId else { return .within }
        // Just after the last entry is the next segment's start; anything later holds nothing.
        let atEnd = position.entryId == lastEntryId + 1 && position.slotId == 0
        if position.entryId > lastEntryId && !atEnd {
            return .pastSegment(segment: segment.sequenceNumber, lastEntryId: lastEntryId, lastRecord: segment.lastDLSN)
        }
        if segment.sequenceNumber == last.sequenceNumber && last.endsStream {
            // The end-of-stream record is the last entry: reading it ends the read; past it is the end.
            return atEnd ? .sealedEnd : .within
        }
        return .within
    }
}
