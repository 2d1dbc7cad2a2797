import ArgumentParser
import DLCore
import Foundation

/// How `dlctl tail` prints records.
enum RecordOutputMode: String, ExpressibleByArgument, CaseIterable, Sendable {
    /// The payload and a newline (the bytes as they are).
    case lines
    /// One JSON object per line: `RecordEnvelope`.
    case json
    /// Each record as a 4-byte big-endian length, then its bytes: what `write --input
    /// length-prefixed` reads.
    case lengthPrefixed = "length-prefixed"
    /// One record's bytes exactly, nothing added (the read stops after it).
    case raw
}

/// A record as a JSON line: `tail --output json` prints it and `write --input json-envelope`
/// reads it back, so the two copy a log exactly. A payload that is valid UTF-8 is given as
/// text (`encoding` "utf8"), any other as base64 (`encoding` "base64").
struct RecordEnvelope: Codable {
    /// Where the record was read; ignored on input.
    var dlsn: String?
    var encoding: String?
    var payload: String
    var txid: Int64?

    init(_ record: PositionedRecord) {
        dlsn = record.dlsn.description
        txid = record.record.txid
        if let text = String(validating: record.record.payload, as: UTF8.self) {
            (payload, encoding) = (text, "utf8")
        } else {
            (payload, encoding) = (Data(record.record.payload).base64EncodedString(), "base64")
        }
    }

    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    /// The payload's bytes, as `encoding` says (text when it says nothing).
    func bytes() throws(Malformed) -> [UInt8] {
        switch encoding ?? "utf8" {
        case "utf8": return Array(payload.utf8)
        case "base64":
            guard let data = Data(base64Encoded: payload) else { throw Malformed(description: "payload is not base64") }
            return Array(data)
        case let other: throw Malformed(description: "unknown encoding \"\(other)\" (utf8 or base64)")
        }
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// Appends `mode`'s form of `record` to `output` (`lines`, `json`, `length-prefixed` or `raw`).
    static func append(_ record: PositionedRecord, as mode: RecordOutputMode, to output: inout Data) throws {
        let payload = record.record.payload
        switch mode {
        case .lines:
            output += payload
            output.append(0x0A)
        case .json:
            output += try encoder.encode(RecordEnvelope(record))
            output.append(0x0A)
        case .lengthPrefixed:
            let length = UInt32(payload.count)
            output += [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
            output += payload
        case .raw:
            output += payload
        }
    }
}
