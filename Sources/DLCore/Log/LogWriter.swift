import Foundation
import Logging

/// The single writer of a log (DistributedLog semantics, DESIGN.md section 7).
///
/// Opening takes the log's lock (see `LogLock`), then recovers every in-progress segment a
/// previous writer left (fencing its ledger, so that writer can never append again) and starts
/// a new segment on a new ledger. Records are batched into record-set entries (up to
/// `bufferBytes`, or `flushInterval` after the first record); each write resolves to its DLSN
/// once its entry is acknowledged. When the writer goes idle it adds a control record, so the
/// LAC covers the last data entry and tailing readers see it promptly. Segments roll by size
/// and by age: a new segment is opened first, and if that fails the writer keeps appending to
/// the old one and tries again later.
public actor LogWriter {
    public struct Options: Sendable {
        public var ensembleSize = 3
        public var writeQuorum = 3
        public var ackQuorum = 2
        public var bufferBytes = 256 * 1024
        public var flushInterval: Duration = .milliseconds(2)
        /// How long to wait for another writer's lock to go away (0: fail at once).
        public var lockTimeout: Duration = .zero
        public var codec: CompressionCodec = .none
        /// Roll to a new segment once this many bytes were sent to the current one (0: never).
        public var rollBytes: Int64 = 1 << 30
        /// Roll to a new segment once the current one is this old (nil: never).
        public var rollInterval: Duration? = .seconds(2 * 3600)
        /// Bytes of records written and not yet acknowledged before `enqueue` waits: the most
        /// the window (`adaptiveWindow`) grows to.
        public var maxOutstandingBytes = 16 << 20
        /// Bound the bytes outstanding by twice the measured bandwidth-delay product to the
        /// bookies (`WriteWindow`) rather than by `maxOutstandingBytes` alone: a writer at its
        /// peak then waits milliseconds for an acknowledgement, not the time 16 MiB takes.
        /// Off by default until measured against the fixed window (`bench write --adaptive-window`).
        public var adaptiveWindow = false
        /// Send buffered records at once when no entry is in flight (rather than after
        /// `flushInterval`): an idle writer's record goes straight out; a busy writer's records
        /// gather while its entries are in flight, and go when one is acknowledged. Off by
        /// default, with `adaptiveWindow`.
        public var flushWhenIdle = false
        /// How long the writer must be idle after an acknowledgement before it adds a control
        /// record (which makes the last entry readable): short, so tailing readers see a
        /// lone record at once; under steady load no control record is needed.
        public var idleControlDelay: Duration = .zero
        /// Who the lock names as holder (nil: this process, as "writer, pid ..."). A write proxy
        /// names itself by its routable address (`LogLock.proxyOwner`), so others redirect to it.
        public var lockOwner: String?
        public init() {}
    }

    public let name: LogName
    private let store: any MetadataStore
    private let connections: BookieConnections
    private let options: Options
    private let lockNode: String
    private var current: OpenSegment
    private var currentBytes: Int64 = 0
    private var currentOpenedAt = ContinuousClock.now
    private var rolling = false
    private var rollWaiters: [CheckedContinuation<Void, Never>] = []
    private var nextRollAttempt = ContinuousClock.now
    private static let logger = Logger(label: "dlctl.writer")

    public typealias Completion = @Sendable (Result<DLSN, any Error>) -> Void
    public typealias AcknowledgedRecords = @Sendable ([PositionedRecord]) -> Void
    /// Told of every acknowledged entry's records (control records too), in DLSN order, as
    /// soon as the entry is acknowledged: a proxy pushes them to its followers from there.
    private let acknowledgedObserver = CallbackSlot<[PositionedRecord]>()

    public nonisolated func observeAcknowledged(_ observer: AcknowledgedRecords?) {
        acknowledgedObserver.set(observer)
    }
    public typealias WriteCompletion = @Sendable (Result<[DLSN], any Error>) -> Void

    /// A record waiting for its entry. `group` is the number of records of the write that
    /// starts here (1 for a lone record, 0 inside a write): a write goes into one entry whole.
    private typealias Buffered = (record: LogRecord, completion: Acknowledgement, group: Int, origin: WriteOrigin?)

    /// Who hears of a buffered record's outcome: its own caller, or (on a write's first record)
    /// the write's caller, once for all its records.
    private enum Acknowledgement {
        case record(Completion)
        case write(WriteCompletion)
        case inWrite

        func fail(_ error: any Error) {
            switch self {
            case let .record(completion): completion(.failure(error))
            case let .write(completion): completion(.failure(error))
            case .inWrite: break
            }
        }
    }
    private var buffered: [Buffered] = []
    private var bufferedBytes = 0
    private var outstandingBytes = 0
    /// Callers waiting for room in the window, first come first served.
    private var admission = AdmissionQueue()
    private var admissionWaiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    /// Entries sent and not yet acknowledged (or failed).
    private var entriesInFlight = 0
    private var window: WriteWindow
    /// The bytes that may be outstanding before `enqueue` waits.
    private var outstandingLimit: Int { options.adaptiveWindow ? window.limit : options.maxOutstandingBytes }
    private var flushScheduled = false
    private var nextPosition: UInt32 = 0
    private var lastTxId: Int64
    private var closed = false
    private var sealed = false
    private var idleMarker = 0
    /// Whether the current segment's last entry sent holds records the bookies' LAC does not
    /// cover yet (no control record followed it).
    private var lastEntryIsData = false
    private var lastDLSN: DLSN?
    /// The first failure of any segment: every later write fails with it.
    private let failure = Locked<LogError?>(nil)
    /// The segments a previous writer left in progress, as this writer's recovery completed them.
    public nonisolated let recoveredSegments: [SegmentMetadata]

    /// Opens the writer of `name`: lock, recovery of earlier in-progress segments, new segment.
    public static func open(_ name: LogName, store: any MetadataStore, connections: BookieConnections,
                            options: Options = .init()) async throws -> LogWriter {
        let catalog = LogCatalog(store: store)
        guard try await catalog.exists(name) else { throw LogError.noSuchLog(name.description) }
        let lockNode = try await LogLock.acquire(name, store: store, timeout: options.lockTimeout, owner: options.lockOwner)
        do {
            // Every segment, with those a previous writer left in progress completed by recovery.
            var segments: [SegmentMetadata] = []
            var recovered: [SegmentMetadata] = []
            for (segment, version) in try await catalog.segments(name) {
                if segment.state == .completed {
                    segments.append(segment)
                } else {
                    let completed = try await SegmentRecovery.complete(segment, version: version, log: name, store: store,
                                                                       connections: connections)
                    segments.append(completed)
                    recovered.append(completed)
                }
            }
            let maxTxId = try await catalog.maxTxId(name)
            if maxTxId == TxId.endOfStream || segments.last?.endsStream == true { throw LogError.endOfStream(name.description) }
            let lastTxId = max(maxTxId, segments.map(\.lastTxId).max() ?? TxId.invalid)
            let last = segments.last
            let segment = try await startSegment(name, sequence: (last?.sequenceNumber ?? 0) + 1,
                                                 startSequenceId: (last?.startSequenceId ?? 0) + (last?.recordCount ?? 0),
                                                 lastTxId: lastTxId, store: store, connections: connections, options: options)
            return LogWriter(name: name, store: store, connections: connections, options: options, lockNode: lockNode,
                             segment: segment, lastTxId: lastTxId, recovered: recovered)
        } catch {
            try? await store.delete(lockNode, expectedVersion: nil)
            throw error
        }
    }

    /// Creates the ledger of segment `sequence` and its in-progress metadata.
    private static func startSegment(_ name: LogName, sequence: Int64, startSequenceId: Int64, lastTxId: Int64,
                                     store: any MetadataStore, connections: BookieConnections, options: Options)
        async throws -> OpenSegment
    {
        let ledger = try await LedgerWriter.create(
            store: store, connections: connections, ensembleSize: options.ensembleSize, writeQuorum: options.writeQuorum,
            ackQuorum: options.ackQuorum, customMetadata: ["log": name.description, "segment": "\(sequence)"])
        let metadata = SegmentMetadata(sequenceNumber: sequence, ledgerId: ledger.ledgerId,
                                       firstTxId: max(lastTxId, 0), startSequenceId: startSequenceId,
                                       createdAtMillis: Int64(Date().timeIntervalSince1970 * 1000))
        let created: Bool
        do {
            created = try await store.createUnlessExists(name.segmentPath(sequence), data: metadata.encoded(), mode: .persistent)
        } catch {
            _ = try? await ledger.close()
            throw error
        }
        guard created else {
            _ = try? await ledger.close()
            throw LogError.locked(log: name.description, holder: "a writer that created segment \(sequence) first")
        }
        return OpenSegment(metadata: metadata, ledger: ledger)
    }

    private init(name: LogName, store: any MetadataStore, connections: BookieConnections, options: Options, lockNode: String,
                 segment: OpenSegment, lastTxId: Int64, recovered: [SegmentMetadata]) {
        self.name = name
        self.recoveredSegments = recovered
        self.store = store
        self.connections = connections
        self.options = options
        self.lockNode = lockNode
        self.current = segment
        self.lastTxId = lastTxId
        window = WriteWindow(floor: 2 * options.bufferBytes, ceiling: options.maxOutstandingBytes)
    }

    /// The segment this writer appends to.
    public var segmentSequenceNumber: Int64 { current.sequenceNumber }

    /// The DLSN of the last acknowledged record (nil before the first).
    public var lastAcknowledgedDLSN: DLSN? { lastDLSN }

    /// Writes a record; returns its DLSN once its entry is acknowledged by an ack quorum.
    /// `txid` nil: assigned (one past the highest so far).
    public func write(_ payload: [UInt8], txid: Int64? = nil) async throws -> DLSN {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<DLSN, any Error>, Never>) in
            do {
                try append(payload, txid: txid) { continuation.resume(returning: $0) }
            } catch {
                continuation.resume(returning: .failure(error))
            }
        }
        return try result.get()
    }

    /// Queues a record without waiting for its acknowledgement: records keep the order of the
    /// calls. `completion` gets its DLSN (or the failure). Waits while a full window of bytes
    /// is unacknowledged (back-pressure; see `Options.adaptiveWindow`).
    public func enqueue(_ payload: [UInt8], txid: Int64? = nil, completion: @escaping Completion) async throws {
        await enterWindow()
        defer { admitNext() }
        try append(payload, txid: txid, completion: completion)
    }

    /// Queues one client write of a proxy: its records go into one entry, in order, with their
    /// origin recorded in it; `completion` gets every record's DLSN. The write is refused whole
    /// (nothing queued) when a record is too large, a txid goes backwards, or it cannot fit one entry.
    public func enqueue(write records: [ProxyRecord], origin: WriteOrigin?, completion: @escaping WriteCompletion) async throws {
        guard !records.isEmpty else {
            completion(.success([]))
            return
        }
        await enterWindow()
        defer { admitNext() }
        try checkOpen()
        var txid = lastTxId
        var bytes = RecordSet.headerLength + 4 + RecordSet.originLength
        var prepared: [LogRecord] = []
        prepared.reserveCapacity(records.count)
        for record in records {
            let id = try nextTxId(record.payload, record.txid, after: txid)
            txid = id
            let logRecord = LogRecord(txid: id, payload: record.payload)
            bytes += logRecord.encodedLength
            prepared.append(logRecord)
        }
        guard bytes <= Limits.maxEntrySize else {
            throw LogError.recordTooLarge(size: bytes, limit: Limits.maxEntrySize)
        }
        lastTxId = txid
        for (index, record) in prepared.enumerated() {
            buffer(record, group: index == 0 ? prepared.count : 0, origin: origin,
                   completion: index == 0 ? .write(completion) : .inWrite, last: index == prepared.count - 1)
        }
    }

    /// No room for more unacknowledged bytes (a failed writer always has room: its callers fail).
    private var windowFull: Bool { outstandingBytes >= outstandingLimit && failure.withLock({ $0 == nil }) }

    /// Waits, behind every caller that came first, until the window has room.
    private func enterWindow() async {
        guard let ticket = admission.arrive(windowFull: windowFull) else { return }
        await withCheckedContinuation { admissionWaiters[ticket] = $0 }
        admission.entered(ticket)
    }

    /// Lets the first waiting caller in when the window has room.
    private func admitNext() {
        if let ticket = admission.resumeNext(windowFull: windowFull) { admissionWaiters.removeValue(forKey: ticket)?.resume() }
    }

    private func checkOpen() throws {
        if closed { throw sealed ? LogError.endOfStream(name.description) : LogError.writerClosed(name.description) }
        if let failure = failure.withLock({ $0 }) { throw failure }
    }

    /// The txid of a record written after `last`: the given one if it does not go backwards,
    /// else one past `last`.
    private func nextTxId(_ payload: [UInt8], _ txid: Int64?, after last: Int64) throws -> Int64 {
        guard payload.count <= Limits.maxRecordSize else {
            throw LogError.recordTooLarge(size: payload.count, limit: Limits.maxRecordSize)
        }
        let id = txid ?? max(last + 1, 0)
        do { try TxId.validate(id, after: last < 0 ? nil : last) } catch {
            throw LogError.txidOutOfOrder(log: name.description, error)
        }
        return id
    }

    private func append(_ payload: [UInt8], txid: Int64?, completion: @escaping Completion) throws {
        try checkOpen()
        let id = try nextTxId(payload, txid, after: lastTxId)
        lastTxId = id
        buffer(LogRecord(txid: id, payload: payload), group: 1, origin: nil, completion: .record(completion))
    }

    /// Buffers one record; `last` is false inside a write, which is flushed only whole.
    private func buffer(_ record: LogRecord, group: Int, origin: WriteOrigin?, completion: Acknowledgement, last: Bool = true) {
        outstandingBytes += record.encodedLength
        buffered.append((record, completion, group, origin))
        bufferedBytes += record.encodedLength
        guard last else { return }
        if bufferedBytes >= options.bufferBytes || options.flushInterval == .zero || (options.flushWhenIdle && entriesInFlight == 0) {
            flush()
        } else if !flushScheduled {
            flushScheduled = true
            let interval = options.flushInterval
            Task {
                try? await Task.sleep(for: interval)
                self.flush()
            }
        }
    }

    /// An entry of `bytes` of records was acknowledged through `dlsn` (nil: it failed); `timing`
    /// gives its size on the wire and when it was sent and acknowledged, for the window.
    private func acknowledged(bytes: Int, through dlsn: DLSN?, timing: (entryBytes: Int, sentAt: UInt64, at: UInt64)? = nil) {
        outstandingBytes -= bytes
        entriesInFlight -= 1
        if let timing { window.acknowledged(bytes: timing.entryBytes, sentAt: timing.sentAt, now: timing.at) }
        if let dlsn, lastDLSN.map({ $0 < dlsn }) ?? true { lastDLSN = dlsn }
        // Records that gathered while the last entry was in flight go now.
        if options.flushWhenIdle && entriesInFlight == 0 && !buffered.isEmpty && !rolling { flush() }
        admitNext()
    }

    /// Sends what is buffered as entries of at most `bufferBytes` to the current segment.
    /// Before each entry, a segment that is big or old enough is rolled first: the rest stays
    /// buffered until the next segment is open (or the roll failed).
    public func flush() {
        flushScheduled = false
        while !buffered.isEmpty && !rolling {
            if shouldRoll() {
                rolling = true
                Task { await self.roll() }
                return
            }
            // Whole writes only: a write's records share one entry.
            var take = 0
            var bytes = 0
            while take < buffered.count {
                let group = max(buffered[take].group, 1)
                var groupBytes = 0
                for index in take..<min(take + group, buffered.count) { groupBytes += buffered[index].record.encodedLength }
                if take > 0 && bytes + groupBytes > options.bufferBytes { break }
                bytes += groupBytes
                take = min(take + group, buffered.count)
            }
            let batch = buffered.prefix(take)
            buffered.removeFirst(take)
            bufferedBytes -= bytes
            send(Array(batch))
        }
    }

    /// Sends `batch` as one record-set entry of the current segment.
    private func send(_ batch: [Buffered]) {
        var positioned = batch
        var origins: [RecordSetOrigin] = []
        for index in positioned.indices {
            positioned[index].record.positionWithinSegment = nextPosition
            nextPosition += 1
            if positioned[index].group > 0, let origin = positioned[index].origin {
                origins.append(RecordSetOrigin(origin: origin, firstSlot: UInt32(index), count: UInt32(positioned[index].group)))
            }
        }
        let batch = positioned
        let bytes: [UInt8]
        do {
            bytes = try RecordSet(records: batch.map(\.record), origins: origins).encode(codec: options.codec)
        } catch {
            outstandingBytes -= batch.reduce(0) { $0 + $1.record.encodedLength }
            for item in batch { item.completion.fail(error) }
            return
        }
        let segment = current
        let failure = self.failure
        let logName = name.description
        let recordBytes = batch.reduce(0) { $0 + $1.record.encodedLength }
        currentBytes += Int64(bytes.count)
        lastEntryIsData = true
        idleMarker += 1
        let marker = idleMarker
        let observer = acknowledgedObserver
        entriesInFlight += 1
        let sentAt = MonotonicClock.nanos()
        segment.ledger.appendAsync(bytes) { [weak self] result in
            switch result {
            case let .success(entryId):
                let timing = (entryBytes: bytes.count, sentAt: sentAt, at: MonotonicClock.nanos())
                for (slot, item) in batch.enumerated() {
                    switch item.completion {
                    case let .record(completion):
                        completion(.success(DLSN(segment.sequenceNumber, entryId, Int64(slot))))
                    case let .write(completion):
                        completion(.success((slot..<slot + item.group).map { DLSN(segment.sequenceNumber, entryId, Int64($0)) }))
                    case .inWrite:
                        break
                    }
                }
                // The writers are answered first: pushing to followers never delays an acknowledgement.
                observer(batch.enumerated().map { PositionedRecord(dlsn: DLSN(segment.sequenceNumber, entryId, Int64($0.offset)), record: $0.element.record) })
                let last = DLSN(segment.sequenceNumber, entryId, Int64(batch.count - 1))
                segment.acknowledged(first: batch[0].record, last: batch[batch.count - 1].record, lastDLSN: last,
                                     count: batch.count)
                Task {
                    await self?.acknowledged(bytes: recordBytes, through: last, timing: timing)
                    await self?.advanceLACWhenIdle(after: marker)
                }
            case let .failure(error):
                // Every write fails with the writer's first cause (after a segment that could not
                // be completed, its ledger's refusal is only a symptom).
                let cause = failure.withLock { first in
                    let cause = first ?? LogError.segmentFailed(log: logName, segment: segment.sequenceNumber, cause: "\(error)")
                    first = cause
                    return cause
                }
                for item in batch { item.completion.fail(cause) }
                Task { await self?.acknowledged(bytes: recordBytes, through: nil) }
            }
        }
    }

    private func shouldRoll() -> Bool {
        guard !closed, nextPosition > 0, ContinuousClock.now >= nextRollAttempt else { return false }
        if options.rollBytes > 0 && currentBytes >= options.rollBytes { return true }
        if let interval = options.rollInterval, ContinuousClock.now - currentOpenedAt >= interval { return true }
        return false
    }

    /// Opens the next segment, completes the old one once its outstanding adds are acknowledged,
    /// then switches appends to the next. Entries wait in the buffer meanwhile, so
    /// acknowledgements stay in log order across segments and a tailing reader never waits at a
    /// segment the writer has left (a ledger that failed after the switch used to hold readers
    /// at its segment while the writer acknowledged records past it). If the next segment cannot
    /// be opened, the writer stays on the old one; if the old one cannot be completed, the
    /// writer fails with that cause.
    private func roll() async {
        let old = current
        let records = Int64(nextPosition)
        do {
            let next = try await Self.startSegment(name, sequence: old.sequenceNumber + 1,
                                                   startSequenceId: old.metadata.startSequenceId + records,
                                                   lastTxId: lastTxId, store: store, connections: connections, options: options)
            do {
                await commitLastEntry(of: old)
                _ = try await old.complete(log: name, store: store)
                current = next
                currentBytes = 0
                currentOpenedAt = .now
                nextPosition = 0
            } catch {
                let cause = LogError.segmentFailed(log: name.description, segment: old.sequenceNumber, cause: "\(error)")
                failure.withLock { if $0 == nil { $0 = cause } }
                Self.logger.error("log \(name): completing segment \(old.sequenceNumber) before rolling failed: \(error)")
                _ = try? await next.ledger.close()
            }
        } catch {
            Self.logger.warning("log \(name): rolling to segment \(old.sequenceNumber + 1) failed (\(error)); still writing segment \(old.sequenceNumber)")
            nextRollAttempt = .now + .seconds(1)
        }
        rolling = false
        let waiters = rollWaiters
        rollWaiters.removeAll()
        waiters.forEach { $0.resume() }
        flush()
        // An entry acknowledged while the roll ran skipped its idle control record: send it now,
        // or readers would not see that entry before the next write (after a failed roll, never).
        if outstandingBytes == 0 { await advanceLACWhenIdle(after: idleMarker) }
    }

    private func waitForRoll() async {
        while rolling { await withCheckedContinuation { rollWaiters.append($0) } }
    }

    /// When nothing was written since entry `marker`, adds a control record: it carries the
    /// LAC covering the last data entry, so readers see that entry without waiting.
    private func advanceLACWhenIdle(after marker: Int) async {
        if options.idleControlDelay > .zero { try? await Task.sleep(for: options.idleControlDelay) }
        guard marker == idleMarker, buffered.isEmpty, !closed, !rolling else { return }
        idleMarker += 1
        if let control = controlEntry {
            lastEntryIsData = false
            current.ledger.appendAsync(control) { _ in }
        }
    }

    /// An entry of one control record: it carries the LAC past the entries before it and is
    /// invisible to readers.
    private var controlEntry: [UInt8]? { try? RecordSet(records: [.control(txid: max(lastTxId, 0))]).encode() }

    /// Before `segment` is completed, makes the bookies' LAC cover its last entry: waits for the
    /// entries in flight, then adds a control record (it carries the LAC) unless the last entry
    /// is one. Readers following the segment then get its last records at once, not when they
    /// next read its metadata; DistributedLog's writer commits the same way before it closes.
    private func commitLastEntry(of segment: OpenSegment) async {
        guard lastEntryIsData else { return }
        lastEntryIsData = false
        await segment.ledger.waitForOutstanding()
        guard let control = controlEntry else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            segment.ledger.appendAsync(control) { _ in continuation.resume() }
        }
    }

    /// Seals the log: writes the end-of-stream record after everything written so far and
    /// closes. Readers then see every record and the end; later writers are refused. Returns
    /// the end-of-stream record's position.
    @discardableResult
    public func markEndOfStream() async throws -> DLSN {
        if closed { throw sealed ? LogError.endOfStream(name.description) : LogError.writerClosed(name.description) }
        await waitForRoll()
        flush()
        if let failure = failure.withLock({ $0 }) { throw failure }
        let entry = try RecordSet(records: [.endOfStream]).encode()
        lastEntryIsData = true
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Int64, LedgerError>, Never>) in
            current.ledger.appendAsync(entry) { continuation.resume(returning: $0) }
        }
        let entryId = try result.get()
        sealed = true
        try await close()
        return DLSN(current.sequenceNumber, entryId, 0)
    }

    /// Flushes, waits for every outstanding write, completes the segments in metadata, updates
    /// the max txid and releases the lock. Returns the last DLSN written (nil if none).
    @discardableResult
    public func close() async throws -> DLSN? {
        if closed { return lastDLSN }
        await waitForRoll()
        flush()
        closed = true
        // The lock goes once the segment is completed (or given up), before close returns: a
        // caller told of a failure may open the next writer at once.
        do {
            let last = try await completeLastSegment()
            try? await store.delete(lockNode, expectedVersion: nil)
            return last
        } catch {
            try? await store.delete(lockNode, expectedVersion: nil)
            throw error
        }
    }

    /// Close's work under the lock: commits the last entry, completes the segment (by recovery
    /// when the writer failed) and, for a sealed log, raises the max txid to the end of stream.
    private func completeLastSegment() async throws -> DLSN? {
        await commitLastEntry(of: current)
        let completed: SegmentMetadata
        do { completed = try await current.complete(log: name, store: store, endOfStream: sealed) } catch {
            let cause = failure.withLock({ $0 }) ?? error
            await completeByRecovery(after: cause)
            throw cause
        }
        if let failure = failure.withLock({ $0 }) {
            await completeByRecovery(after: failure)
            throw failure
        }
        if sealed {
            try await store.set(name.maxTxIdPath, data: Array("\(TxId.endOfStream)".utf8), expectedVersion: nil)
        }
        return completed.lastDLSN ?? lastDLSN
    }

    /// A failed writer that still holds the lock completes what it leaves in progress by
    /// recovery (fencing its own ledger), as the next writer would: readers then read to the
    /// end at once instead of stopping at an unrecovered segment until someone writes again.
    /// When the bookies refuse that too, the segment waits for the next writer or 'dlctl recover'.
    private func completeByRecovery(after cause: any Error) async {
        guard (try? await store.getIfExists(lockNode)) != nil else { return }
        do {
            for segment in try await LogRecovery.completeInProgressSegments(name, store: store, connections: connections) {
                Self.logger.notice("log \(name): the writer failed (\(cause)); recovery completed segment \(segment.sequenceNumber)")
            }
        } catch {
            Self.logger.warning("log \(name): the writer failed (\(cause)) and its segment stays in progress: recovery failed too (\(error))")
        }
    }
}
