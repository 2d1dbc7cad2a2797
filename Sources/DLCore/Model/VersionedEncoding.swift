import Foundation

/// A metadata value stored as JSON with a format version, so that records written by a
/// newer build are refused with a clear error instead of being misread.
public protocol VersionedMetadata: Codable, Sendable {
    /// The format version this build writes and reads.
    static var formatVersion: Int { get }
    /// A human name for error messages ("segment metadata").
    static var kind: String { get }
    /// Rules a decoded value must keep.
    func validate() throws(ModelError)
}

private struct VersionProbe: Decodable { var formatVersion: Int? }

extension VersionedMetadata {
    public func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding plain value types with string keys cannot fail.
        return Array((try? encoder.encode(self)) ?? Data())
    }

    public init(decoding bytes: [UInt8]) throws(ModelError) {
        let data = Data(bytes)
        let probe: VersionProbe
        do { probe = try JSONDecoder().decode(VersionProbe.self, from: data) } catch {
            throw .invalid(what: Self.kind, reason: "not a JSON object")
        }
        guard let version = probe.formatVersion else {
            throw .invalid(what: Self.kind, reason: "no formatVersion field")
        }
        guard version == Self.formatVersion else { throw .unsupportedVersion(what: Self.kind, found: version) }
        do { self = try JSONDecoder().decode(Self.self, from: data) } catch let error as DecodingError {
            throw .invalid(what: Self.kind, reason: Self.describe(error))
        } catch {
            throw .invalid(what: Self.kind, reason: "\(error)")
        }
        try validate()
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map(\.stringValue).joined(separator: ".")
        }
        switch error {
        case let .keyNotFound(key, _): return "missing field \(key.stringValue)"
        case let .typeMismatch(_, context): return "wrong type at \(path(context))"
        case let .valueNotFound(_, context): return "null at \(path(context))"
        case let .dataCorrupted(context): return "bad value at \(path(context)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
