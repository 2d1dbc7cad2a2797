/// How truncating before a DLSN changes one completed segment (DistributedLog's rules).
public enum LogTruncationRules {
    /// `segment` after truncating before `dlsn`, or nil when that changes nothing: TRUNCATED
    /// when every record of it is below `dlsn`, PARTIALLY_TRUNCATED from `dlsn` when `dlsn`
    /// falls inside it; never backwards.
    public static func apply(_ segment: SegmentMetadata, before dlsn: DLSN) -> SegmentMetadata? {
        if segment.truncation == .truncated { return nil }
        var copy = segment
        let wholeSegmentBelow = segment.sequenceNumber < dlsn.segmentSequenceNumber
            || (segment.sequenceNumber == dlsn.segmentSequenceNumber && (segment.lastDLSN.map { $0 < dlsn } ?? true))
        if wholeSegmentBelow {
            copy.truncation = .truncated
            copy.minActiveDLSN = nil
            return copy
        }
        guard segment.sequenceNumber == dlsn.segmentSequenceNumber, dlsn > DLSN(segment.sequenceNumber, 0, 0) else { return nil }
        if let current = segment.minActiveDLSN, current >= dlsn { return nil }
        copy.truncation = .partiallyTruncated
        copy.minActiveDLSN = dlsn
        return copy
    }
}
