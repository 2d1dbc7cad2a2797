import DLCore
import NIOCore
import Testing
import TestSupport

/// The write-proxy wire format: every message round-trips, and bytes from the network, however
/// mangled, end in a value or a typed error, never a trap or a huge allocation.
@Suite struct ProxyCodecTests {
    static let records = [ProxyRecord(payload: Array("one".utf8)), ProxyRecord(payload: [], txid: 7),
                          ProxyRecord(payload: [0xFF, 0x00, 0x0A], txid: Int64.max - 1)]

    static let requests: [BookieFrame<ProxyRequest>] = [
        BookieFrame(requestId: 1, message: .handshake(client: "cli-1")),
        BookieFrame(requestId: 2, message: .write(log: "t/a", origin: WriteOrigin(session: 9, sequence: 3), records: records)),
        BookieFrame(requestId: 3, message: .write(log: "t/a", origin: nil, records: [])),
        BookieFrame(requestId: 4, message: .endOfStream(log: "t/a", origin: WriteOrigin(session: .max, sequence: 0))),
        BookieFrame(requestId: 5, message: .endOfStream(log: "t/a", origin: nil)),
        BookieFrame(requestId: 6, message: .truncate(log: "t/é", before: DLSN(3, 4, 5))),
        BookieFrame(requestId: .max, message: .release(log: "t/a")),
        BookieFrame(requestId: 8, message: .drain(undo: true)),
        BookieFrame(requestId: 9, message: .drain(undo: false)),
        BookieFrame(requestId: 10, message: .follow(log: "t/a", from: .beginning)),
        BookieFrame(requestId: 11, message: .follow(log: "t/a", from: .end)),
        BookieFrame(requestId: 12, message: .follow(log: "t/a", from: .dlsn(DLSN(1, 2, 3)))),
        BookieFrame(requestId: 13, message: .follow(log: "t/a", from: .after(DLSN(4, 5, 6)))),
        BookieFrame(requestId: 14, message: .follow(log: "t/a", from: .txid(-1))),
    ]

    static let responses: [BookieFrame<ProxyResponse>] = [
        BookieFrame(requestId: 1, message: .handshake(.ok, detail: "", info: ProxyInfo(address: "127.0.0.1:4181", draining: true,
                                                                                         ownedLogs: ["t/a", "t/b"]))),
        BookieFrame(requestId: 2, message: .write(.ok, detail: "", dlsns: [DLSN(1, 0, 0), DLSN(1, 0, 1)])),
        BookieFrame(requestId: 3, message: .write(.redirect, detail: "127.0.0.2:4181", dlsns: [])),
        BookieFrame(requestId: 4, message: .endOfStream(.ok, detail: "", dlsn: DLSN(2, 0, 0))),
        BookieFrame(requestId: 5, message: .endOfStream(.endOfStream, detail: "sealed", dlsn: nil)),
        BookieFrame(requestId: 6, message: .truncate(.noSuchLog, detail: "log t/x does not exist")),
        BookieFrame(requestId: 7, message: .release(.notReady, detail: "recovering")),
        BookieFrame(requestId: 8, message: .drain(.ok, detail: "")),
        BookieFrame(requestId: 9, message: .handshake(.ok, detail: "", info: busyInfo)),
        BookieFrame(requestId: 10, message: .records(.ok, detail: "", records: [
            PositionedRecord(dlsn: DLSN(1, 0, 0), record: LogRecord(txid: 5, payload: [])),
            PositionedRecord(dlsn: DLSN(1, 0, 1), record: LogRecord(txid: 6, payload: [0, 0xFF, 10])),
        ])),
        BookieFrame(requestId: 11, message: .records(.behind, detail: "cut off", records: [])),
    ]

    static var busyInfo: ProxyInfo {
        var info = ProxyInfo(address: "[::1]:4181", draining: false, ownedLogs: [])
        info.connections = 1000
        info.requests = 12
        info.bytes = 1 << 40
        info.requestsPerSecond = 0.5
        info.bytesPerSecond = 1e9
        info.overSoftLimit = 3
        info.overCapacity = .max
        info.limits = "hard 5 MiB/s"
        info.followers = 1000
        return info
    }

    static func bytes(_ frame: BookieFrame<ProxyRequest>) -> ByteBuffer {
        var buffer = ByteBuffer()
        ProxyCodec.encode(frame, into: &buffer)
        return buffer
    }

    static func bytes(_ frame: BookieFrame<ProxyResponse>) -> ByteBuffer {
        var buffer = ByteBuffer()
        ProxyCodec.encode(frame, into: &buffer)
        return buffer
    }

    /// The frame body: after the 4-byte length, which must say how much follows.
    static func body(_ buffer: ByteBuffer) -> ByteBuffer {
        var buffer = buffer
        let length = buffer.readInteger(as: UInt32.self)
        #expect(Int(length ?? 0) == buffer.readableBytes)
        return buffer
    }

    @Test func everyMessageRoundTrips() throws {
        for frame in Self.requests {
            #expect(try ProxyCodec.decodeRequest(Self.body(Self.bytes(frame))) == frame)
            #expect(ProxyCodec.peekRequestId(Self.body(Self.bytes(frame))) == frame.requestId)
        }
        for frame in Self.responses { #expect(try ProxyCodec.decodeResponse(Self.body(Self.bytes(frame))) == frame) }
    }

    @Test func aRequestIsNotAResponseNorTheOtherWayRound() {
        #expect(throws: ModelError.self) { try ProxyCodec.decodeResponse(Self.body(Self.bytes(Self.requests[1]))) }
        #expect(throws: ModelError.self) { try ProxyCodec.decodeRequest(Self.body(Self.bytes(Self.responses[1]))) }
    }

    /// Counts that promise more than the frame holds are refused before anything is allocated
    /// for them; a record over the record limit is refused by its declared length.
    @Test func lyingCountsAndLengthsAreRefused() {
        /// A write request's header and log name, by hand.
        func writeRequest() -> ByteBuffer {
            var buffer = ByteBuffer()
            buffer.writeBytes([ProxyCodec.version, 0, ProxyOpcode.write.rawValue, 0])
            buffer.writeInteger(UInt64(1))
            buffer.writeInteger(UInt16(3))
            buffer.writeBytes(Array("t/a".utf8))
            return buffer
        }
        var write = writeRequest()
        write.writeInteger(UInt32(99_999))
        #expect(throws: ModelError.self) { try ProxyCodec.decodeRequest(write) }
        var big = writeRequest()
        big.writeInteger(UInt32(1))
        big.writeInteger(UInt8(0))
        big.writeInteger(UInt32(Limits.maxRecordSize + 1))
        big.writeBytes([UInt8](repeating: 0, count: 16))
        #expect(throws: ModelError.tooLarge(what: "log record", size: Limits.maxRecordSize + 1, limit: Limits.maxRecordSize)) {
            try ProxyCodec.decodeRequest(big)
        }
        var answer = ByteBuffer()
        answer.writeBytes([ProxyCodec.version, 1, ProxyOpcode.write.rawValue, 0])
        answer.writeInteger(UInt64(1))
        answer.writeInteger(UInt16(0))
        answer.writeInteger(UInt16(0))
        answer.writeInteger(UInt32(50_000))
        #expect(throws: ModelError.self) { try ProxyCodec.decodeResponse(answer) }
    }

    /// Mangled frames (bytes changed, cut, inserted, or noise) decode or throw a ModelError.
    @Test func mangledFramesNeverTrap() {
        var random = SeededGenerator(seed: 0x9_0C5)
        let samples = Self.requests.map { Array(Self.body(Self.bytes($0)).readableBytesView) }
            + Self.responses.map { Array(Self.body(Self.bytes($0)).readableBytesView) }
        var decoded = 0
        for round in 0..<5_000 {
            var bytes = samples[round % samples.count]
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                switch Int.random(in: 0..<5, using: &random) {
                case 0 where !bytes.isEmpty: bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
                case 1 where !bytes.isEmpty: bytes.removeLast(Int.random(in: 0...min(12, bytes.count), using: &random))
                case 2: bytes.insert(UInt8.random(in: 0...255, using: &random), at: Int.random(in: 0...bytes.count, using: &random))
                case 3 where bytes.count > 4:
                    let index = Int.random(in: 0..<bytes.count - 4, using: &random)
                    bytes.replaceSubrange(index..<index + 4, with: [0xFF, 0xFF, 0xFF, 0xFF])
                default: bytes = (0..<Int.random(in: 0...64, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                }
            }
            let buffer = ByteBuffer(bytes: bytes)
            if (try? ProxyCodec.decodeRequest(buffer)) != nil { decoded += 1 }
            if (try? ProxyCodec.decodeResponse(buffer)) != nil { decoded += 1 }
        }
        // Some mangled frames still decode (a changed payload byte); most are refused.
        #expect(decoded > 0 && decoded < 5_000, "\(decoded)")
    }

    /// A string over the limit is cut at a character boundary, and still decodes.
    @Test func longStringsAreCutAtACharacterBoundary() throws {
        let long = String(repeating: "é", count: ProxyCodec.maxStringLength)
        let frame = BookieFrame(requestId: 1, message: ProxyResponse.release(.unavailable, detail: long))
        let decoded = try ProxyCodec.decodeResponse(Self.body(Self.bytes(frame)))
        #expect(decoded.message.detail.utf8.count <= ProxyCodec.maxStringLength)
        #expect(long.hasPrefix(decoded.message.detail) && !decoded.message.detail.isEmpty)
    }
}
