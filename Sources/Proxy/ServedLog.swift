import DLCore

/// A log this proxy owns: its open writer, shared by every client, and the exactly-once
/// record of each client session's recent writes (learned from the log on take-over).
final class ServedLog: Sendable {
    typealias Respond = @Sendable (ProxyResponse) -> Void

    let log: String
    let namespace: String
    let writer: LogWriter
    private let limits: ProxyLimits
    private let deduplication: Locked<WriteDeduplication>
    /// Answers owed to retries of a write that is being appended.
    private let retries = Locked<[WriteOrigin: [Respond]]>([:])

    init(log: LogName, writer: LogWriter, limits: ProxyLimits, history: [(origin: WriteOrigin, dlsns: [DLSN])]) {
        self.log = log.description
        self.namespace = log.namespace
        self.writer = writer
        self.limits = limits
        var deduplication = WriteDeduplication()
        for write in history { deduplication.learned(write.origin, at: write.dlsns) }
        self.deduplication = Locked(deduplication)
    }

    /// Appends one client write (or answers it from what is known), then `respond`s once it is
    /// acknowledged or refused. `lost` runs when the writer failed: the log is no longer this
    /// proxy's to serve. Returns once the write is queued, so a connection's writes keep their order.
    func write(origin: WriteOrigin?, records: [ProxyRecord], respond: @escaping Respond, lost: @escaping @Sendable () -> Void) async {
        if let origin {
            switch deduplication.withLock({ $0.check(origin) }) {
            case .append:
                break
            case let .duplicate(dlsns):
                return respond(.write(.ok, detail: "already appended", dlsns: dlsns))
            case .inFlight:
                retries.withLock { $0[origin, default: []].append(respond) }
                return
            case .forgotten:
                return respond(.write(.ok, detail: "already appended, before the writes this proxy remembers", dlsns: []))
            case let .gap(expected):
                return respond(.write(.notReady, detail: "write \(origin.sequence) of session \(origin.session) came before write \(expected)",
                                      dlsns: []))
            }
        }
        let bytes = records.reduce(0) { $0 + $1.payload.count }
        if case let .refused(reason) = limits.admit(log: log, namespace: namespace, records: records.count, bytes: bytes) {
            if let origin { deduplication.withLock { $0.failed(origin) } }
            let response = ProxyResponse.write(.overCapacity, detail: "over capacity: \(reason) (a refused write is not retried)", dlsns: [])
            respond(response)
            if let origin, let waiting = retries.withLock({ $0.removeValue(forKey: origin) }) { waiting.forEach { $0(response) } }
            return
        }
        let (deduplication, retries, log) = (self.deduplication, self.retries, self.log)
        do {
            try await writer.enqueue(write: records, origin: origin) { result in
                let response: ProxyResponse
                switch result {
                case let .success(dlsns):
                    if let origin { deduplication.withLock { $0.appended(origin, at: dlsns) } }
                    response = .write(.ok, detail: "", dlsns: dlsns)
                case let .failure(error):
                    if let origin { deduplication.withLock { $0.failed(origin) } }
                    response = .write(.unavailable, detail: "the proxy gave \(log) up: \(error)", dlsns: [])
                    lost()
                }
                respond(response)
                if let origin, let waiting = retries.withLock({ $0.removeValue(forKey: origin) }) {
                    waiting.forEach { $0(response) }
                }
            }
        } catch {
            if let origin { deduplication.withLock { $0.failed(origin) } }
            let (status, gone) = Self.status(of: error)
            respond(.write(status, detail: "\(error)", dlsns: []))
            if let origin, let waiting = retries.withLock({ $0.removeValue(forKey: origin) }) {
                waiting.forEach { $0(.write(status, detail: "\(error)", dlsns: [])) }
            }
            if gone { lost() }
        }
    }

    /// How a writer's refusal is answered, and whether the writer is done for.
    static func status(of error: any Error) -> (ProxyStatus, lost: Bool) {
        switch error {
        case LogError.recordTooLarge: return (.recordTooLarge, false)
        case LogError.txidOutOfOrder: return (.txidOutOfOrder, false)
        case LogError.endOfStream: return (.endOfStream, true)
        case LogError.noSuchLog: return (.noSuchLog, true)
        default: return (.unavailable, true)
        }
    }
}
