import ArgumentParser
import DLCore

/// A rate given on the command line: a number, bytes with a unit (512KiB, 5MiB, 1GiB), or
/// `none` (no limit at that level).
struct RateArgument: ExpressibleByArgument, Sendable {
    var value: Double?

    init?(argument: String) {
        let text = argument.trimmingCharacters(in: .whitespaces)
        if text.lowercased() == "none" {
            value = nil
            return
        }
        var number = Substring(text)
        var scale = 1.0
        for (unit, size) in [("gib", 1024.0 * 1024 * 1024), ("mib", 1024.0 * 1024), ("kib", 1024.0), ("b", 1.0)]
        where text.lowercased().hasSuffix(unit) {
            number = text.dropLast(unit.count)
            scale = size
            break
        }
        guard let parsed = Double(number.trimmingCharacters(in: .whitespaces)), parsed.isFinite, parsed > 0 else { return nil }
        value = parsed * scale
    }

    static var defaultCompletionKind: CompletionKind { .list(["none"]) }

    var defaultValueDescription: String { value.map { WriteLimits.bytes($0) } ?? "none" }
}

/// Write limits given as options: per second, soft (counted) and hard (refused).
struct LimitOptions: ParsableArguments, Sendable {
    @Option(name: .customLong("soft-records"), help: "Records per second above which writes are counted (or none).")
    var softRecords: RateArgument?
    @Option(name: .customLong("hard-records"), help: "Records per second above which writes are refused (or none).")
    var hardRecords: RateArgument?
    @Option(name: .customLong("soft-bytes"), help: "Bytes per second above which writes are counted: 512KiB, 5MiB (or none).")
    var softBytes: RateArgument?
    @Option(name: .customLong("hard-bytes"), help: "Bytes per second above which writes are refused: 512KiB, 5MiB (or none).")
    var hardBytes: RateArgument?

    var isEmpty: Bool { softRecords == nil && hardRecords == nil && softBytes == nil && hardBytes == nil }

    /// `limits` with the levels given here changed.
    func applied(to limits: WriteLimits) -> WriteLimits {
        var limits = limits
        if let softRecords { limits.softRecordsPerSecond = softRecords.value }
        if let hardRecords { limits.hardRecordsPerSecond = hardRecords.value }
        if let softBytes { limits.softBytesPerSecond = softBytes.value }
        if let hardBytes { limits.hardBytesPerSecond = hardBytes.value }
        return limits
    }
}

/// `log config` and `namespace config`: the limits of one log or namespace, read and changed in
/// the metadata; the owning proxy applies a change within moments, with no restart.
extension AsyncParsableCommand {
    func showLimits(_ scope: WriteAdmission.Scope, cluster: ClusterOptions, output: OutputFormat) async throws {
        try await reportingErrors(timeout: cluster.commandTimeout) {
            let limits = try await cluster.withStore { try await LimitSettings(store: $0).limits(of: scope) }
            try LimitTable.display(output, limits)
        }
    }

    func setLimits(_ scope: WriteAdmission.Scope, _ options: LimitOptions, cluster: ClusterOptions, output: OutputFormat) async throws {
        try await reportingErrors(timeout: cluster.commandTimeout) {
            let limits = try await cluster.withStore { store in
                try await LimitSettings(store: store).update(scope) { $0 = options.applied(to: $0) }
            }
            try LimitTable.display(output, limits)
        }
    }
}

enum LimitTable {
    static func display(_ output: OutputFormat, _ limits: WriteLimits) throws {
        switch output {
        case .json: try JSONOutput.print(limits)
        case .table:
            func rate(_ value: Double?, bytes: Bool) -> String {
                guard let value else { return "none" }
                return bytes ? WriteLimits.bytes(value) + "/s" : WriteLimits.format(value) + "/s"
            }
            Table.print(["LIMIT", "SOFT", "HARD"], [
                ["records", rate(limits.softRecordsPerSecond, bytes: false), rate(limits.hardRecordsPerSecond, bytes: false)],
                ["bytes", rate(limits.softBytesPerSecond, bytes: true), rate(limits.hardBytesPerSecond, bytes: true)],
            ])
        }
    }
}
