import Foundation

/// Write limits of a log, a namespace or a proxy (DESIGN.md section 10): records per second
/// and bytes per second, each with a soft level (writes above it are counted, shown in
/// metrics and `dlctl top`) and a hard level (writes above it are refused with "over
/// capacity", which clients do not retry). A level left nil does not limit.
public struct WriteLimits: Sendable, Equatable, Codable {
    public var softRecordsPerSecond: Double?
    public var hardRecordsPerSecond: Double?
    public var softBytesPerSecond: Double?
    public var hardBytesPerSecond: Double?

    public init(softRecordsPerSecond: Double? = nil, hardRecordsPerSecond: Double? = nil,
                softBytesPerSecond: Double? = nil, hardBytesPerSecond: Double? = nil) {
        self.softRecordsPerSecond = softRecordsPerSecond
        self.hardRecordsPerSecond = hardRecordsPerSecond
        self.softBytesPerSecond = softBytesPerSecond
        self.hardBytesPerSecond = hardBytesPerSecond
    }

    public static let none = WriteLimits()

    public var isEmpty: Bool { self == .none }

    /// Why these limits cannot be used (a level not positive, or a soft level above its hard
    /// one), or nil.
    public var problem: String? {
        let levels: [(String, Double?)] = [("soft records/s", softRecordsPerSecond), ("hard records/s", hardRecordsPerSecond),
                                           ("soft bytes/s", softBytesPerSecond), ("hard bytes/s", hardBytesPerSecond)]
        for (name, value) in levels {
            if let value, !(value.isFinite && value > 0) { return "\(name) must be a positive number, not \(value)" }
        }
        if let soft = softRecordsPerSecond, let hard = hardRecordsPerSecond, soft > hard {
            return "soft records/s (\(Self.format(soft))) is above hard records/s (\(Self.format(hard)))"
        }
        if let soft = softBytesPerSecond, let hard = hardBytesPerSecond, soft > hard {
            return "soft bytes/s (\(Self.format(soft))) is above hard bytes/s (\(Self.format(hard)))"
        }
        return nil
    }

    /// One line for people: "hard 5 MiB/s, soft 1000 records/s", or "none".
    public var summary: String {
        var parts: [String] = []
        if let value = hardRecordsPerSecond { parts.append("hard \(Self.format(value)) records/s") }
        if let value = hardBytesPerSecond { parts.append("hard \(Self.bytes(value))/s") }
        if let value = softRecordsPerSecond { parts.append("soft \(Self.format(value)) records/s") }
        if let value = softBytesPerSecond { parts.append("soft \(Self.bytes(value))/s") }
        return parts.isEmpty ? "none" : parts.joined(separator: ", ")
    }

    public static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(format: "%.3g", value)
    }

    public static func bytes(_ value: Double) -> String {
        for (unit, size) in [("GiB", 1024.0 * 1024 * 1024), ("MiB", 1024.0 * 1024), ("KiB", 1024.0)] where value >= size {
            return "\(format((value / size * 100).rounded() / 100)) \(unit)"
        }
        return "\(format(value)) B"
    }

    // MARK: Stored form

    /// The stored form: a JSON object (the data of the log's or namespace's metadata node).
    public func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array((try? encoder.encode(self)) ?? Data("{}".utf8))
    }

    /// Stored limits that are not dlctl's, or not usable.
    public struct Malformed: Error, CustomStringConvertible {
        public var description: String
    }

    /// Limits asked for that cannot be used (a soft level above its hard one).
    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
    }

    /// Reads the stored form; empty data (a node nobody configured) is no limits.
    public init(decoding data: [UInt8], of owner: String) throws {
        if data.isEmpty {
            self = .none
            return
        }
        do {
            self = try JSONDecoder().decode(WriteLimits.self, from: Data(data))
        } catch {
            throw Malformed(description: "the limits stored for \(owner) are not dlctl's (\(data.count) bytes that are not a limits object)")
        }
        if let problem { throw Malformed(description: "the limits stored for \(owner) are unusable: \(problem)") }
    }
}
