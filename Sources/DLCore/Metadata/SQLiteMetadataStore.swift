import Foundation
import GRDB
import Synchronization

/// The embedded metadata store: one SQLite database file in WAL mode, shared by every local
/// process of a cluster.
///
/// - Versions, compare-and-set and multi-operation transactions are SQLite transactions
///   (BEGIN IMMEDIATE, so concurrent writers queue on the busy timeout instead of deadlocking).
/// - Sessions are leases in the `sessions` table, renewed in the background; any participant
///   that finds a lease past its expiry deletes it with its ephemeral nodes.
/// - Watches poll the `changes` table, which every write appends to, at `watchPollInterval`.
/// - Sequential names come from a per-parent counter bumped on every child create and delete,
///   as ZooKeeper's cversion.
public final class SQLiteMetadataStore: MetadataStore {
    public let location: String
    public let sessionId: Int64
    private let pool: DatabasePool
    private let options: MetadataStoreOptions
    private let watches = WatchRegistry()
    private let state = Mutex(State())

    private struct State {
        var expired = false
        var closed = false
        var pollerLastSeq: Int64 = 0
        var pollTask: Task<Void, Never>?
        var renewer: SessionRenewer?
    }

    private enum ChangeKind: Int64 { case created = 1, changed = 2, deleted = 3 }

    /// How long rows stay in the change table; a poller that falls further behind re-syncs.
    private static let changeRetentionMillis: Int64 = 120_000

    /// Opens (creating if needed) the database at `path` and starts a session.
    public static func open(path: String, options: MetadataStoreOptions = .init()) async throws(MetadataError)
        -> SQLiteMetadataStore
    {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty && !FileManager.default.fileExists(atPath: directory) {
            throw .missing("the directory \(directory) of \(path) does not exist (create it first)")
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(TimeInterval(options.operationTimeout.components.seconds) + 1)
        configuration.label = "dlctl-metadata"
        let created = options.files.size(path) == nil
        let pool: DatabasePool
        do {
            pool = try SQLiteConnections.shared.acquire(path) {
                let pool = try DatabasePool(path: path, configuration: configuration)
                try Self.requireDurableCommits(pool, path: path)
                return pool
            }
        } catch let error as MetadataError {
            throw error
        } catch {
            throw Self.openFailure(path, error)
        }
        let timeoutMillis = Self.millis(options.sessionTimeout)
        let sessionId: Int64
        do {
            sessionId = options.sessionless ? try await Self.checkSchema(pool, path: path)
                : try await Self.startSession(pool, path: path, timeoutMillis: timeoutMillis)
        } catch {
            SQLiteConnections.shared.release(path)
            throw error
        }
        if created {
            // SQLite syncs the directory after creating a WAL, never after creating the database
            // file itself: without this a power loss could take the new file's name away.
            do { try options.files.syncDirectory(directory.isEmpty ? "." : directory) } catch {
                SQLiteConnections.shared.release(path)
                throw .backend("\(error)")
            }
        }
        let store = SQLiteMetadataStore(location: path, sessionId: sessionId, pool: pool, options: options)
        if !options.sessionless { store.startRenewing() }
        return store
    }

    /// Puts the pool's writer connection in `synchronous=FULL` and checks that it took: in WAL
    /// mode FULL syncs the WAL at every commit, so a commit is on disk before it is reported.
    /// It must come after the pool's own set-up, which sets NORMAL (no sync at commit) on the
    /// writer after any `prepareDatabase` hook ran. A store that cannot get it does not open.
    private static func requireDurableCommits(_ pool: DatabasePool, path: String) throws {
        let (journalMode, level) = try pool.barrierWriteWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            return (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"))
        }
        guard journalMode == "wal", level == 2 else {
            throw MetadataError.backend("SQLite would not commit durably to \(path) (journal_mode \(journalMode ?? "?"), "
                                        + "synchronous \(level.map(String.init) ?? "?"), need wal and 2 = FULL); refusing to open it")
        }
    }

    private static func startSession(_ pool: DatabasePool, path: String, timeoutMillis: Int64) async throws(MetadataError) -> Int64 {
        try await Self.run(pool) { db in
            try Self.refuseForeign(db, path: path)
            try Self.createSchema(db)
            let now = Self.now()
            try db.execute(sql: "INSERT INTO sessions(expires_at, timeout_ms, pid) VALUES (?, ?, ?)",
                           arguments: [now + timeoutMillis, timeoutMillis, Int64(getpid())])
            let id = db.lastInsertedRowID
            try Self.expireSessions(db, now: now)
            return id
        }
    }

    /// An SQLite database of something else gets no dlctl tables added: it is refused.
    private static func refuseForeign(_ db: Database, path: String) throws {
        let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
        if !tables.isEmpty && !tables.contains("nodes") {
            throw MetadataError.foreign("\(path) is an SQLite database of something else (tables \(tables.prefix(3).joined(separator: ", ")))")
        }
    }

    /// A sessionless open: checks the schema with a read, and creates it (a write) only in a
    /// new database. Returns the session id of no session, 0.
    private static func checkSchema(_ pool: DatabasePool, path: String) async throws(MetadataError) -> Int64 {
        let ready: Bool
        do {
            ready = try await pool.read { db in
                try Self.refuseForeign(db, path: path)
                return try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sessions')") ?? false
            }
        } catch { throw map(error) }
        if !ready {
            try await Self.run(pool) { db in
                try Self.refuseForeign(db, path: path)
                try Self.createSchema(db)
            }
        }
        return 0
    }

    private init(location: String, sessionId: Int64, pool: DatabasePool, options: MetadataStoreOptions) {
        self.location = location
        self.sessionId = sessionId
        self.pool = pool
        self.options = options
    }

    // MARK: Schema

    private static func createSchema(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS nodes(
                path TEXT PRIMARY KEY NOT NULL,
                parent TEXT NOT NULL,
                data BLOB NOT NULL,
                version INTEGER NOT NULL,
                cversion INTEGER NOT NULL DEFAULT 0,
                ephemeral_owner INTEGER,
                created_at INTEGER NOT NULL,
                modified_at INTEGER NOT NULL
            ) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS nodes_by_parent ON nodes(parent);
            CREATE INDEX IF NOT EXISTS nodes_by_owner ON nodes(ephemeral_owner) WHERE ephemeral_owner IS NOT NULL;
            CREATE TABLE IF NOT EXISTS sessions(
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                expires_at INTEGER NOT NULL,
                timeout_ms INTEGER NOT NULL,
                pid INTEGER
            );
            CREATE INDEX IF NOT EXISTS sessions_by_expiry ON sessions(expires_at);
            CREATE TABLE IF NOT EXISTS changes(
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                path TEXT NOT NULL,
                parent TEXT NOT NULL,
                kind INTEGER NOT NULL,
                at INTEGER NOT NULL
            );
            INSERT OR IGNORE INTO nodes(path, parent, data, version, created_at, modified_at)
                VALUES ('/', '', x'', 0, 0, 0);
            """)
    }

    // MARK: Operations

    /// The embedded store's root always exists.
    public func ensureRoot() async throws(MetadataError) {}

    public func get(_ path: String) async throws(MetadataError) -> VersionedData {
        try MetadataPath.validate(path)
        try checkUsable()
        let row = try await read { db in try Self.node(db, path) }
        guard let row else { throw .noNode(path) }
        return VersionedData(data: row.data, version: row.version)
    }

    public func exists(_ path: String) async throws(MetadataError) -> Int64? {
        try MetadataPath.validate(path)
        try checkUsable()
        return try await read { db in try Self.node(db, path)?.version }
    }

    public func children(_ path: String) async throws(MetadataError) -> [String] {
        try MetadataPath.validate(path)
        try checkUsable()
        return try await read { db in
            guard try Self.node(db, path) != nil else { throw MetadataError.noNode(path) }
            let paths = try String.fetchAll(db, sql: "SELECT path FROM nodes WHERE parent = ?", arguments: [path])
            return paths.map(MetadataPath.name(of:)).sorted()
        }
    }

    @discardableResult
    public func create(_ path: String, data: [UInt8], mode: CreateMode) async throws(MetadataError) -> String {
        let results = try await multi([.create(path, data: data, mode: mode)])
        guard case let .created(created) = results.first else { throw .backend("create returned no path") }
        return created
    }

    @discardableResult
    public func set(_ path: String, data: [UInt8], expectedVersion: Int64?) async throws(MetadataError) -> Int64 {
        let results = try await multi([.set(path, data: data, expectedVersion: expectedVersion)])
        guard case let .set(version) = results.first else { throw .backend("set returned no version") }
        return version
    }

    public func delete(_ path: String, expectedVersion: Int64?) async throws(MetadataError) {
        try await multi([.delete(path, expectedVersion: expectedVersion)])
    }

    @discardableResult
    public func multi(_ ops: [MetadataOp]) async throws(MetadataError) -> [MetadataOpResult] {
        for op in ops { try MetadataPath.validate(op.path) }
        try checkUsable()
        let session = sessionId
        let sessionless = options.sessionless
        if sessionless, ops.contains(where: { if case let .create(_, _, mode) = $0 { return mode.isEphemeral } else { return false } }) {
            throw .backend("the metadata store was opened without a session: it cannot create ephemeral nodes")
        }
        do {
            return try await write { db in
                if !sessionless { try Self.requireLiveSession(db, session) }
                return try ops.map { op in try Self.apply(op, db, session: session) }
            }
        } catch .sessionExpired {
            markExpired()
            throw .sessionExpired
        }
    }

    private static func apply(_ op: MetadataOp, _ db: Database, session: Int64) throws -> MetadataOpResult {
        let now = Self.now()
        switch op {
        case let .create(path, data, mode):
            if path == "/" { throw MetadataError.nodeExists(path) }
            let parent = MetadataPath.parent(of: path)
            guard let parentRow = try node(db, parent) else { throw MetadataError.noNode(parent) }
            if parentRow.owner != nil { throw MetadataError.noChildrenForEphemerals(parent) }
            let created = mode.isSequential ? path + MetadataPath.sequentialSuffix(parentRow.cversion) : path
            if try node(db, created) != nil { throw MetadataError.nodeExists(created) }
            try db.execute(sql: """
                INSERT INTO nodes(path, parent, data, version, cversion, ephemeral_owner, created_at, modified_at)
                VALUES (?, ?, ?, 0, 0, ?, ?, ?)
                """, arguments: [created, parent, Data(data), mode.isEphemeral ? session : nil, now, now])
            try db.execute(sql: "UPDATE nodes SET cversion = cversion + 1 WHERE path = ?", arguments: [parent])
            try recordChange(db, path: created, parent: parent, kind: .created, now: now)
            return .created(created)
        case let .set(path, data, expectedVersion):
            guard let row = try node(db, path) else { throw MetadataError.noNode(path) }
            if let expectedVersion, expectedVersion != row.version { throw MetadataError.badVersion(path) }
            try db.execute(sql: "UPDATE nodes SET data = ?, version = version + 1, modified_at = ? WHERE path = ?",
                           arguments: [Data(data), now, path])
            try recordChange(db, path: path, parent: MetadataPath.parent(of: path), kind: .changed, now: now)
            return .set(row.version + 1)
        case let .delete(path, expectedVersion):
            if path == "/" { throw MetadataError.invalidPath(path, reason: "the root cannot be deleted") }
            guard let row = try node(db, path) else { throw MetadataError.noNode(path) }
            if let expectedVersion, expectedVersion != row.version { throw MetadataError.badVersion(path) }
            let hasChildren = try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM nodes WHERE parent = ?)",
                                                arguments: [path]) ?? false
            if hasChildren { throw MetadataError.notEmpty(path) }
            try removeNode(db, path: path, now: now)
            return .deleted
        case let .check(path, version):
            guard let row = try node(db, path) else { throw MetadataError.noNode(path) }
            if row.version != version { throw MetadataError.badVersion(path) }
            return .checked
        }
    }

    // MARK: Rows

    private struct NodeRow {
        var data: [UInt8]
        var version: Int64
        var cversion: Int64
        var owner: Int64?
    }

    private static func node(_ db: Database, _ path: String) throws -> NodeRow? {
        guard let row = try Row.fetchOne(db, sql: "SELECT data, version, cversion, ephemeral_owner FROM nodes WHERE path = ?",
                                         arguments: [path]) else { return nil }
        let data: Data = row["data"]
        return NodeRow(data: Array(data), version: row["version"], cversion: row["cversion"], owner: row["ephemeral_owner"])
    }

    private static func removeNode(_ db: Database, path: String, now: Int64) throws {
        let parent = MetadataPath.parent(of: path)
        try db.execute(sql: "DELETE FROM nodes WHERE path = ?", arguments: [path])
        try db.execute(sql: "UPDATE nodes SET cversion = cversion + 1 WHERE path = ?", arguments: [parent])
        try recordChange(db, path: path, parent: parent, kind: .deleted, now: now)
    }

    private static func recordChange(_ db: Database, path: String, parent: String, kind: ChangeKind, now: Int64) throws {
        try db.execute(sql: "INSERT INTO changes(path, parent, kind, at) VALUES (?, ?, ?, ?)",
                       arguments: [path, parent, kind.rawValue, now])
    }

    // MARK: Sessions

    /// A session lives until a sweep ends it (as a ZooKeeper session lives until the server
    /// expires it): one whose lease ran out while its process was starved of CPU, and that no
    /// other process swept meanwhile, still holds its ephemeral nodes, so it may go on and renew.
    private static func requireLiveSession(_ db: Database, _ session: Int64) throws {
        guard try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM sessions WHERE id = ?)", arguments: [session]) == true else {
            throw MetadataError.sessionExpired
        }
    }

    /// Deletes every session whose lease has run out, with its ephemeral nodes.
    private static func expireSessions(_ db: Database, now: Int64) throws {
        let expired = try Int64.fetchAll(db, sql: "SELECT id FROM sessions WHERE expires_at < ?", arguments: [now])
        for session in expired { try endSession(db, session, now: now) }
    }

    private static func endSession(_ db: Database, _ session: Int64, now: Int64) throws {
        let owned = try String.fetchAll(db, sql: "SELECT path FROM nodes WHERE ephemeral_owner = ?", arguments: [session])
        for path in owned { try removeNode(db, path: path, now: now) }
        try db.execute(sql: "DELETE FROM sessions WHERE id = ?", arguments: [session])
    }

    private func startRenewing() {
        // Renew well within the lease; tick at least every second so that expired sessions
        // of other processes are swept promptly even when this session's lease is long.
        let interval = min(options.sessionTimeout / 3, .seconds(1))
        let renewer = SessionRenewer(interval: interval, name: "dlctl-session-\(sessionId)") { [weak self] due in
            self?.renew(due: due, interval: interval) ?? false
        }
        state.withLock { $0.renewer = renewer }
    }

    /// Renews this session's lease and sweeps the sessions whose leases ran out, unless this
    /// tick ran more than `interval` after it was `due`: a process that was itself starved of CPU
    /// (a burst of a thousand clients on two cores) judges no other, whose renewals were likely
    /// starved as well; a later tick on time sweeps them.
    /// On the renewer's thread; false once the session is over.
    private func renew(due: ContinuousClock.Instant, interval: Duration) -> Bool {
        let session = sessionId
        let timeoutMillis = Self.millis(options.sessionTimeout)
        do {
            try pool.write { db in
                try Self.requireLiveSession(db, session)
                let now = Self.now()
                try db.execute(sql: "UPDATE sessions SET expires_at = ? WHERE id = ?", arguments: [now + timeoutMillis, session])
                if ContinuousClock.now - due <= interval { try Self.expireSessions(db, now: now) }
                try db.execute(sql: "DELETE FROM changes WHERE at < ?", arguments: [now - Self.changeRetentionMillis])
            }
            return true
        } catch MetadataError.sessionExpired {
            markExpired()
            return false
        } catch {
            // A busy or failing database: the next tick tries again; the lease covers three ticks.
            return state.withLock { !$0.closed && !$0.expired }
        }
    }

    private func markExpired() {
        let (renewer, poller) = state.withLock { s -> (SessionRenewer?, Task<Void, Never>?) in
            s.expired = true
            return (s.renewer, s.pollTask)
        }
        renewer?.stop()
        poller?.cancel()
        watches.finishAll(with: .sessionExpired)
    }

    private func checkUsable() throws(MetadataError) {
        let (closed, expired) = state.withLock { ($0.closed, $0.expired) }
        if closed { throw .closed }
        if expired { throw .sessionExpired }
    }

    public func close() async {
        let (wasClosed, renewer, poller) = state.withLock { s -> (Bool, SessionRenewer?, Task<Void, Never>?) in
            defer { s.closed = true }
            return (s.closed, s.renewer, s.pollTask)
        }
        if wasClosed { return }
        renewer?.stop()
        poller?.cancel()
        let session = sessionId
        if !options.sessionless { try? await write { db in try Self.endSession(db, session, now: Self.now()) } }
        watches.finishAll(with: nil)
        SQLiteConnections.shared.release(location)
    }

    // MARK: Watches

    public func watch(_ path: String) async throws(MetadataError) -> AsyncStream<MetadataEvent> {
        try await addWatch(path, kind: .node)
    }

    public func watchChildren(_ path: String) async throws(MetadataError) -> AsyncStream<MetadataEvent> {
        guard try await exists(path) != nil else { throw .noNode(path) }
        return try await addWatch(path, kind: .children)
    }

    private func addWatch(_ path: String, kind: WatchRegistry.Kind) async throws(MetadataError) -> AsyncStream<MetadataEvent> {
        try MetadataPath.validate(path)
        try checkUsable()
        let current = try await read { db in try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(seq), 0) FROM changes") ?? 0 }
        let (id, stream) = watches.add(path: path, kind: kind)
        let missedSome = state.withLock { s -> Bool in
            if s.pollTask == nil {
                // A poller that ran before stopped at `pollerLastSeq`: the new one goes on from
                // there, so a watcher that read, then watched (a reader waiting for its next
                // segment), still hears of a change made in between.
                if s.pollerLastSeq == 0 { s.pollerLastSeq = current }
                s.pollTask = startPolling()
                return false
            }
            return s.pollerLastSeq > current
        }
        // The poller already passed changes this watch should have seen: report a change so
        // the watcher re-reads.
        if missedSome { watches.yield(kind == .node ? .changed(path) : .childrenChanged(path), to: id) }
        return stream
    }

    /// Whether the change poller runs (while a watch is live).
    var pollsChanges: Bool { state.withLock { $0.pollTask != nil } }

    /// The poller runs while some watch is live and ends a second after the last one, so a
    /// process that watched once (a follower waiting for its log to be created) does not wake
    /// every `watchPollInterval` for the rest of its life: a thousand of them would keep two
    /// cores busy. (A watcher that drops its watch and adds the next at once keeps it going.)
    /// Called with the state locked; the next watch starts a new poller.
    private func startPolling() -> Task<Void, Never> {
        let interval = options.watchPollInterval
        return Task { [weak self] in
            var unwatchedSince: ContinuousClock.Instant?
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard let self, !Task.isCancelled else { return }
                let now = ContinuousClock.now
                let stop = self.state.withLock { s -> Bool in
                    guard self.watches.isEmpty else {
                        unwatchedSince = nil
                        return false
                    }
                    let since = unwatchedSince ?? now
                    unwatchedSince = since
                    guard now - since >= .seconds(1) else { return false }
                    s.pollTask = nil
                    return true
                }
                if stop { return }
                await self.pollChanges()
            }
        }
    }

    private struct Change { var seq: Int64; var path: String; var parent: String; var kind: ChangeKind }

    private func pollChanges() async {
        if watches.isEmpty { return }
        let since = state.withLock { $0.pollerLastSeq }
        let fetched: (changes: [Change], oldest: Int64?)
        do {
            fetched = try await read { db in
                let rows = try Row.fetchAll(db, sql: "SELECT seq, path, parent, kind FROM changes WHERE seq > ? ORDER BY seq LIMIT 10000",
                                            arguments: [since])
                let changes = rows.compactMap { row -> Change? in
                    guard let kind = ChangeKind(rawValue: row["kind"]) else { return nil }
                    return Change(seq: row["seq"], path: row["path"], parent: row["parent"], kind: kind)
                }
                let oldest = try Int64.fetchOne(db, sql: "SELECT MIN(seq) FROM changes")
                return (changes, oldest)
            }
        } catch {
            return
        }
        let registered = watches.all()
        if let oldest = fetched.oldest, oldest > since + 1, since > 0 {
            // Changes were pruned before this process saw them: every watcher re-reads.
            for (id, watch) in registered {
                watches.yield(watch.kind == .node ? .changed(watch.path) : .childrenChanged(watch.path), to: id)
            }
        }
        for change in fetched.changes {
            for (id, watch) in registered {
                if let event = Self.event(for: change, watch: watch) { watches.yield(event, to: id) }
            }
        }
        if let last = fetched.changes.last?.seq {
            state.withLock { $0.pollerLastSeq = max($0.pollerLastSeq, last) }
        }
    }

    private static func event(for change: Change, watch: WatchRegistry.Watch) -> MetadataEvent? {
        switch watch.kind {
        case .node:
            guard change.path == watch.path else { return nil }
            switch change.kind {
            case .created: return .created(change.path)
            case .changed: return .changed(change.path)
            case .deleted: return .deleted(change.path)
            }
        case .children:
            if change.path == watch.path && change.kind == .deleted { return .deleted(change.path) }
            if change.parent == watch.path && change.kind != .changed { return .childrenChanged(watch.path) }
            return nil
        }
    }

    // MARK: Plumbing

    private func read<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws(MetadataError) -> T {
        do { return try await pool.read(body) } catch { throw Self.map(error) }
    }

    private func write<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws(MetadataError) -> T {
        try await Self.run(pool, body)
    }

    private static func run<T: Sendable>(_ pool: DatabasePool, _ body: @Sendable @escaping (Database) throws -> T)
        async throws(MetadataError) -> T
    {
        do { return try await pool.write(body) } catch { throw map(error) }
    }

    private static func map(_ error: any Error) -> MetadataError {
        if let error = error as? MetadataError { return error }
        if let error = error as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_BUSY, .SQLITE_LOCKED: return .timeout("the metadata database stayed locked: \(error.message ?? "busy")")
            case .SQLITE_CANTOPEN: return .connectionLoss("cannot open the metadata database: \(error.message ?? "")")
            case .SQLITE_NOTADB, .SQLITE_CORRUPT:
                return .foreign("the metadata file is not an SQLite database, or is corrupt (\(error.message ?? "\(error.resultCode)"))")
            default: return .backend(error.message ?? "\(error.resultCode)")
            }
        }
        return .backend(describe(error))
    }

    /// Why the database at `path` could not be opened, as the first cause.
    private static func openFailure(_ path: String, _ error: any Error) -> MetadataError {
        guard let error = error as? DatabaseError else { return .backend("cannot open \(path): \(describe(error))") }
        switch error.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return .foreign("\(path) is not an SQLite database, or is corrupt (\(error.message ?? "\(error.resultCode)"))")
        case .SQLITE_BUSY, .SQLITE_LOCKED: return map(error)
        default: return .backend("cannot open \(path): \(error.message ?? "\(error.resultCode)")")
        }
    }

    private static func describe(_ error: any Error) -> String {
        (error as? DatabaseError)?.message ?? "\(error)"
    }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    static func millis(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
