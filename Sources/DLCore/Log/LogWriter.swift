import Foundation

/// The single writer of a log (DistributedLog semantics, DESIGN.md section 7).
///
/// Opening takes the log's lock (an ephemeral sequential node; the lowest holds it), then
/// recovers every in-progress segment a previous writer left (fencing its ledger, so that
/// writer can never append again) and starts a new segment on a new ledger. Records are
/// batched into record-set entries (up to `bufferBytes`, or `flushInterval` after the first
/// record); each write resolves to its DLSN once its entry is acknowledged. When the writer
/// goes idle it adds a control record, so the LAC covers the last data entry and tailing
/// readers see it promptly.
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
        public init() {}
    }

    public let name: LogName
    private let store: any MetadataStore
    private let connections: BookieConnections
    private let options: Options
    private let lockNode: String
    private let ledger: LedgerWriter
    private let segment: SegmentMetadata

    public typealias Completion = @Sendable (Result<DLSN, any Error>) -> Void

    private var buffered: [(record: LogRecord, completion: Completion)] = []
    /// Records written and not yet acknowledged; `enqueue` waits while there are too many.
    private var outstanding = 0
    private var windowWaiters: [CheckedContinuation<Void, Never>] = []
    public static let maxOutstandingRecords = 100_000
    private var bufferedBytes = 0
    private var flushScheduled = false
    private var nextPosition: UInt32 = 0
    private var lastTxId: Int64
    private var closed = false
    private var idleMarker = 0
    private let progress = Locked(Progress())

    private struct Progress {
        var lastDLSN: DLSN?
        var lastTxId = TxId.invalid
        var records: Int64 = 0
        var failure: LogError?
    }

    /// Opens the writer of `name`: lock, recovery of earlier in-progress segments, new segment.
    public static func open(_ name: LogName, store: any MetadataStore, connections: BookieConnections,
                            options: Options = .init()) async throws -> LogWriter {
        let catalog = LogCatalog(store: store)
        guard try await catalog.exists(name) else { throw LogError.noSuchLog(name.description) }
        let lockNode = try await acquireLock(name, store: store, timeout: options.lockTimeout)
        do {
            var segments = try await catalog.segments(name)
            for (metadata, version) in segments where metadata.state == .inProgress {
                _ = try await SegmentRecovery.complete(metadata, version: version, log: name, store: store, connections: connections)
            }
            segments = try await catalog.segments(name)
            let last = segments.last?.metadata
            let sequence = (last?.sequenceNumber ?? 0) + 1
            let startSequenceId = segments.reduce(Int64(0)) { $0 + $1.metadata.recordCount }
            let maxTxId = try await catalog.maxTxId(name)
            if maxTxId == TxId.endOfStream { throw LogError.endOfStream(name.description) }
            let lastTxId = max(maxTxId, segments.map(\.metadata.lastTxId).max() ?? TxId.invalid)
            let ledger = try await LedgerWriter.create(
                store: store, connections: connections, ensembleSize: options.ensembleSize, writeQuorum: options.writeQuorum,
                ackQuorum: options.ackQuorum, customMetadata: ["log": name.description, "segment": "\(sequence)"])
            let segment = SegmentMetadata(sequenceNumber: sequence, ledgerId: ledger.ledgerId,
                                          firstTxId: lastTxId < 0 ? 0 : lastTxId, startSequenceId: startSequenceId,
                                          createdAtMillis: Int64(Date().timeIntervalSince1970 * 1000))
            guard try await store.createUnlessExists(name.segmentPath(sequence), data: segment.encoded(), mode: .persistent) else {
                throw LogError.locked(log: name.description, holder: "a writer that created segment \(sequence) first")
            }
            return LogWriter(name: name, store: store, connections: connections, options: options, lockNode: lockNode,
                             ledger: ledger, segment: segment, lastTxId: lastTxId)
        } catch {
            try? await store.delete(lockNode, expectedVersion: nil)
            throw error
        }
    }

    private init(name: LogName, store: any MetadataStore, connections: BookieConnections, options: Options, lockNode: String,
                 ledger: LedgerWriter, segment: SegmentMetadata, lastTxId: Int64) {
        self.name = name
        self.store = store
        self.connections = connections
        self.options = options
        self.lockNode = lockNode
        self.ledger = ledger
        self.segment = segment
        self.lastTxId = lastTxId
    }

    /// Takes the lock: the lowest member of `lock/` holds it. Waits up to `timeout` for the
    /// holder to go (its session ends when it closes or dies), then fails saying who holds it.
    static func acquireLock(_ name: LogName, store: any MetadataStore, timeout: Duration) async throws -> String {
        let owner = "pid \(getpid()) on \(ProcessInfo.processInfo.hostName), session \(store.sessionId)"
        let node = try await store.create(name.lockPath + "/member-", data: Array(owner.utf8), mode: .ephemeralSequential)
        let deadline = ContinuousClock.now + timeout
        let changes = try await store.watchChildren(name.lockPath)
        var iterator = changes.makeAsyncIterator()
        while true {
            let members = try await store.children(name.lockPath).sorted()
            if members.first == MetadataPath.name(of: node) { return node }
            if ContinuousClock.now >= deadline {
                let holder = try? await store.getIfExists(name.lockPath + "/" + (members.first ?? ""))
                try? await store.delete(node, expectedVersion: nil)
                throw LogError.locked(log: name.description, holder: holder.map { String(decoding: $0.data, as: UTF8.self) } ?? "unknown")
            }
            let remaining = deadline - ContinuousClock.now
            let timer = Task {
                try? await Task.sleep(for: remaining)
                return MetadataEvent.childrenChanged("")
            }
            _ = await iterator.next()
            timer.cancel()
        }
    }

    /// The segment this writer appends to.
    public var segmentSequenceNumber: Int64 { segment.sequenceNumber }

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
    /// calls. `completion` gets its DLSN (or the failure). Waits only while
    /// `maxOutstandingRecords` are unacknowledged (back-pressure).
    public func enqueue(_ payload: [UInt8], txid: Int64? = nil, completion: @escaping Completion) async throws {
        while outstanding >= Self.maxOutstandingRecords && progress.withLock({ $0.failure == nil }) {
            await withCheckedContinuation { windowWaiters.append($0) }
        }
        try append(payload, txid: txid, completion: completion)
    }

    private func append(_ payload: [UInt8], txid: Int64?, completion: @escaping Completion) throws {
        if closed { throw LogError.writerClosed(name.description) }
        if let failure = progress.withLock({ $0.failure }) { throw failure }
        guard payload.count <= Limits.maxRecordSize else {
            throw LogError.recordTooLarge(size: payload.count, limit: Limits.maxRecordSize)
        }
        let id = txid ?? max(lastTxId + 1, 0)
        do { try TxId.validate(id, after: lastTxId < 0 ? nil : lastTxId) } catch {
            throw LogError.txidOutOfOrder(log: name.description, error)
        }
        lastTxId = id
        let record = LogRecord(txid: id, payload: payload, positionWithinSegment: nextPosition)
        nextPosition += 1
        outstanding += 1
        buffered.append((record, completion))
        bufferedBytes += record.encodedLength
        if bufferedBytes >= options.bufferBytes || options.flushInterval == .zero {
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

    private func acknowledged(_ count: Int) {
        outstanding -= count
        if outstanding < Self.maxOutstandingRecords {
            let waiters = windowWaiters
            windowWaiters.removeAll()
            waiters.forEach { $0.resume() }
        }
    }

    /// Sends what is buffered as one entry.
    public func flush() {
        flushScheduled = false
        guard !buffered.isEmpty else { return }
        let batch = buffered
        buffered = []
        bufferedBytes = 0
        let bytes: [UInt8]
        do {
            bytes = try RecordSet(records: batch.map(\.record)).encode(codec: options.codec)
        } catch {
            outstanding -= batch.count
            for item in batch { item.completion(.failure(error)) }
            return
        }
        let sequence = segment.sequenceNumber
        let progress = self.progress
        let logName = name.description
        idleMarker += 1
        let marker = idleMarker
        ledger.appendAsync(bytes) { [weak self] result in
            switch result {
            case let .success(entryId):
                var last: DLSN?
                for (slot, item) in batch.enumerated() {
                    let dlsn = DLSN(sequence, entryId, Int64(slot))
                    last = dlsn
                    item.completion(.success(dlsn))
                }
                progress.withLock { p in
                    p.lastDLSN = last
                    p.lastTxId = batch.last?.record.txid ?? p.lastTxId
                    p.records += Int64(batch.count)
                }
                Task {
                    await self?.acknowledged(batch.count)
                    await self?.maybeAdvanceLAC(after: marker)
                }
            case let .failure(error):
                let failure = LogError.segmentFailed(log: logName, segment: sequence, cause: "\(error)")
                progress.withLock { if $0.failure == nil { $0.failure = failure } }
                for item in batch { item.completion(.failure(failure)) }
                Task { await self?.acknowledged(batch.count) }
            }
        }
    }

    /// When nothing was written since entry `marker`, adds a control record: it carries the
    /// LAC covering the last data entry, so readers see that entry without waiting.
    private func maybeAdvanceLAC(after marker: Int) async {
        try? await Task.sleep(for: .milliseconds(50))
        guard marker == idleMarker, buffered.isEmpty, !closed else { return }
        idleMarker += 1
        if let control = try? RecordSet(records: [.control(txid: lastTxId)]).encode() {
            ledger.appendAsync(control) { _ in }
        }
    }

    /// Seals the log: writes the end-of-stream record after everything written so far and
    /// closes. Readers then see every record and the end; later writers are refused.
    @discardableResult
    public func markEndOfStream() async throws -> DLSN? {
        if closed { throw LogError.writerClosed(name.description) }
        flush()
        let entry = try RecordSet(records: [.endOfStream]).encode()
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Int64, LedgerError>, Never>) in
            ledger.appendAsync(entry) { continuation.resume(returning: $0) }
        }
        _ = try result.get()
        sealed = true
        return try await close()
    }

    private var sealed = false

    /// Flushes, waits for every outstanding write, completes the segment in metadata, updates
    /// the max txid and releases the lock. Returns the last DLSN written (nil if none).
    @discardableResult
    public func close() async throws -> DLSN? {
        if closed { return progress.withLock { $0.lastDLSN } }
        flush()
        closed = true
        defer { Task { [store, lockNode] in try? await store.delete(lockNode, expectedVersion: nil) } }
        let (_, length) = try await ledger.close()
        let snapshot = progress.withLock { $0 }
        if let failure = snapshot.failure { throw failure }
        let completed = segment.completed(lastTxId: snapshot.records > 0 ? snapshot.lastTxId : TxId.invalid,
                                          lastDLSN: snapshot.lastDLSN, recordCount: snapshot.records, length: length,
                                          atMillis: Int64(Date().timeIntervalSince1970 * 1000))
        let node = try await store.get(name.segmentPath(segment.sequenceNumber))
        try await store.set(name.segmentPath(segment.sequenceNumber), data: completed.encoded(), expectedVersion: node.version)
        if sealed {
            try await store.set(name.maxTxIdPath, data: Array("\(TxId.endOfStream)".utf8), expectedVersion: nil)
        } else if snapshot.records > 0 {
            try await store.set(name.maxTxIdPath, data: Array("\(snapshot.lastTxId)".utf8), expectedVersion: nil)
        }
        try? await store.delete(lockNode, expectedVersion: nil)
        return snapshot.lastDLSN
    }
}
