import DLCore
import Foundation

/// A `--format` template for printing records: literal text with {txid}, {dlsn}, {dlsn64},
/// {payload}, {size} and {timestamp} (the txid read as milliseconds since the epoch, as
/// `dlctl write --txid-clock` assigns them), and the escapes \n and \t.
struct RecordTemplate {
    enum Part: Equatable {
        case text([UInt8])
        case txid, dlsn, dlsn64, payload, size, timestamp
    }

    let parts: [Part]

    init(parsing template: String) throws(CommandFailure) {
        var parts: [Part] = []
        var literal = ""
        var rest = Substring(template.replacingOccurrences(of: "\\n", with: "\n").replacingOccurrences(of: "\\t", with: "\t"))
        func flushLiteral() {
            if !literal.isEmpty { parts.append(.text(Array(literal.utf8))) }
            literal = ""
        }
        while let open = rest.firstIndex(of: "{") {
            literal += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else {
                throw CommandFailure(.usage, "--format: '{' without a closing '}'")
            }
            let field = rest[rest.index(after: open)..<close]
            let part: Part
            switch field {
            case "txid": part = .txid
            case "dlsn": part = .dlsn
            case "dlsn64": part = .dlsn64
            case "payload": part = .payload
            case "size": part = .size
            case "timestamp": part = .timestamp
            default:
                throw CommandFailure(.usage, "--format: unknown field {\(field)} (txid, dlsn, dlsn64, payload, size, timestamp)")
            }
            flushLiteral()
            parts.append(part)
            rest = rest[rest.index(after: close)...]
        }
        literal += rest
        flushLiteral()
        self.parts = parts
    }

    private static let timestampFormat: Date.ISO8601FormatStyle = .iso8601.year().month().day().time(includingFractionalSeconds: true)

    func render(_ record: PositionedRecord, into output: inout Data) {
        for part in parts {
            switch part {
            case let .text(bytes): output.append(contentsOf: bytes)
            case .txid: output.append(contentsOf: Array("\(record.record.txid)".utf8))
            case .dlsn: output.append(contentsOf: Array(record.dlsn.description.utf8))
            case .dlsn64: output.append(contentsOf: Array(record.dlsn.base64.utf8))
            case .payload: output.append(contentsOf: record.record.payload)
            case .size: output.append(contentsOf: Array("\(record.record.payload.count)".utf8))
            case .timestamp:
                let date = Date(timeIntervalSince1970: Double(record.record.txid) / 1000)
                output.append(contentsOf: Array(date.formatted(Self.timestampFormat).utf8))
            }
        }
        output.append(0x0A)
    }
}
