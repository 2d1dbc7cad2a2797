/// When the auditor reads every ledger's metadata again, without I/O (DESIGN.md section 2).
/// Reading them all each second is what a cluster of many ledgers cannot afford; nothing is
/// missed by reading them only when something can have changed: when the registered bookies
/// changed since the last read, while a bookie the ledgers name is missing (its delay runs, or
/// it is lost and its ledgers are being re-replicated), and otherwise at least every `refresh`
/// (a ledger created meanwhile names registered bookies only).
public struct AuditScanSchedule: Sendable {
    public let refresh: Duration
    private var lastRegistered: Set<String>?
    private var lastScan: ContinuousClock.Instant?

    public init(refresh: Duration) { self.refresh = refresh }

    /// Whether a round at `now` reads the ledgers; when it does, it counts as the last read.
    public mutating func due(registered: Set<String>, anyMissing: Bool, now: ContinuousClock.Instant) -> Bool {
        let stale = lastScan.map { now - $0 >= refresh } ?? true
        guard stale || anyMissing || registered != lastRegistered else { return false }
        lastRegistered = registered
        lastScan = now
        return true
    }
}
