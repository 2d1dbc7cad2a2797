import Foundation
import GRDB
import Synchronization

/// One GRDB pool per database file per process, shared by every store of the process.
///
/// Stores of one process then queue on GRDB's single writer instead of contending through
/// SQLite's file lock, whose busy handler sleeps in steps of up to 100 ms. Other processes
/// still contend through the file lock.
final class SQLiteConnections: Sendable {
    static let shared = SQLiteConnections()

    private struct Entry {
        var pool: DatabasePool
        var users: Int
    }

    private let entries = Mutex<[String: Entry]>([:])

    /// The pool for `path`, opened by `open` when no store of this process has it yet.
    func acquire(_ path: String, open: () throws -> DatabasePool) throws -> DatabasePool {
        try entries.withLock { entries in
            if var entry = entries[path] {
                entry.users += 1
                entries[path] = entry
                return entry.pool
            }
            let pool = try open()
            entries[path] = Entry(pool: pool, users: 1)
            return pool
        }
    }

    /// Gives back one use of `path`'s pool; the last user closes it.
    func release(_ path: String) {
        let last = entries.withLock { entries -> DatabasePool? in
            guard var entry = entries[path] else { return nil }
            entry.users -= 1
            if entry.users > 0 {
                entries[path] = entry
                return nil
            }
            entries.removeValue(forKey: path)
            return entry.pool
        }
        try? last?.close()
    }
}
