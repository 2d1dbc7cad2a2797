/// A typed failure to decode or validate one of the engine's data formats.
///
/// Every decoder in DLCore reports malformed input through this type; none traps.
public enum ModelError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input ended before `what` was complete.
    case truncated(what: String, needed: Int, available: Int)
    /// A format version this build does not understand.
    case unsupportedVersion(what: String, found: Int)
    /// A length field disagrees with the bytes that follow it.
    case lengthMismatch(what: String, declared: Int, actual: Int)
    /// A size over one of the limits in `Limits`.
    case tooLarge(what: String, size: Int, limit: Int)
    /// A compression codec id this build does not know.
    case unknownCodec(Int)
    /// Compressed data that does not decompress to its declared size.
    case corruptCompressedData(String)
    /// Bytes left after a complete value.
    case trailingBytes(what: String, count: Int)
    /// A value that parses but breaks a rule (negative id, bad quorum, ...).
    case invalid(what: String, reason: String)

    public var description: String {
        switch self {
        case let .truncated(what, needed, available):
            return "\(what) is truncated: needs \(needed) bytes, \(available) available"
        case let .unsupportedVersion(what, found):
            return "\(what) has unsupported format version \(found)"
        case let .lengthMismatch(what, declared, actual):
            return "\(what) declares \(declared) bytes but holds \(actual)"
        case let .tooLarge(what, size, limit):
            return "\(what) is \(size) bytes, over the limit of \(limit)"
        case let .unknownCodec(code):
            return "unknown compression codec \(code)"
        case let .corruptCompressedData(reason):
            return "corrupt compressed data: \(reason)"
        case let .trailingBytes(what, count):
            return "\(what) has \(count) unexpected trailing bytes"
        case let .invalid(what, reason):
            return "invalid \(what): \(reason)"
        }
    }
}
