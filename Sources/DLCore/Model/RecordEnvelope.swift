import Foundation

/// A record as a JSON line: `tail --output json` prints it and `write --input json-envelope`
/// reads it back, so the two copy a log exactly. A payload that is valid UTF-8 is given as
/// text (`encoding` "utf8"), any other as base64 (`encoding` "base64").
public struct RecordEnvelope: Codable, Sendable {
    /// Where the record was read; ignored on input.
    public var dlsn: String?
    public var encoding: String?
    public var payload: String
    public var txid: Int64?

    public init(_ record: PositionedRecord) {
        dlsn = record.dlsn.description
        txid = record.record.txid
        if let text = String(validating: record.record.payload, as: UTF8.self) {
            (payload, encoding) = (text, "utf8")
        } else {
            (payload, encoding) = (Data(record.record.payload).base64EncodedString(), "base64")
        }
    }

    public struct Malformed: Error, CustomStringConvertible {
        public var description: String
    }

    /// The payload's bytes, as `encoding` says (text when it says nothing).
    public func bytes() throws(Malformed) -> [UInt8] {
        switch encoding ?? "utf8" {
        case "utf8": return Array(payload.utf8)
        case "base64":
            guard let data = Data(base64Encoded: payload) else { throw Malformed(description: "payload is not base64") }
            return Array(data)
        case let other: throw Malformed(description: "unknown encoding \"\(other)\" (utf8 or base64)")
        }
    }

    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}
