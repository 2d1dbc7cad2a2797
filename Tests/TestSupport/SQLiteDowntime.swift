import GRDBSQLite

/// Models time passing while a machine was off: every session in the embedded store's file
/// at `path` is past its expiry, as after a power loss longer than the session timeout.
/// The next store to open expires them, with their ephemeral nodes (locks, registrations).
public enum SQLiteDowntime {
    public static func expireEverySession(_ path: String) throws {
        var db: OpaquePointer?
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK else {
            defer { sqlite3_close(db) }
            throw Failure(message: String(cString: sqlite3_errmsg(db)))
        }
        defer { sqlite3_close(db) }
        sqlite3_busy_timeout(db, 10_000)
        guard sqlite3_exec(db, "PRAGMA synchronous = FULL; UPDATE sessions SET expires_at = 0", nil, nil, nil) == SQLITE_OK else {
            throw Failure(message: String(cString: sqlite3_errmsg(db)))
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var message: String
        public var description: String { "cannot age the sessions: \(message)" }
    }
}
