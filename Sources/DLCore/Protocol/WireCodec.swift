import NIOCore

/// The bookie wire format. Every frame: 4-byte length of what follows, then version (1 byte),
/// kind (0 request, 1 response), opcode, flags, request id (8 bytes), then the body.
/// Integers are big-endian. Every byte from the network is hostile: decoding checks every
/// length against what is there and against the limits, and reports a typed error.
public enum WireCodec {
    public static let version: UInt8 = 1
    /// The largest frame a peer may send: one maximal entry with its headers, with room to spare.
    public static let maxFrameLength = 2 * 1024 * 1024
    public static let maxKeyLength = 64
    public static let maxTokenLength = 256
    public static let maxInfoLength = 1024 * 1024
    static let headerLength = 12

    enum Kind: UInt8 { case request = 0, response = 1 }
    enum Flag {
        static let recovery: UInt8 = 1
        static let fence: UInt8 = 1
        static let piggyback: UInt8 = 1
    }

    // MARK: Encoding

    public static func encode(_ frame: BookieFrame<BookieRequest>, into out: inout ByteBuffer) {
        if case let .add(key, entry, recovery) = frame.message {
            // The hot path: fixed fields in one write, the length known up front.
            let length = UInt32(headerLength + 2 + key.count + StoredEntry.headerLength + entry.payload.count)
            writePrefix(&out, length: length, kind: .request, opcode: .add, flags: recovery ? Flag.recovery : 0,
                        requestId: frame.requestId)
            writeShortBytes(&out, key)
            entry.write(to: &out)
            return
        }
        let start = out.writerIndex
        out.writeInteger(UInt32(0))
        var flags: UInt8 = 0
        switch frame.message {
        case let .add(_, _, recovery): flags = recovery ? Flag.recovery : 0
        case let .read(_, _, fence, _): flags = fence ? Flag.fence : 0
        case let .readLAC(_, _, _, piggyback): flags = piggyback ? Flag.piggyback : 0
        case .info, .auth: break
        }
        writeHeader(&out, kind: .request, opcode: frame.message.opcode, flags: flags, requestId: frame.requestId)
        switch frame.message {
        case let .add(key, entry, _):
            writeShortBytes(&out, key)
            entry.write(to: &out)
        case let .read(ledgerId, entryId, _, key):
            out.writeInteger(ledgerId)
            out.writeInteger(entryId)
            writeShortBytes(&out, key)
        case let .readLAC(ledgerId, previous, timeout, _):
            out.writeInteger(ledgerId)
            out.writeInteger(previous)
            out.writeInteger(timeout)
        case .info:
            break
        case let .auth(token):
            writeShortBytes(&out, token)
        }
        out.setInteger(UInt32(out.writerIndex - start - 4), at: start)
    }

    public static func encode(_ frame: BookieFrame<BookieResponse>, into out: inout ByteBuffer) {
        if case let .add(status, ledgerId, entryId) = frame.message {
            writePrefix(&out, length: UInt32(headerLength + MemoryLayout<BookieStatus.RawValue>.size + 16), kind: .response, opcode: .add, flags: 0,
                        requestId: frame.requestId)
            out.writeInteger(status.rawValue)
            withUnsafeBytes(of: (ledgerId.bigEndian, entryId.bigEndian)) { _ = out.writeBytes($0) }
            return
        }
        let start = out.writerIndex
        out.writeInteger(UInt32(0))
        writeHeader(&out, kind: .response, opcode: frame.message.opcode, flags: 0, requestId: frame.requestId)
        out.writeInteger(frame.message.status.rawValue)
        switch frame.message {
        case let .add(_, ledgerId, entryId):
            out.writeInteger(ledgerId)
            out.writeInteger(entryId)
        case let .read(_, ledgerId, entryId, entry):
            out.writeInteger(ledgerId)
            out.writeInteger(entryId)
            writeOptionalEntry(&out, entry)
        case let .readLAC(_, ledgerId, lac, entry):
            out.writeInteger(ledgerId)
            out.writeInteger(lac)
            writeOptionalEntry(&out, entry)
        case let .info(_, json):
            out.writeInteger(UInt32(json.count))
            out.writeBytes(json)
        case .auth:
            break
        }
        out.setInteger(UInt32(out.writerIndex - start - 4), at: start)
    }

    /// The length prefix and the header in one write (a packed 16-byte tuple, big-endian).
    private static func writePrefix(_ out: inout ByteBuffer, length: UInt32, kind: Kind, opcode: BookieOpcode, flags: UInt8,
                                    requestId: UInt64) {
        let prefix = (length.bigEndian, version, kind.rawValue, opcode.rawValue, flags, requestId.bigEndian)
        withUnsafeBytes(of: prefix) { _ = out.writeBytes($0) }
    }

    private static func writeHeader(_ out: inout ByteBuffer, kind: Kind, opcode: BookieOpcode, flags: UInt8, requestId: UInt64) {
        out.writeInteger(version)
        out.writeInteger(kind.rawValue)
        out.writeInteger(opcode.rawValue)
        out.writeInteger(flags)
        out.writeInteger(requestId)
    }

    private static func writeShortBytes(_ out: inout ByteBuffer, _ bytes: [UInt8]) {
        out.writeInteger(UInt16(bytes.count))
        out.writeBytes(bytes)
    }

    private static func writeOptionalEntry(_ out: inout ByteBuffer, _ entry: StoredEntry?) {
        if let entry {
            out.writeInteger(UInt8(1))
            entry.write(to: &out)
        } else {
            out.writeInteger(UInt8(0))
        }
    }

    // MARK: Decoding (of one frame body, after the length prefix)

    /// The request id of a frame body, if it has a complete header (to answer a bad request).
    public static func peekRequestId(_ body: ByteBuffer) -> UInt64? {
        body.getInteger(at: body.readerIndex + 4, as: UInt64.self)
    }

    /// Decodes a request. `knownKey` is a ledger key the caller already holds (the previous
    /// add's): an add with the same key shares it instead of allocating its own.
    public static func decodeRequest(_ body: ByteBuffer, knownKey: [UInt8]? = nil) throws(ModelError) -> BookieFrame<BookieRequest> {
        var body = body
        let (opcode, flags, requestId) = try readHeader(&body, expecting: .request)
        let request: BookieRequest
        switch opcode {
        case .add:
            let key = try readShortBytes(&body, limit: maxKeyLength, "ledger key", knownKey: knownKey)
            let entry = try StoredEntry.read(from: &body)
            request = .add(ledgerKey: key, entry: entry, recovery: flags & Flag.recovery != 0)
        case .read:
            let ledgerId = try body.readChecked(Int64.self, "read ledger id")
            let entryId = try body.readChecked(Int64.self, "read entry id")
            let key = try readShortBytes(&body, limit: maxKeyLength, "ledger key")
            request = .read(ledgerId: ledgerId, entryId: entryId, fence: flags & Flag.fence != 0, ledgerKey: key)
        case .readLAC:
            let ledgerId = try body.readChecked(Int64.self, "LAC ledger id")
            let previous = try body.readChecked(Int64.self, "previous LAC")
            let timeout = try body.readChecked(UInt32.self, "LAC timeout")
            request = .readLAC(ledgerId: ledgerId, previous: previous, timeoutMillis: timeout,
                               piggyback: flags & Flag.piggyback != 0)
        case .info:
            request = .info
        case .auth:
            request = .auth(token: try readShortBytes(&body, limit: maxTokenLength, "auth token"))
        }
        try body.requireFullyRead("request")
        return BookieFrame(requestId: requestId, message: request)
    }

    public static func decodeResponse(_ body: ByteBuffer) throws(ModelError) -> BookieFrame<BookieResponse> {
        var body = body
        let (opcode, _, requestId) = try readHeader(&body, expecting: .response)
        let rawStatus = try body.readChecked(UInt16.self, "status")
        guard let status = BookieStatus(rawValue: rawStatus) else {
            throw .invalid(what: "response", reason: "unknown status \(rawStatus)")
        }
        let response: BookieResponse
        switch opcode {
        case .add:
            response = .add(status, ledgerId: try body.readChecked(Int64.self, "ledger id"),
                             entryId: try body.readChecked(Int64.self, "entry id"))
        case .read:
            let ledgerId = try body.readChecked(Int64.self, "ledger id")
            let entryId = try body.readChecked(Int64.self, "entry id")
            response = .read(status, ledgerId: ledgerId, entryId: entryId, entry: try readOptionalEntry(&body))
        case .readLAC:
            let ledgerId = try body.readChecked(Int64.self, "ledger id")
            let lac = try body.readChecked(Int64.self, "LAC")
            response = .readLAC(status, ledgerId: ledgerId, lastAddConfirmed: lac, entry: try readOptionalEntry(&body))
        case .info:
            let length = Int(try body.readChecked(UInt32.self, "info length"))
            guard length <= maxInfoLength else { throw .tooLarge(what: "info", size: length, limit: maxInfoLength) }
            response = .info(status, json: try body.readBytesChecked(length, "info"))
        case .auth:
            response = .auth(status)
        }
        try body.requireFullyRead("response")
        return BookieFrame(requestId: requestId, message: response)
    }

    private static func readHeader(_ body: inout ByteBuffer, expecting kind: Kind) throws(ModelError)
        -> (BookieOpcode, UInt8, UInt64)
    {
        let (rawOpcode, flags, requestId) = try FrameHeader.read(&body, version: version, kind: kind.rawValue, what: "frame")
        guard let opcode = BookieOpcode(rawValue: rawOpcode) else { throw .invalid(what: "frame", reason: "unknown opcode \(rawOpcode)") }
        return (opcode, flags, requestId)
    }

    private static func readShortBytes(_ body: inout ByteBuffer, limit: Int, _ what: String,
                                       knownKey: [UInt8]? = nil) throws(ModelError) -> [UInt8] {
        let length = Int(try body.readChecked(UInt16.self, what + " length"))
        guard length <= limit else { throw .tooLarge(what: what, size: length, limit: limit) }
        if let knownKey, knownKey.count == length,
           body.withUnsafeReadableBytes({ $0.count >= length && $0.prefix(length).elementsEqual(knownKey) }) {
            body.moveReaderIndex(forwardBy: length)
            return knownKey
        }
        return try body.readBytesChecked(length, what)
    }

    private static func readOptionalEntry(_ body: inout ByteBuffer) throws(ModelError) -> StoredEntry? {
        let present = try body.readChecked(UInt8.self, "entry marker")
        switch present {
        case 0: return nil
        case 1: return try StoredEntry.read(from: &body)
        default: throw .invalid(what: "response", reason: "entry marker \(present)")
        }
    }
}
