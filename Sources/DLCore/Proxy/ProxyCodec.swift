import NIOCore

/// The write-proxy wire format, framed as the bookie's (`FrameDecoder` splits it): 4-byte length
/// of what follows, then version (1 byte), kind (0 request, 1 response), opcode, flags, request
/// id (8 bytes), then the body. Strings are a 2-byte length and UTF-8; a DLSN is three 8-byte
/// integers; integers are big-endian. Every byte from the network is hostile: each length is
/// checked against what is there and against the limits, and errors are typed.
public enum ProxyCodec {
    public static let version: UInt8 = 1
    /// The longest log name, client name, address or detail.
    public static let maxStringLength = 1024
    /// Records in one write.
    public static let maxRecords = 100_000
    /// Logs a handshake lists.
    public static let maxOwnedLogs = 100_000

    enum Kind: UInt8 { case request = 0, response = 1 }
    /// Version, kind, opcode, flags and request id.
    static let headerLength = 12
    enum Flag {
        /// A write or end-of-stream carries its origin (session, sequence).
        static let origin: UInt8 = 1
        /// A record carries a txid.
        static let txid: UInt8 = 1
    }

    // MARK: Encoding

    public static func encode(_ frame: BookieFrame<ProxyRequest>, into out: inout ByteBuffer) {
        let start = out.writerIndex
        out.writeInteger(UInt32(0))
        var flags: UInt8 = 0
        switch frame.message {
        case let .write(_, origin, _), let .endOfStream(_, origin): flags = origin == nil ? 0 : Flag.origin
        case .handshake, .truncate, .release, .drain, .follow: break
        }
        writeHeader(&out, kind: .request, opcode: frame.message.opcode.rawValue, flags: flags, requestId: frame.requestId)
        switch frame.message {
        case let .handshake(client):
            writeString(&out, client)
        case let .write(log, origin, records):
            writeString(&out, log)
            if let origin { writeOrigin(&out, origin) }
            out.writeInteger(UInt32(records.count))
            for record in records {
                out.writeInteger(record.txid == nil ? 0 : Flag.txid)
                if let txid = record.txid { out.writeInteger(txid) }
                out.writeInteger(UInt32(record.payload.count))
                out.writeBytes(record.payload)
            }
        case let .endOfStream(log, origin):
            writeString(&out, log)
            if let origin { writeOrigin(&out, origin) }
        case let .truncate(log, before):
            writeString(&out, log)
            writeDLSN(&out, before)
        case let .release(log):
            writeString(&out, log)
        case let .drain(undo):
            out.writeInteger(UInt8(undo ? 1 : 0))
        case let .follow(log, from):
            writeString(&out, log)
            writeStart(&out, from)
        }
        out.setInteger(UInt32(out.writerIndex - start - 4), at: start)
    }

    public static func encode(_ frame: BookieFrame<ProxyResponse>, into out: inout ByteBuffer) {
        let start = out.writerIndex
        out.writeInteger(UInt32(0))
        writeHeader(&out, kind: .response, opcode: frame.message.opcode.rawValue, flags: 0, requestId: frame.requestId)
        out.writeInteger(frame.message.status.rawValue)
        writeString(&out, frame.message.detail)
        switch frame.message {
        case let .handshake(_, _, info):
            writeString(&out, info.address)
            out.writeInteger(UInt8(info.draining ? 1 : 0))
            out.writeInteger(UInt32(info.ownedLogs.count))
            for log in info.ownedLogs { writeString(&out, log) }
            out.writeInteger(UInt32(clamping: info.connections))
            out.writeInteger(info.requests)
            out.writeInteger(info.bytes)
            out.writeInteger(info.requestsPerSecond.bitPattern)
            out.writeInteger(info.bytesPerSecond.bitPattern)
            out.writeInteger(info.overSoftLimit)
            out.writeInteger(info.overCapacity)
            writeString(&out, info.limits)
            out.writeInteger(UInt32(clamping: info.followers))
        case let .write(_, _, dlsns):
            out.writeInteger(UInt32(dlsns.count))
            for dlsn in dlsns { writeDLSN(&out, dlsn) }
        case let .endOfStream(_, _, dlsn):
            out.writeInteger(UInt8(dlsn == nil ? 0 : 1))
            if let dlsn { writeDLSN(&out, dlsn) }
        case let .records(_, _, records):
            writeRecords(&out, records)
        case .truncate, .release, .drain:
            break
        }
        out.setInteger(UInt32(out.writerIndex - start - 4), at: start)
    }

    /// The body of an ok `records` response, encoded once and sent to every follower that
    /// needs these records (only the frame header differs: `recordsFrame`).
    public static func encodeRecordsBody(_ records: some Collection<PositionedRecord>, into out: inout ByteBuffer) {
        out.writeInteger(ProxyStatus.ok.rawValue)
        writeString(&out, "")
        writeRecords(&out, records)
    }

    /// The header of a `records` response whose body (`encodeRecordsBody`) is `bodyLength` bytes.
    public static func recordsFrameHeader(requestId: UInt64, bodyLength: Int, into out: inout ByteBuffer) {
        out.writeInteger(UInt32(headerLength + bodyLength))
        writeHeader(&out, kind: .response, opcode: ProxyOpcode.follow.rawValue, flags: 0, requestId: requestId)
    }

    private static func writeRecords(_ out: inout ByteBuffer, _ records: some Collection<PositionedRecord>) {
        out.writeInteger(UInt32(records.count))
        for record in records {
            writeDLSN(&out, record.dlsn)
            out.writeInteger(record.record.txid)
            out.writeInteger(UInt32(record.record.payload.count))
            out.writeBytes(record.record.payload)
        }
    }

    private static func writeStart(_ out: inout ByteBuffer, _ start: LogReader.Start) {
        switch start {
        case .beginning: out.writeInteger(UInt8(0))
        case .end: out.writeInteger(UInt8(1))
        case let .dlsn(dlsn):
            out.writeInteger(UInt8(2))
            writeDLSN(&out, dlsn)
        case let .after(dlsn):
            out.writeInteger(UInt8(3))
            writeDLSN(&out, dlsn)
        case let .txid(txid):
            out.writeInteger(UInt8(4))
            out.writeInteger(txid)
        }
    }

    private static func writeHeader(_ out: inout ByteBuffer, kind: Kind, opcode: UInt8, flags: UInt8, requestId: UInt64) {
        out.writeInteger(version)
        out.writeInteger(kind.rawValue)
        out.writeInteger(opcode)
        out.writeInteger(flags)
        out.writeInteger(requestId)
    }

    /// Strings longer than `maxStringLength` are cut there (at a character boundary).
    private static func writeString(_ out: inout ByteBuffer, _ text: String) {
        var bytes = Array(text.utf8.prefix(maxStringLength))
        while String(validating: bytes, as: UTF8.self) == nil { bytes.removeLast() }
        out.writeInteger(UInt16(bytes.count))
        out.writeBytes(bytes)
    }

    private static func writeOrigin(_ out: inout ByteBuffer, _ origin: WriteOrigin) {
        out.writeInteger(origin.session)
        out.writeInteger(origin.sequence)
    }

    private static func writeDLSN(_ out: inout ByteBuffer, _ dlsn: DLSN) {
        out.writeInteger(dlsn.segmentSequenceNumber)
        out.writeInteger(dlsn.entryId)
        out.writeInteger(dlsn.slotId)
    }

    // MARK: Decoding (of one frame body, after the length prefix)

    /// The request id of a frame body, if it has a complete header (to answer a bad request).
    public static func peekRequestId(_ body: ByteBuffer) -> UInt64? {
        body.getInteger(at: body.readerIndex + 4, as: UInt64.self)
    }

    public static func decodeRequest(_ body: ByteBuffer) throws(ModelError) -> BookieFrame<ProxyRequest> {
        var body = body
        let (opcode, flags, requestId) = try readHeader(&body, expecting: .request)
        let request: ProxyRequest
        switch opcode {
        case .handshake:
            request = .handshake(client: try readString(&body, "client"))
        case .write:
            let log = try readString(&body, "log name")
            let origin = flags & Flag.origin != 0 ? try readOrigin(&body) : nil
            // A record takes at least 5 bytes (flags, length).
            let count = try readCount(&body, "records", limit: maxRecords, each: 5)
            var records: [ProxyRecord] = []
            records.reserveCapacity(count)
            for _ in 0..<count {
                let recordFlags = try body.readChecked(UInt8.self, "record flags")
                guard recordFlags & ~Flag.txid == 0 else { throw .invalid(what: "record", reason: "unknown flags \(recordFlags)") }
                let txid = recordFlags & Flag.txid != 0 ? try body.readChecked(Int64.self, "record txid") : nil
                let length = Int(try body.readChecked(UInt32.self, "record length"))
                guard length <= Limits.maxRecordSize else {
                    throw .tooLarge(what: "log record", size: length, limit: Limits.maxRecordSize)
                }
                records.append(ProxyRecord(payload: try body.readBytesChecked(length, "record payload"), txid: txid))
            }
            request = .write(log: log, origin: origin, records: records)
        case .endOfStream:
            let log = try readString(&body, "log name")
            request = .endOfStream(log: log, origin: flags & Flag.origin != 0 ? try readOrigin(&body) : nil)
        case .truncate:
            request = .truncate(log: try readString(&body, "log name"), before: try readDLSN(&body))
        case .release:
            request = .release(log: try readString(&body, "log name"))
        case .drain:
            let undo = try body.readChecked(UInt8.self, "drain undo marker")
            guard undo <= 1 else { throw .invalid(what: "drain request", reason: "undo marker \(undo)") }
            request = .drain(undo: undo == 1)
        case .follow:
            request = .follow(log: try readString(&body, "log name"), from: try readStart(&body))
        }
        try body.requireFullyRead("proxy request")
        return BookieFrame(requestId: requestId, message: request)
    }

    public static func decodeResponse(_ body: ByteBuffer) throws(ModelError) -> BookieFrame<ProxyResponse> {
        var body = body
        let (opcode, _, requestId) = try readHeader(&body, expecting: .response)
        let rawStatus = try body.readChecked(UInt16.self, "status")
        guard let status = ProxyStatus(rawValue: rawStatus) else {
            throw .invalid(what: "proxy response", reason: "unknown status \(rawStatus)")
        }
        let detail = try readString(&body, "detail")
        let response: ProxyResponse
        switch opcode {
        case .handshake:
            let address = try readString(&body, "address")
            let draining = try body.readChecked(UInt8.self, "draining")
            guard draining <= 1 else { throw .invalid(what: "handshake", reason: "draining marker \(draining)") }
            let count = try readCount(&body, "owned logs", limit: maxOwnedLogs, each: 2)
            var logs: [String] = []
            for _ in 0..<count { logs.append(try readString(&body, "owned log")) }
            var info = ProxyInfo(address: address, draining: draining == 1, ownedLogs: logs)
            info.connections = Int(try body.readChecked(UInt32.self, "connections"))
            info.requests = try body.readChecked(UInt64.self, "requests")
            info.bytes = try body.readChecked(UInt64.self, "bytes")
            info.requestsPerSecond = Double(bitPattern: try body.readChecked(UInt64.self, "request rate"))
            info.bytesPerSecond = Double(bitPattern: try body.readChecked(UInt64.self, "byte rate"))
            guard info.requestsPerSecond.isFinite, info.bytesPerSecond.isFinite, info.requestsPerSecond >= 0, info.bytesPerSecond >= 0 else {
                throw .invalid(what: "handshake", reason: "a rate that is not a finite, non-negative number")
            }
            info.overSoftLimit = try body.readChecked(UInt64.self, "writes over a soft limit")
            info.overCapacity = try body.readChecked(UInt64.self, "writes over capacity")
            info.limits = try readString(&body, "limits")
            info.followers = Int(try body.readChecked(UInt32.self, "followers"))
            response = .handshake(status, detail: detail, info: info)
        case .write:
            let count = try readCount(&body, "DLSNs", limit: maxRecords, each: 24)
            var dlsns: [DLSN] = []
            dlsns.reserveCapacity(count)
            for _ in 0..<count { dlsns.append(try readDLSN(&body)) }
            response = .write(status, detail: detail, dlsns: dlsns)
        case .endOfStream:
            let present = try body.readChecked(UInt8.self, "DLSN marker")
            switch present {
            case 0: response = .endOfStream(status, detail: detail, dlsn: nil)
            case 1: response = .endOfStream(status, detail: detail, dlsn: try readDLSN(&body))
            default: throw .invalid(what: "proxy response", reason: "DLSN marker \(present)")
            }
        case .truncate:
            response = .truncate(status, detail: detail)
        case .release:
            response = .release(status, detail: detail)
        case .drain:
            response = .drain(status, detail: detail)
        case .follow:
            // A record takes at least 36 bytes (DLSN, txid, length).
            let count = try readCount(&body, "records", limit: maxRecords, each: 36)
            var records: [PositionedRecord] = []
            records.reserveCapacity(count)
            for _ in 0..<count {
                let dlsn = try readDLSN(&body)
                let txid = try body.readChecked(Int64.self, "record txid")
                let length = Int(try body.readChecked(UInt32.self, "record length"))
                guard length <= Limits.maxRecordSize else { throw .tooLarge(what: "log record", size: length, limit: Limits.maxRecordSize) }
                records.append(PositionedRecord(dlsn: dlsn, record: LogRecord(txid: txid, payload: try body.readBytesChecked(length, "record payload"))))
            }
            response = .records(status, detail: detail, records: records)
        }
        try body.requireFullyRead("proxy response")
        return BookieFrame(requestId: requestId, message: response)
    }

    private static func readHeader(_ body: inout ByteBuffer, expecting kind: Kind) throws(ModelError)
        -> (ProxyOpcode, UInt8, UInt64)
    {
        let (rawOpcode, flags, requestId) = try FrameHeader.read(&body, version: version, kind: kind.rawValue, what: "proxy frame")
        guard let opcode = ProxyOpcode(rawValue: rawOpcode) else {
            throw .invalid(what: "proxy frame", reason: "unknown opcode \(rawOpcode)")
        }
        guard flags & ~Flag.origin == 0 else { throw .invalid(what: "proxy frame", reason: "unknown flags \(flags)") }
        return (opcode, flags, requestId)
    }

    /// A count of items that take at least `each` bytes: over `limit`, or more than the rest of
    /// the frame can hold, it is refused before anything is allocated for it.
    private static func readCount(_ body: inout ByteBuffer, _ what: String, limit: Int, each: Int) throws(ModelError) -> Int {
        let count = Int(try body.readChecked(UInt32.self, what + " count"))
        guard count <= limit else { throw .tooLarge(what: what, size: count, limit: limit) }
        guard count * each <= body.readableBytes else { throw .truncated(what: what, needed: count * each, available: body.readableBytes) }
        return count
    }

    private static func readString(_ body: inout ByteBuffer, _ what: String) throws(ModelError) -> String {
        let length = Int(try body.readChecked(UInt16.self, what + " length"))
        guard length <= maxStringLength else { throw .tooLarge(what: what, size: length, limit: maxStringLength) }
        guard let text = String(validating: try body.readBytesChecked(length, what), as: UTF8.self) else {
            throw .invalid(what: what, reason: "not UTF-8")
        }
        return text
    }

    private static func readStart(_ body: inout ByteBuffer) throws(ModelError) -> LogReader.Start {
        let kind = try body.readChecked(UInt8.self, "start kind")
        switch kind {
        case 0: return .beginning
        case 1: return .end
        case 2: return .dlsn(try readDLSN(&body))
        case 3: return .after(try readDLSN(&body))
        case 4: return .txid(try body.readChecked(Int64.self, "start txid"))
        default: throw .invalid(what: "follow request", reason: "start kind \(kind)")
        }
    }

    private static func readOrigin(_ body: inout ByteBuffer) throws(ModelError) -> WriteOrigin {
        WriteOrigin(session: try body.readChecked(UInt64.self, "origin session"),
                    sequence: try body.readChecked(UInt64.self, "origin sequence"))
    }

    private static func readDLSN(_ body: inout ByteBuffer) throws(ModelError) -> DLSN {
        DLSN(try body.readChecked(Int64.self, "DLSN segment"), try body.readChecked(Int64.self, "DLSN entry"),
             try body.readChecked(Int64.self, "DLSN slot"))
    }
}
