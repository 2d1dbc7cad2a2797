/// What appends records to a log in order, whether in this process (`LogWriter`, the log's
/// own writer) or through the log's owning write proxy (`ProxyLogWriter`).
public protocol LogAppender: Actor {
    /// Queues a record; `completion` gets its DLSN once acknowledged (or the failure).
    func enqueue(_ payload: [UInt8], txid: Int64?, completion: @escaping LogWriter.Completion) async throws
    /// Sends what is buffered now.
    func flush()
    /// Waits for every queued record; returns the last DLSN (nil: none), or the first failure.
    @discardableResult func close() async throws -> DLSN?
}

extension LogWriter: LogAppender {}
extension ProxyLogWriter: LogAppender {}
