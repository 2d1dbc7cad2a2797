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

extension RecordEnvelope {
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
