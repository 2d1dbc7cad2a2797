/// A log's full name: `namespace/log`. Each part is 1 to 128 characters of letters, digits,
/// '.', '_' and '-', not starting with '.'.
public struct LogName: Hashable, Sendable, CustomStringConvertible {
    public let namespace: String
    public let log: String

    public enum Invalid: Error, Equatable, CustomStringConvertible {
        case shape(String)
        case part(String, reason: String)
        public var description: String {
            switch self {
            case let .shape(text): return "'\(text)' is not NAMESPACE/LOG"
            case let .part(part, reason): return "invalid name '\(part)': \(reason)"
            }
        }
    }

    public init(namespace: String, log: String) throws(Invalid) {
        try Self.validate(namespace)
        try Self.validate(log)
        self.namespace = namespace
        self.log = log
    }

    public init(parsing text: String) throws(Invalid) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw .shape(text) }
        try self.init(namespace: String(parts[0]), log: String(parts[1]))
    }

    public static func validate(_ part: String) throws(Invalid) {
        if part.isEmpty { throw .part(part, reason: "empty") }
        if part.count > 128 { throw .part(part, reason: "longer than 128 characters") }
        if part.hasPrefix(".") { throw .part(part, reason: "starts with '.'") }
        for scalar in part.unicodeScalars {
            let ok = ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                || scalar == "." || scalar == "_" || scalar == "-"
            if !ok { throw .part(part, reason: "character '\(scalar)' is not allowed (letters, digits, '.', '_', '-')") }
        }
    }

    public var description: String { "\(namespace)/\(log)" }

    // MARK: Metadata paths

    public static func namespacePath(_ namespace: String) -> String { ClusterLayout.namespaces + "/" + namespace }
    public var path: String { Self.namespacePath(namespace) + "/" + log }
    public var segmentsPath: String { path + "/segments" }
    public var maxTxIdPath: String { path + "/maxtxid" }
    public var lockPath: String { path + "/lock" }
    public var readLockPath: String { path + "/readlock" }
    public var subscribersPath: String { path + "/subscribers" }
    public func segmentPath(_ sequenceNumber: Int64) -> String { segmentsPath + "/" + SegmentMetadata.nodeName(sequenceNumber) }
}
