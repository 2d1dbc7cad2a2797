import Foundation
import GRDBSQLite

/// An SQLite database that belongs to some other program, for tests of what dlctl does when
/// pointed at it.
public enum ForeignSQLite {
    /// Creates the database at `path` with `table`.
    public static func create(_ path: String, table: String) throws {
        try execute(path, "CREATE TABLE \(table)(x)")
    }

    /// The names of the tables of the database at `path`.
    public static func tables(_ path: String) throws -> [String] {
        var names: [String] = []
        try withDatabase(path) { db in
            var statement: OpaquePointer?
            guard sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table'", -1, &statement, nil) == SQLITE_OK
            else { throw Failure(description: String(cString: sqlite3_errmsg(db))) }
            defer { sqlite3_finalize(statement) }
            while sqlite3_step(statement) == SQLITE_ROW { names.append(String(cString: sqlite3_column_text(statement, 0))) }
        }
        return names
    }

    public struct Failure: Error, CustomStringConvertible { public var description: String }

    /// Runs `sql` on the database at `path` from a connection of its own (a write another
    /// process makes behind dlctl's back).
    public static func execute(_ path: String, _ sql: String) throws {
        try withDatabase(path) { db in
            guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else { throw Failure(description: String(cString: sqlite3_errmsg(db))) }
        }
    }

    private static func withDatabase(_ path: String, _ body: (OpaquePointer?) throws -> Void) throws {
        var db: OpaquePointer?
        guard sqlite3_open(path, &db) == SQLITE_OK else { throw Failure(description: "cannot open \(path)") }
        defer { sqlite3_close(db) }
        try body(db)
    }
}
