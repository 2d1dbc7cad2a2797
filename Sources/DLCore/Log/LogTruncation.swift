import Foundation

/// Truncation and purging of a log's old segments (DistributedLog's truncate and retention).
public struct LogTruncation: Sendable {
    public let store: any MetadataStore
    public init(store: any MetadataStore) { self.store = store }

    /// Marks everything before `dlsn` truncated: completed segments wholly below it TRUNCATED,
    /// the completed one holding it PARTIALLY_TRUNCATED from `dlsn`. Only forward (a smaller
    /// position changes nothing) and never the in-progress segment. Returns the segments changed.
    @discardableResult
    public func truncate(_ name: LogName, before dlsn: DLSN) async throws -> [SegmentMetadata] {
        for _ in 0..<10 {
            var ops: [MetadataOp] = []
            var changed: [SegmentMetadata] = []
            for (segment, version) in try await LogCatalog(store: store).segments(name) where segment.state == .completed {
                guard let updated = LogTruncationRules.apply(segment, before: dlsn) else { continue }
                ops.append(.set(name.segmentPath(segment.sequenceNumber), data: updated.encoded(), expectedVersion: version))
                changed.append(updated)
            }
            if ops.isEmpty { return [] }
            if try await store.multiUnlessRaced(ops) { return changed }
        }
        throw LogError.segmentFailed(log: name.description, segment: dlsn.segmentSequenceNumber,
                                     cause: "segment metadata kept changing during truncation")
    }

    /// What `purge` removed.
    public struct Purged: Sendable, Encodable {
        public var segments: [Int64] = []
        public var ledgers: [Int64] = []
    }

    /// Deletes the oldest segments that are truncated or, with `retention`, completed longer
    /// ago than it, with their ledgers. Always keeps the last completed segment and never
    /// touches the in-progress one; only a prefix of the log goes.
    @discardableResult
    public func purge(_ name: LogName, olderThan retention: Duration? = nil, now: Date = Date()) async throws -> Purged {
        let segments = try await LogCatalog(store: store).segments(name)
        let lastCompleted = segments.last { $0.metadata.state == .completed }?.metadata.sequenceNumber
        let cutoff = retention.map { Int64(now.timeIntervalSince1970 * 1000) - $0.milliseconds }
        var doomed: [(SegmentMetadata, Int64)] = []
        for (segment, version) in segments {
            guard segment.state == .completed, segment.sequenceNumber != lastCompleted else { break }
            let expired = cutoff.map { (segment.completedAtMillis ?? .max) < $0 } ?? false
            guard segment.truncation == .truncated || expired else { break }
            doomed.append((segment, version))
        }
        if doomed.isEmpty { return Purged() }
        let ops: [MetadataOp] = doomed.map { .delete(name.segmentPath($0.0.sequenceNumber), expectedVersion: $0.1) }
        guard try await store.multiUnlessRaced(ops) else {
            throw LogError.segmentFailed(log: name.description, segment: doomed[0].0.sequenceNumber,
                                         cause: "segment metadata changed during the purge; run it again")
        }
        var purged = Purged()
        for (segment, _) in doomed {
            purged.segments.append(segment.sequenceNumber)
            try? await store.delete(ClusterLayout.ledgerPath(segment.ledgerId), expectedVersion: nil)
            purged.ledgers.append(segment.ledgerId)
        }
        return purged
    }
}

extension MetadataStore {
    /// Runs `ops`; false when a version check failed or a node was missing (someone raced us).
    func multiUnlessRaced(_ ops: [MetadataOp]) async throws -> Bool {
        let failure: MetadataError?
        do { _ = try await multi(ops); failure = nil } catch { failure = error }
        switch failure {
        case nil: return true
        case .badVersion?, .noNode?: return false
        case let other?: throw other
        }
    }
}
