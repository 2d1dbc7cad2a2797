import DLCore

/// The write limits a proxy enforces (`WriteAdmission` decides) and what they refused, shared
/// by every log it owns: the proxy's own limits, and those of each owned log and its namespace,
/// read from the metadata when the log is taken and again whenever they change.
final class ProxyLimits: Sendable {
    private let admission = Locked(WriteAdmission())

    init(proxy limits: WriteLimits) {
        admission.withLock { $0.configure(.proxy, limits, now: .now) }
    }

    func admit(log: String, namespace: String, records: Int, bytes: Int) -> WriteAdmission.Decision {
        admission.withLock { $0.admit(log: log, namespace: namespace, records: records, bytes: bytes, now: .now) }
    }

    func configure(_ scope: WriteAdmission.Scope, _ limits: WriteLimits) {
        admission.withLock { $0.configure(scope, limits, now: .now) }
    }

    func forget(_ scope: WriteAdmission.Scope) { admission.withLock { $0.forget(scope) } }

    func limits(of scope: WriteAdmission.Scope) -> WriteLimits { admission.withLock { $0.limits(of: scope) } }

    var totals: WriteAdmission.Counters { admission.withLock { $0.totals } }
}
