import DLCore
import Foundation
import NIOHTTP1

/// One request to a proxy's HTTP door, read whole (the body up to `HTTPDoor.maxBodyBytes`).
struct HTTPDoorRequest: Sendable {
    var method: HTTPMethod
    var path: String
    var query: [String: String]
    var contentType: String
    var body: [UInt8]

    init(head: HTTPRequestHead, body: [UInt8]) {
        method = head.method
        let parts = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        path = parts.first.map { String($0).removingPercentEncoding ?? String($0) } ?? "/"
        var query: [String: String] = [:]
        if parts.count > 1 {
            for pair in parts[1].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let key = String(kv[0]).removingPercentEncoding ?? String(kv[0])
                query[key] = kv.count > 1 ? (String(kv[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(kv[1])) : ""
            }
        }
        self.query = query
        contentType = head.headers.first(name: "Content-Type")?.split(separator: ";").first
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? "text/plain"
        self.body = body
    }

    /// The records of a write body, as its Content-Type says: text/plain (a record per line; also
    /// what curl sends by default),
    /// application/x-ndjson (a JSON value per line, the line is the record) or
    /// application/octet-stream (each record a 4-byte big-endian length, then its bytes).
    func records() throws(HTTPDoorError) -> [[UInt8]] {
        switch contentType {
        case "text/plain", "application/x-www-form-urlencoded":  // curl --data-binary's default: lines
            var lines = body.split(separator: 0x0A, omittingEmptySubsequences: false).map { Array($0) }
            if lines.last?.isEmpty == true { lines.removeLast() }
            return lines
        case "application/x-ndjson", "application/json":
            var records: [[UInt8]] = []
            for (number, line) in body.split(separator: 0x0A).enumerated() where !line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) {
                guard (try? JSONSerialization.jsonObject(with: Data(line), options: [.fragmentsAllowed])) != nil else {
                    throw .badRequest("line \(number + 1) of the body is not JSON")
                }
                records.append(Array(line))
            }
            return records
        case "application/octet-stream":
            var records: [[UInt8]] = []
            var index = 0
            while index < body.count {
                guard index + 4 <= body.count else { throw .badRequest("the body ends inside a record's length") }
                let length = body[index..<index + 4].reduce(0) { $0 << 8 | Int($1) }
                index += 4
                guard length <= Limits.maxRecordSize else {
                    throw .tooLarge("record \(records.count + 1) of \(length) bytes is over the limit of \(Limits.maxRecordSize)")
                }
                guard index + length <= body.count else { throw .badRequest("the body ends inside record \(records.count + 1)") }
                records.append(Array(body[index..<index + length]))
                index += length
            }
            return records
        default:
            throw .unsupportedMediaType("Content-Type \(contentType) is not text/plain, application/x-ndjson or application/octet-stream")
        }
    }

    /// `from=`: start (the default), end, a DLSN or txid:N.
    func start() throws(HTTPDoorError) -> LogReader.Start {
        switch query["from"] ?? "start" {
        case "start", "beginning": return .beginning
        case "end": return .end
        case let text where text.hasPrefix("txid:"):
            guard let txid = Int64(text.dropFirst(5)), txid >= 0 else { throw .badRequest("from=\(text) is not txid:N") }
            return .txid(txid)
        case let text:
            guard let dlsn = try? DLSN(parsing: text), dlsn.segmentSequenceNumber >= 1, dlsn.entryId >= 0, dlsn.slotId >= 0 else {
                throw .badRequest("from=\(text) is not start, end, txid:N or a DLSN")
            }
            return .dlsn(dlsn)
        }
    }
}

/// An HTTP door answer other than success: its HTTP status, the dlctl exit status that says the
/// same on the command line, and one line.
struct HTTPDoorError: Error, Sendable {
    var status: HTTPResponseStatus
    var code: Int
    var message: String

    static func badRequest(_ message: String) -> HTTPDoorError { .init(status: .badRequest, code: 64, message: message) }
    static func tooLarge(_ message: String) -> HTTPDoorError { .init(status: .payloadTooLarge, code: 64, message: message) }
    static func unsupportedMediaType(_ message: String) -> HTTPDoorError { .init(status: .unsupportedMediaType, code: 64, message: message) }
    static func notFound(_ message: String) -> HTTPDoorError { .init(status: .notFound, code: 2, message: message) }
    static func methodNotAllowed(_ message: String) -> HTTPDoorError { .init(status: .methodNotAllowed, code: 64, message: message) }

    /// What a failure of the tier or the log means over HTTP.
    init(status: HTTPResponseStatus, code: Int, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    init(_ error: any Error) {
        switch error {
        case let error as HTTPDoorError: self = error
        case let refusal as ProxyRefusal:
            switch refusal.status {
            case .noSuchLog: self.init(status: .notFound, code: 2, message: refusal.detail)
            case .recordTooLarge, .txidOutOfOrder, .malformed: self.init(status: .badRequest, code: 64, message: refusal.detail)
            case .endOfStream: self.init(status: .conflict, code: 3, message: refusal.detail)
            case .overCapacity: self.init(status: .tooManyRequests, code: 6, message: refusal.detail)
            case .ok, .behind, .redirect, .notReady, .unavailable: self.init(status: .serviceUnavailable, code: 4, message: refusal.detail)
            }
        case LogError.noSuchLog, LogError.noSuchNamespace, LogError.positionTruncated, LogError.positionPastEnd:
            self.init(status: .notFound, code: 2, message: "\(error)")
        case LogError.recordTooLarge: self.init(status: .payloadTooLarge, code: 64, message: "\(error)")
        case LogError.txidOutOfOrder, is LogName.Invalid: self.init(status: .badRequest, code: 64, message: "\(error)")
        case LogError.endOfStream: self.init(status: .conflict, code: 3, message: "\(error)")
        default: self.init(status: .serviceUnavailable, code: 4, message: "\(error)")
        }
    }

    var json: String {
        let body: [String: Any] = ["error": message, "code": code, "status": Int(status.code)]
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
