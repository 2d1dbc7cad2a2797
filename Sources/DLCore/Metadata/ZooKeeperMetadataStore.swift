import CZooKeeper
import Foundation
import Synchronization

/// The metadata store on ZooKeeper, through the official C client (libzookeeper-mt).
///
/// Paths are relative to the cluster root (the URI's chroot), which this store prefixes itself.
/// The C client reconnects on its own while the session lives; operations issued while it is
/// disconnected fail with `connectionLoss`. When the session expires the store turns unusable
/// (`sessionExpired`), as a ZooKeeper handle does, and every watch stream ends with
/// `.sessionExpired`; its owner opens a new store. ZooKeeper watches are one-shot: the store
/// re-arms each after it fires, for as long as its stream is alive.
public final class ZooKeeperMetadataStore: MetadataStore {
    public let location: String
    private let root: String
    private let options: MetadataStoreOptions
    private let handle: Mutex<UnsafeSendable<OpaquePointer>?> = Mutex(nil)
    private let routerId = Mutex<UInt>(0)
    private let watches = WatchRegistry()
    private let connection = Mutex(ConnectionState())

    /// A node's state as seen by a watch arm: existence, data version, child version.
    private struct ArmedState: Equatable {
        var exists: Bool
        var version: Int64
        var childVersion: Int64
    }

    private struct ConnectionState {
        var state: Int32 = 0
        var expired = false
        var closed = false
        var waiters: [CheckedContinuation<Void, Never>] = []
        /// Children watches whose node is gone, waiting for it to come back.
        var awaitingCreation: Set<UInt64> = []
        /// What each watch saw when it was last armed, to find changes made while re-arming.
        var armedStates: [UInt64: ArmedState] = [:]
    }

    public var sessionId: Int64 {
        handle.withLock { h in h.flatMap { zoo_client_id($0.value)?.pointee.client_id } ?? 0 }
    }

    /// Connects to `hosts` ("h1:2181,h2:2181") and waits, up to the operation timeout, for a session.
    public static func open(hosts: String, root: String, options: MetadataStoreOptions = .init()) async throws(MetadataError)
        -> ZooKeeperMetadataStore
    {
        if ProcessInfo.processInfo.environment["DLCTL_ZK_LOG"] == nil { dl_zoo_silent() } else { dl_zoo_quiet() }
        let store = ZooKeeperMetadataStore(location: "zk://\(hosts)\(root)", root: root, options: options)
        let id = ZooKeeperWatcherRouter.shared.register(store)
        store.routerId.withLock { $0 = id }
        let timeoutMillis = Int32(clamping: SQLiteMetadataStore.millis(options.sessionTimeout))
        let zh = zookeeper_init(hosts, dlZooKeeperSessionWatcher, timeoutMillis, nil,
                                UnsafeMutableRawPointer(bitPattern: id), 0)
        guard let zh else {
            ZooKeeperWatcherRouter.shared.unregister(id)
            throw .invalidURI(hosts, reason: "the ZooKeeper client refused the host list (errno \(errno))")
        }
        store.handle.withLock { $0 = UnsafeSendable(zh) }
        let connected = await store.waitForConnection(timeout: options.operationTimeout)
        if !connected {
            await store.close()
            throw .timeout("no ZooKeeper session with \(hosts) within \(options.operationTimeout); is the server running?")
        }
        return store
    }

    private init(location: String, root: String, options: MetadataStoreOptions) {
        self.location = location
        self.root = root
        self.options = options
    }

    // MARK: Session

    func sessionStateChanged(_ state: Int32) {
        let (waiters, expired) = connection.withLock { c -> ([CheckedContinuation<Void, Never>], Bool) in
            c.state = state
            if state == dl_zoo_expired_session_state() || state == dl_zoo_auth_failed_state() { c.expired = true }
            guard state == dl_zoo_connected_state() || c.expired else { return ([], c.expired) }
            defer { c.waiters.removeAll() }
            return (c.waiters, c.expired)
        }
        waiters.forEach { $0.resume() }
        if expired { watches.finishAll(with: .sessionExpired) }
    }

    private func waitForConnection(timeout: Duration) async -> Bool {
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            self?.wakeWaiters()
        }
        defer { timer.cancel() }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = connection.withLock { c -> Bool in
                if c.state == dl_zoo_connected_state() || c.expired { return true }
                c.waiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
        return connection.withLock { $0.state == dl_zoo_connected_state() && !$0.expired }
    }

    private func wakeWaiters() {
        let waiters = connection.withLock { c in
            defer { c.waiters.removeAll() }
            return c.waiters
        }
        waiters.forEach { $0.resume() }
    }

    private func usableHandle() throws(MetadataError) -> OpaquePointer {
        let (closed, expired) = connection.withLock { ($0.closed, $0.expired) }
        if closed { throw .closed }
        if expired { throw .sessionExpired }
        guard let zh = handle.withLock({ $0 }) else { throw .closed }
        return zh.value
    }

    public func close() async {
        let wasClosed = connection.withLock { c in
            defer { c.closed = true }
            return c.closed
        }
        if wasClosed { return }
        wakeWaiters()
        let zh = handle.withLock { h in
            defer { h = nil }
            return h
        }
        if let box = zh {
            // zookeeper_close blocks until the server confirms; keep it off the cooperative pool.
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                Thread { _ = zookeeper_close(box.value); continuation.resume() }.start()
            }
        }
        ZooKeeperWatcherRouter.shared.unregister(routerId.withLock { $0 })
        watches.finishAll(with: nil)
    }

    // MARK: Paths

    private func full(_ path: String) -> String {
        if root.isEmpty { return path }
        return path == "/" ? root : root + path
    }

    private func relative(_ path: String) -> String {
        guard !root.isEmpty, path.hasPrefix(root) else { return path }
        let rest = String(path.dropFirst(root.count))
        return rest.isEmpty ? "/" : rest
    }

    /// Creates the cluster root (the chroot) and its ancestors if they are missing.
    public func ensureRoot() async throws(MetadataError) {
        guard !root.isEmpty else { return }
        let zh = try usableHandle()
        for path in MetadataPath.ancestors(of: root) + [root] {
            let result = await call { (box: ZooKeeperCall<ZooKeeperStringResult>) in
                zoo_acreate(zh, path, nil, -1, dl_zoo_open_acl_unsafe(), ZOO_PERSISTENT, dlZooKeeperStringCompletion,
                            box.retainedPointer())
            } failed: { ZooKeeperStringResult(rc: $0, value: nil) }
            if result.rc != ZOK.rawValue && result.rc != ZNODEEXISTS.rawValue {
                throw map(result.rc, path: relative(path))
            }
        }
    }

    // MARK: Operations

    public func get(_ path: String) async throws(MetadataError) -> VersionedData {
        try MetadataPath.validate(path)
        let zh = try usableHandle()
        let target = full(path)
        let result = await call { (box: ZooKeeperCall<ZooKeeperDataResult>) in
            zoo_aget(zh, target, 0, dlZooKeeperDataCompletion, box.retainedPointer())
        } failed: { ZooKeeperDataResult(rc: $0, data: [], version: -1) }
        guard result.rc == ZOK.rawValue else { throw map(result.rc, path: path) }
        return VersionedData(data: result.data, version: result.version)
    }

    public func exists(_ path: String) async throws(MetadataError) -> Int64? {
        try MetadataPath.validate(path)
        let zh = try usableHandle()
        let target = full(path)
        let result = await call { (box: ZooKeeperCall<ZooKeeperStatResult>) in
            zoo_aexists(zh, target, 0, dlZooKeeperStatCompletion, box.retainedPointer())
        } failed: { ZooKeeperStatResult(rc: $0, version: -1, ephemeralOwner: 0) }
        if result.rc == ZNONODE.rawValue { return nil }
        guard result.rc == ZOK.rawValue else { throw map(result.rc, path: path) }
        return result.version
    }

    public func children(_ path: String) async throws(MetadataError) -> [String] {
        try MetadataPath.validate(path)
        let zh = try usableHandle()
        let target = full(path)
        let result = await call { (box: ZooKeeperCall<ZooKeeperStringsResult>) in
            zoo_aget_children(zh, target, 0, dlZooKeeperStringsCompletion, box.retainedPointer())
        } failed: { ZooKeeperStringsResult(rc: $0, names: []) }
        guard result.rc == ZOK.rawValue else { throw map(result.rc, path: path) }
        var names = result.names
        if path == "/" && root.isEmpty { names.removeAll { $0 == "zookeeper" } }
        return names.sorted()
    }

    @discardableResult
    public func create(_ path: String, data: [UInt8], mode: CreateMode) async throws(MetadataError) -> String {
        try MetadataPath.validate(path)
        if path == "/" { throw .nodeExists(path) }
        let zh = try usableHandle()
        let target = full(path)
        let flags = Self.flags(mode)
        let result = await call { (box: ZooKeeperCall<ZooKeeperStringResult>) in
            Self.withCBytes(data) { bytes, length in
                zoo_acreate(zh, target, bytes, length, dl_zoo_open_acl_unsafe(), flags, dlZooKeeperStringCompletion,
                            box.retainedPointer())
            }
        } failed: { ZooKeeperStringResult(rc: $0, value: nil) }
        guard result.rc == ZOK.rawValue, let created = result.value else {
            throw map(result.rc, path: result.rc == ZNONODE.rawValue ? MetadataPath.parent(of: path) : path)
        }
        return relative(created)
    }

    @discardableResult
    public func set(_ path: String, data: [UInt8], expectedVersion: Int64?) async throws(MetadataError) -> Int64 {
        try MetadataPath.validate(path)
        let zh = try usableHandle()
        let target = full(path)
        let version = try Self.zkVersion(expectedVersion, path: path)
        let result = await call { (box: ZooKeeperCall<ZooKeeperStatResult>) in
            Self.withCBytes(data) { bytes, length in
                zoo_aset(zh, target, bytes, length, version, dlZooKeeperStatCompletion, box.retainedPointer())
            }
        } failed: { ZooKeeperStatResult(rc: $0, version: -1, ephemeralOwner: 0) }
        guard result.rc == ZOK.rawValue else { throw map(result.rc, path: path) }
        return result.version
    }

    public func delete(_ path: String, expectedVersion: Int64?) async throws(MetadataError) {
        try MetadataPath.validate(path)
        if path == "/" { throw .invalidPath(path, reason: "the root cannot be deleted") }
        let zh = try usableHandle()
        let target = full(path)
        let version = try Self.zkVersion(expectedVersion, path: path)
        let rc = await call { (box: ZooKeeperCall<Int32>) in
            zoo_adelete(zh, target, version, dlZooKeeperVoidCompletion, box.retainedPointer())
        } failed: { $0 }
        guard rc == ZOK.rawValue else { throw map(rc, path: path) }
    }

    @discardableResult
    public func multi(_ ops: [MetadataOp]) async throws(MetadataError) -> [MetadataOpResult] {
        if ops.isEmpty { return [] }
        for op in ops {
            try MetadataPath.validate(op.path)
            if op.path == "/" {
                if case .create = op { throw .nodeExists("/") }
                if case .delete = op { throw .invalidPath("/", reason: "the root cannot be deleted") }
            }
        }
        let versions = try ops.map { op throws(MetadataError) -> Int32 in
            switch op {
            case .create: return -1
            case let .set(path, _, expected), let .delete(path, expected): return try Self.zkVersion(expected, path: path)
            case let .check(path, version): return try Self.zkVersion(version, path: path)
            }
        }
        let zh = try usableHandle()
        let count = ops.count
        let cOps = UnsafeMutablePointer<zoo_op_t>.allocate(capacity: count)
        let cResults = UnsafeMutablePointer<zoo_op_result_t>.allocate(capacity: count)
        cResults.initialize(repeating: zoo_op_result_t(), count: count)
        var owned: [UnsafeMutableRawPointer] = []
        func own<T>(_ pointer: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<T> {
            owned.append(UnsafeMutableRawPointer(pointer))
            return pointer
        }
        func cString(_ string: String) -> UnsafeMutablePointer<CChar> { own(strdup(string)!) }
        func cBytes(_ bytes: [UInt8]) -> UnsafeMutablePointer<CChar> {
            let pointer = own(UnsafeMutablePointer<CChar>.allocate(capacity: max(bytes.count, 1)))
            bytes.withUnsafeBufferPointer { src in
                src.withMemoryRebound(to: CChar.self) { chars in
                    if let base = chars.baseAddress { pointer.update(from: base, count: bytes.count) }
                }
            }
            return pointer
        }
        for (index, op) in ops.enumerated() {
            let target = cString(full(op.path))
            switch op {
            case let .create(_, data, mode):
                let capacity = Int32(full(op.path).utf8.count + 32)
                let buffer = own(UnsafeMutablePointer<CChar>.allocate(capacity: Int(capacity)))
                zoo_create_op_init(cOps + index, target, cBytes(data), Int32(data.count), dl_zoo_open_acl_unsafe(),
                                   Self.flags(mode), buffer, capacity)
            case let .set(_, data, _):
                let stat = own(UnsafeMutablePointer<Stat>.allocate(capacity: 1))
                stat.initialize(to: Stat())
                zoo_set_op_init(cOps + index, target, cBytes(data), Int32(data.count), versions[index], stat)
            case .delete:
                zoo_delete_op_init(cOps + index, target, versions[index])
            case .check:
                zoo_check_op_init(cOps + index, target, versions[index])
            }
        }
        // The completion has run when the call returns, so the C memory is freed only after
        // the results (which point into it) have been read.
        defer {
            owned.forEach { $0.deallocate() }
            cOps.deallocate()
            cResults.deallocate()
        }
        let rc = await call { (box: ZooKeeperCall<Int32>) in
            zoo_amulti(zh, Int32(count), cOps, cResults, dlZooKeeperVoidCompletion, box.retainedPointer())
        } failed: { $0 }
        if rc != ZOK.rawValue {
            // The failing op carries its own code; the others report ZRUNTIMEINCONSISTENCY.
            for index in 0..<count {
                let err = cResults[index].err
                if err != ZOK.rawValue && err != ZRUNTIMEINCONSISTENCY.rawValue {
                    let op = ops[index]
                    if case .create = op, err == ZNONODE.rawValue { throw map(err, path: MetadataPath.parent(of: op.path)) }
                    throw map(err, path: op.path)
                }
            }
            throw map(rc, path: ops[0].path)
        }
        return ops.enumerated().map { index, op in
            switch op {
            case .create:
                let value = cResults[index].value.map { String(cString: $0) } ?? full(op.path)
                return .created(relative(value))
            case .set: return .set(cResults[index].stat.map { Int64($0.pointee.version) } ?? -1)
            case .delete: return .deleted
            case .check: return .checked
            }
        }
    }

    // MARK: Watches

    public func watch(_ path: String) async throws(MetadataError) -> AsyncStream<MetadataEvent> {
        try MetadataPath.validate(path)
        _ = try usableHandle()
        let (id, stream) = watches.add(path: path, kind: .node)
        try await arm(id)
        return stream
    }

    public func watchChildren(_ path: String) async throws(MetadataError) -> AsyncStream<MetadataEvent> {
        try MetadataPath.validate(path)
        _ = try usableHandle()
        guard try await exists(path) != nil else { throw .noNode(path) }
        let (id, stream) = watches.add(path: path, kind: .children)
        try await arm(id)
        return stream
    }

    /// Sets the one-shot ZooKeeper watch behind watch stream `id`. After a watch fired
    /// (`fired` is its event type), changes made before the new arm took hold would be lost,
    /// so the new arm's state is compared with what the fired event explains and any
    /// difference is reported as one more event.
    private func arm(_ id: UInt64, fired: Int32? = nil) async throws(MetadataError) {
        guard let watch = watches.watch(id) else {
            connection.withLock { _ = $0.armedStates.removeValue(forKey: id) }
            return
        }
        let zh = try usableHandle()
        let target = full(watch.path)
        let context = dlZooKeeperWatcherContext(store: routerId.withLock { $0 }, watch: id)
        let awaitingCreation = connection.withLock { $0.awaitingCreation.contains(id) }
        if watch.kind == .node || awaitingCreation {
            let result = await call { (box: ZooKeeperCall<ZooKeeperStatResult>) in
                zoo_awexists(zh, target, dlZooKeeperNodeWatcher, context, dlZooKeeperStatCompletion, box.retainedPointer())
            } failed: { ZooKeeperStatResult(rc: $0, version: -1, ephemeralOwner: 0) }
            guard result.rc == ZOK.rawValue || result.rc == ZNONODE.rawValue else { throw map(result.rc, path: watch.path) }
            let now = ArmedState(exists: result.rc == ZOK.rawValue, version: result.version, childVersion: -1)
            if awaitingCreation {
                if now.exists {
                    // It came back between the deletion and this arm: watch its children again.
                    connection.withLock { _ = $0.awaitingCreation.remove(id) }
                    try await arm(id)
                }
                return
            }
            let previous = connection.withLock { c in
                defer { c.armedStates[id] = now }
                return c.armedStates[id]
            }
            if let previous, let fired, let missed = Self.missedNodeEvent(previous: previous, fired: fired, now: now, path: watch.path) {
                watches.yield(missed, to: id)
            }
        } else {
            let result = await call { (box: ZooKeeperCall<ZooKeeperStringsResult>) in
                zoo_awget_children2(zh, target, dlZooKeeperNodeWatcher, context, dlZooKeeperStringsStatCompletion,
                                    box.retainedPointer())
            } failed: { ZooKeeperStringsResult(rc: $0, names: []) }
            if result.rc == ZNONODE.rawValue {
                let wasThere = connection.withLock { c in
                    c.awaitingCreation.insert(id)
                    return c.armedStates.removeValue(forKey: id) != nil
                }
                // Deleted while re-arming: the deletion event itself was never armed for.
                if wasThere { watches.yield(.deleted(watch.path), to: id) }
                try await arm(id)
                return
            }
            guard result.rc == ZOK.rawValue else { throw map(result.rc, path: watch.path) }
            let now = ArmedState(exists: true, version: -1, childVersion: result.childVersion)
            let previous = connection.withLock { c in
                defer { c.armedStates[id] = now }
                return c.armedStates[id]
            }
            // A child event stands for one change of the child version; more means more changes.
            if let previous, fired == dl_zoo_child_event(), now.childVersion > previous.childVersion + 1 {
                watches.yield(.childrenChanged(watch.path), to: id)
            }
        }
    }

    /// The event a node watch missed between firing and re-arming, if any.
    private static func missedNodeEvent(previous: ArmedState, fired: Int32, now: ArmedState, path: String) -> MetadataEvent? {
        let expected: ArmedState
        switch fired {
        case dl_zoo_created_event(): expected = ArmedState(exists: true, version: 0, childVersion: -1)
        case dl_zoo_changed_event(): expected = ArmedState(exists: true, version: previous.version + 1, childVersion: -1)
        case dl_zoo_deleted_event(): expected = ArmedState(exists: false, version: -1, childVersion: -1)
        default: return nil
        }
        if now == expected { return nil }
        if !now.exists { return .deleted(path) }
        if !expected.exists { return .created(path) }
        return .changed(path)
    }

    func watchFired(watchId: UInt64, type: Int32) {
        guard let watch = watches.watch(watchId) else {
            connection.withLock { _ = $0.armedStates.removeValue(forKey: watchId) }
            return
        }
        let awaitingCreation = connection.withLock { $0.awaitingCreation.contains(watchId) }
        let event: MetadataEvent?
        switch (watch.kind, type) {
        case (.node, dl_zoo_created_event()): event = .created(watch.path)
        case (.node, dl_zoo_changed_event()): event = .changed(watch.path)
        case (.node, dl_zoo_deleted_event()): event = .deleted(watch.path)
        case (.children, dl_zoo_child_event()): event = .childrenChanged(watch.path)
        case (.children, dl_zoo_deleted_event()) where !awaitingCreation:
            connection.withLock { c in
                c.awaitingCreation.insert(watchId)
                c.armedStates.removeValue(forKey: watchId)
            }
            event = .deleted(watch.path)
        case (.children, dl_zoo_created_event()) where awaitingCreation:
            connection.withLock { _ = $0.awaitingCreation.remove(watchId) }
            event = nil
        default: event = nil
        }
        if let event { watches.yield(event, to: watchId) }
        // Re-arm off the client's event thread; a failure here means the session is ending.
        Task { [weak self] in try? await self?.arm(watchId, fired: type) }
    }

    // MARK: Plumbing

    /// Starts one asynchronous C call and waits for its completion. `start` returns the C
    /// call's immediate status; when that is an error no completion will come, so the box is
    /// released here and `failed` builds the result.
    private func call<Result: Sendable>(_ start: (ZooKeeperCall<Result>) -> Int32,
                                        failed: @escaping (Int32) -> Result) async -> Result {
        await withCheckedContinuation { (continuation: CheckedContinuation<Result, Never>) in
            let box = ZooKeeperCall<Result>(continuation)
            let rc = start(box)
            if rc != ZOK.rawValue {
                // The C call failed at once and kept no reference: balance the retain it got.
                ZooKeeperCall<Result>.release(UnsafeRawPointer(Unmanaged.passUnretained(box).toOpaque()))
                continuation.resume(returning: failed(rc))
            }
        }
    }

    /// Passes `data` as a C byte pointer; an empty value still gets a valid pointer (a null
    /// one would mean "no data" to ZooKeeper).
    private static func withCBytes<R>(_ data: [UInt8], _ body: (UnsafePointer<CChar>, Int32) -> R) -> R {
        let bytes = data.isEmpty ? [0] : data
        return bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { body($0.baseAddress!, Int32(data.count)) }
        }
    }

    private static func flags(_ mode: CreateMode) -> Int32 {
        switch mode {
        case .persistent: return ZOO_PERSISTENT
        case .ephemeral: return ZOO_EPHEMERAL
        case .persistentSequential: return ZOO_PERSISTENT_SEQUENTIAL
        case .ephemeralSequential: return ZOO_EPHEMERAL_SEQUENTIAL
        }
    }

    private static func zkVersion(_ version: Int64?, path: String) throws(MetadataError) -> Int32 {
        guard let version else { return -1 }
        guard let narrow = Int32(exactly: version), narrow >= 0 else { throw .badVersion(path) }
        return narrow
    }

    private func map(_ rc: Int32, path: String) -> MetadataError {
        switch rc {
        case ZNONODE.rawValue: return .noNode(path)
        case ZNODEEXISTS.rawValue: return .nodeExists(path)
        case ZBADVERSION.rawValue: return .badVersion(path)
        case ZNOTEMPTY.rawValue: return .notEmpty(path)
        case ZNOCHILDRENFOREPHEMERALS.rawValue: return .noChildrenForEphemerals(MetadataPath.parent(of: path))
        case ZSESSIONEXPIRED.rawValue, ZAUTHFAILED.rawValue:
            connection.withLock { $0.expired = true }
            return .sessionExpired
        case ZINVALIDSTATE.rawValue:
            return connection.withLock { $0.expired } ? .sessionExpired : .connectionLoss("the ZooKeeper handle is not connected")
        case ZCONNECTIONLOSS.rawValue: return .connectionLoss("ZooKeeper at \(location) did not answer")
        case ZOPERATIONTIMEOUT.rawValue: return .timeout("ZooKeeper operation on \(path)")
        case ZCLOSING.rawValue: return .closed
        case ZBADARGUMENTS.rawValue: return .invalidPath(path, reason: "ZooKeeper rejected the arguments")
        default:
            let text = zerror(rc).map { String(cString: $0) } ?? "code \(rc)"
            return .backend("ZooKeeper: \(text) (\(path))")
        }
    }
}

/// Carries a C handle across a thread boundary; the C client is thread-safe.
private struct UnsafeSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
