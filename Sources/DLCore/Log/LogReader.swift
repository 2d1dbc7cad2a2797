import Foundation

/// Reads a log in DLSN order across its segments: completed segments to their end, the
/// in-progress one up to its LAC (never an unacknowledged record), following rolls and, with
/// `follow`, waiting for new records by long-polling the LAC (and watching for new segments).
/// Control records are skipped; the end-of-stream record ends the read. Truncated segments are
/// skipped from the beginning; opening inside the truncated range is an error.
public final class LogReader: @unchecked Sendable {
    public enum Start: Sendable, Equatable {
        case beginning
        case end
        case dlsn(DLSN)
        /// Just after this position (a subscriber's committed DLSN).
        case after(DLSN)
        /// The first record with txid >= this.
        case txid(Int64)
    }

    public let name: LogName
    private let store: any MetadataStore
    private let connections: BookieConnections
    private let follow: Bool
    private var position: DLSN
    /// Records at or before this are not returned (reading after a committed position).
    private var skipThrough: DLSN?
    /// Records read ahead; `pendingIndex` is the next to return (no O(n) removal per record).
    private var pending: [PositionedRecord] = []
    private var pendingIndex = 0
    private var finished = false
    /// The segment being read and its ledger reader (reopened when the segment completes).
    private var current: (segment: SegmentMetadata, reader: LedgerReader, lac: Int64)?
    /// The entry at `position` of the current segment, when the long poll that found it brought
    /// it along: the next read takes it from here.
    private var prefetched: StoredEntry?
    /// The longest one wait for new records lasts before the segments are checked again.
    private let waitInterval: Duration
    /// The last record returned, for messages.
    private var lastReturned: DLSN?
    /// Entries read per batch.
    private let batchEntries: Int64 = 64

    public init(_ name: LogName, store: any MetadataStore, connections: BookieConnections, from start: Start,
                follow: Bool, waitInterval: Duration = .seconds(1)) async throws {
        self.name = name
        self.store = store
        self.connections = connections
        self.follow = follow
        self.waitInterval = waitInterval
        let segments = try await LogCatalog(store: store).segments(name).map(\.metadata)
        let firstAvailable = Self.firstAvailable(segments)
        switch start {
        case .beginning:
            position = firstAvailable
        case let .dlsn(dlsn):
            guard dlsn >= firstAvailable else {
                throw LogError.positionTruncated(log: name.description, position: dlsn, firstAvailable: firstAvailable)
            }
            var lastEntryId: Int64?
            if let named = segments.first(where: { $0.sequenceNumber == dlsn.segmentSequenceNumber }), named.state == .completed {
                lastEntryId = try await LedgerReader.open(store: store, connections: connections, ledgerId: named.ledgerId)
                    .metadata.lastEntryId
            }
            let placement = StartPositionRules.place(dlsn, in: segments, lastEntryId: lastEntryId)
            switch placement {
            case .within: break
            case .sealedEnd: finished = true
            case .pastSegment, .pastLog: throw LogError.positionPastEnd(log: name.description, position: dlsn, placement: placement)
            }
            position = dlsn
        case let .after(dlsn):
            guard dlsn >= firstAvailable || dlsn.next == firstAvailable else {
                throw LogError.positionTruncated(log: name.description, position: dlsn, firstAvailable: firstAvailable)
            }
            position = dlsn
            skipThrough = dlsn
        case .end:
            position = try await Self.endPosition(segments, store: store, connections: connections)
        case let .txid(txid):
            position = try await Self.position(ofTxId: txid, segments, firstAvailable: firstAvailable, store: store,
                                               connections: connections)
        }
        startPosition = position
        // At the end of a sealed log: nothing will ever follow, so the read (even a follower's) ends.
        if let last = segments.last, last.endsStream, position >= DLSN(last.sequenceNumber + 1, 0, 0) { finished = true }
    }

    /// The DLSN of the first record with txid >= `txid` (the end of the log when none is).
    public static func locate(txid: Int64, in name: LogName, store: any MetadataStore, connections: BookieConnections)
        async throws -> DLSN
    {
        let segments = try await LogCatalog(store: store).segments(name).map(\.metadata)
        return try await position(ofTxId: txid, segments, firstAvailable: firstAvailable(segments), store: store,
                                  connections: connections)
    }

    /// The first readable position: the first segment not wholly truncated, from its min
    /// active DLSN when partially truncated.
    static func firstAvailable(_ segments: [SegmentMetadata]) -> DLSN {
        guard let first = segments.first(where: { $0.truncation != .truncated }) else {
            return DLSN((segments.last?.sequenceNumber ?? 0) + 1, 0, 0)
        }
        return first.truncation == .partiallyTruncated ? (first.minActiveDLSN ?? DLSN(first.sequenceNumber, 0, 0))
            : DLSN(first.sequenceNumber, 0, 0)
    }

    /// Just after the last readable record.
    static func endPosition(_ segments: [SegmentMetadata], store: any MetadataStore, connections: BookieConnections)
        async throws -> DLSN
    {
        guard let last = segments.last else { return DLSN.initial }
        if last.state == .completed { return DLSN(last.sequenceNumber + 1, 0, 0) }
        let reader = try await LedgerReader.open(store: store, connections: connections, ledgerId: last.ledgerId)
        return DLSN(last.sequenceNumber, await reader.lastAddConfirmed() + 1, 0)
    }

    /// The DLSN of the first record with txid >= `txid`: the segment by its txid range, then
    /// a binary search over its entries. The end of the log when there is none yet.
    static func position(ofTxId txid: Int64, _ segments: [SegmentMetadata], firstAvailable: DLSN,
                         store: any MetadataStore, connections: BookieConnections) async throws -> DLSN {
        for segment in segments where segment.truncation != .truncated {
            if segment.state == .completed && (segment.recordCount == 0 || segment.lastTxId < txid) { continue }
            let reader = try await LedgerReader.open(store: store, connections: connections, ledgerId: segment.ledgerId)
            let last = segment.state == .completed ? reader.metadata.lastEntryId : await reader.lastAddConfirmed()
            if let record = try await SegmentScan.firstRecord(atOrAfter: txid, in: segment, reader: reader, last: last) {
                return max(record.dlsn, firstAvailable)
            }
            if segment.state == .inProgress { return DLSN(segment.sequenceNumber, last + 1, 0) }
        }
        return try await endPosition(segments, store: store, connections: connections)
    }

    /// Where the read started, as a position (`.end` and `.txid` resolved): a follower that
    /// started at the end and moves before its first record resumes here.
    public private(set) var startPosition = DLSN.initial

    /// True when the next `next()` returns at once (records already read ahead).
    public var hasBufferedRecords: Bool { pendingIndex < pending.count }

    /// The next record, or nil at the end (without `follow`) or at the end of stream.
    public func next() async throws -> PositionedRecord? {
        do { return try await nextRecord() } catch {
            switch error {
            case LogError.noSuchLog, MetadataError.noNode:
                // Something it read is gone: the log itself, or (purged) only a part of it.
                if try await !LogCatalog(store: store).exists(name) {
                    throw LogError.deletedWhileReading(log: name.description, readThrough: lastReturned)
                }
                throw error
            default: throw error
            }
        }
    }

    private func nextRecord() async throws -> PositionedRecord? {
        while pendingIndex >= pending.count {
            pending.removeAll(keepingCapacity: true)
            pendingIndex = 0
            if finished { return nil }
            if try await !fill() {
                // Past the end-of-stream entry (a reader that started just after it, while the
                // sealing segment was still completing): nothing can ever follow.
                if let (segment, _, last) = current, segment.endsStream,
                   position.segmentSequenceNumber > segment.sequenceNumber
                   || (position.segmentSequenceNumber == segment.sequenceNumber && position.entryId > last) {
                    finished = true
                    return nil
                }
                if !follow {
                    if try await checkEnd() { continue }
                    return nil
                }
                try await waitForMore()
            }
        }
        let record = pending[pendingIndex]
        pendingIndex += 1
        lastReturned = record.dlsn
        if record.record.isEndOfStream {
            finished = true
            pending.removeAll()
            pendingIndex = 0
            return nil
        }
        return record
    }

    /// Before a read that does not follow ends: nothing that may have been acknowledged lies
    /// past the readable end (LogEndRules), or the read fails saying what is wrong. True when
    /// a live writer's LAC moved on meanwhile: there is more to read.
    private func checkEnd() async throws -> Bool {
        guard let (segment, reader, last) = current, position.segmentSequenceNumber == segment.sequenceNumber else { return false }
        let ledger = reader.metadata
        switch segment.state {
        case .inProgress:
            // Past the LAC: control records (a writer's idle marker) hide nothing; settled at the
            // first entry known missing.
            var next = last + 1
            while true {
                let (replies, entry) = await reader.probe(next)
                if LogEndRules.inProgressWithoutWriter(next: replies, writeQuorum: ledger.writeQuorum,
                                                       ackQuorum: ledger.ackQuorum) == .settled {
                    // Left in progress below a newer segment (its writer died mid-roll, before
                    // completing it): nothing more is in it, and the read goes on with the next.
                    let segments = try await LogCatalog(store: store).segments(name).map(\.metadata)
                    guard let later = segments.first(where: { $0.sequenceNumber > segment.sequenceNumber }) else { return false }
                    position = DLSN(later.sequenceNumber, 0, 0)
                    return true
                }
                guard let entry, let records = try? RecordSet.positioned(entry: entry.payload, segment: segment.sequenceNumber,
                                                                         entryId: next),
                      records.allSatisfy({ $0.record.isControl && !$0.record.isEndOfStream }) else { break }
                next += 1
            }
            // A data entry past the LAC: a live writer covers it with its next add or control record.
            let writer = try await LogLock.holder(of: name, store: store)
            if writer != nil {
                // The long poll asks one bookie; a bookie the writer left out lags: ask all too.
                let lac = max(await reader.waitForLastAddConfirmed(after: last, wait: .seconds(1)).lac, await reader.lastAddConfirmed())
                if lac > last {
                    current = (segment, reader, lac)
                    return true
                }
            }
            throw LogError.unrecoveredSegment(log: name.description, segment: segment.sequenceNumber,
                                              readableThrough: lastReturned, writer: writer)
        case .completed:
            guard ledger.state == .closed else { return false }
            let (replies, _) = await reader.probe(ledger.lastEntryId + 1)
            if LogEndRules.closed(next: replies, ackQuorum: ledger.ackQuorum) == .contradicted {
                throw LogError.metadataBehindBookies(log: name.description, segment: segment.sequenceNumber,
                                                     ledgerId: reader.ledgerId, lastEntryId: ledger.lastEntryId)
            }
            return false
        }
    }

    /// The segment holding `position` (moving `position` to the next segment's start when
    /// it is past a completed one), with a reader and its readable end. Metadata is read
    /// again only when what is known does not cover `position`.
    private func segmentAtPosition() async throws -> (segment: SegmentMetadata, reader: LedgerReader, last: Int64)? {
        if let current, current.segment.sequenceNumber == position.segmentSequenceNumber, position.entryId <= current.lac {
            return (current.segment, current.reader, current.lac)
        }
        let segments = try await LogCatalog(store: store).segments(name).map(\.metadata)
        var index = segments.firstIndex { $0.sequenceNumber >= position.segmentSequenceNumber }
        while let at = index {
            let segment = segments[at]
            if segment.sequenceNumber > position.segmentSequenceNumber { position = DLSN(segment.sequenceNumber, 0, 0) }
            let reader: LedgerReader
            if let current, current.segment.sequenceNumber == segment.sequenceNumber, current.segment.state == segment.state {
                reader = current.reader
            } else {
                reader = try await LedgerReader.open(store: store, connections: connections, ledgerId: segment.ledgerId)
            }
            let last = segment.state == .completed ? reader.metadata.lastEntryId : await reader.lastAddConfirmed()
            current = (segment, reader, last)
            if position.entryId <= last || segment.state == .inProgress || at + 1 == segments.count {
                return (segment, reader, last)
            }
            index = at + 1
        }
        return nil
    }

    /// Reads the next batch of entries at `position`; false when nothing new is readable now.
    private func fill() async throws -> Bool {
        guard let (segment, reader, last) = try await segmentAtPosition(), position.entryId <= last else { return false }
        let through = min(last, position.entryId + batchEntries - 1)
        let head = prefetched.flatMap { $0.ledgerId == reader.ledgerId && $0.entryId == position.entryId ? [$0] : nil } ?? []
        prefetched = nil
        for entry in try await head + reader.read(from: position.entryId + Int64(head.count), through: through) {
            let records = try RecordSet.positioned(entry: entry.payload, segment: segment.sequenceNumber, entryId: entry.entryId)
            for record in records where record.dlsn >= position && (!record.record.isControl || record.record.isEndOfStream) {
                if let skipThrough, record.dlsn <= skipThrough { continue }
                pending.append(record)
            }
        }
        position = DLSN(segment.sequenceNumber, through + 1, 0)
        return true
    }

    /// Waits until the in-progress segment's LAC moves past `position`, the segments change
    /// (a roll, a new segment), or `waitInterval` passes.
    private func waitForMore() async throws {
        let segmentsChanged = try await store.watchChildren(name.segmentsPath)
        let inProgress = current.flatMap { $0.segment.state == .inProgress && $0.segment.sequenceNumber == position.segmentSequenceNumber ? $0 : nil }
        let (wait, previous) = (waitInterval, position.entryId - 1)
        // The first of the three to finish ends the wait; the others are cancelled (a long
        // poll in flight just times out on its own).
        let waiters = Locked<[Task<Void, Never>]>([])
        let advanced = Locked<(lac: Int64, next: StoredEntry?)?>(nil)
        // Cancelling the reader's task (Ctrl-C in the shell) ends the wait at once too.
        let gate = Locked<(continuation: CheckedContinuation<Void, Never>?, done: Bool)>((nil, false))
        let finish: @Sendable () -> Void = {
            let continuation = gate.withLock { state -> CheckedContinuation<Void, Never>? in
                defer { state = (nil, true) }
                return state.done ? nil : state.continuation
            }
            continuation?.resume()
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let alreadyDone = gate.withLock { state -> Bool in
                    if !state.done { state.continuation = continuation }
                    return state.done
                }
                if alreadyDone { return continuation.resume() }
                var tasks = [
                    Task {
                        var events = segmentsChanged.makeAsyncIterator()
                        _ = await events.next()
                        finish()
                    },
                    Task {
                        try? await Task.sleep(for: wait)
                        finish()
                    },
                ]
                if let inProgress {
                    tasks.append(Task {
                        let answer = await inProgress.reader.waitForLastAddConfirmed(after: previous, wait: wait)
                        if answer.lac > previous { advanced.withLock { $0 = answer } }
                        finish()
                    })
                }
                waiters.withLock { $0 = tasks }
            }
        } onCancel: {
            finish()
        }
        waiters.withLock { $0 }.forEach { $0.cancel() }
        // A LAC from the long poll lets the next read go ahead without asking again.
        if let answer = advanced.withLock({ $0 }), let known = current, known.segment.sequenceNumber == inProgress?.segment.sequenceNumber {
            current = (known.segment, known.reader, max(known.lac, answer.lac))
            prefetched = answer.next
        }
        try Task.checkCancellation()
    }
}
