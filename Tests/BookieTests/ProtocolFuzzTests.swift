@testable import Bookie
import DLCore
import Foundation
import Logging
import NIOCore
import NIOEmbedded
import Testing
import TestSupport

/// Seeded fuzzing of everything that reads bytes from the network: the frame decoder, the
/// message codec and the server's connection handler. Every input must end in a value, a
/// typed error or a closed connection; never a trap or a hang.
@Suite struct ProtocolFuzzTests {
    static let key = Array("fuzz".utf8)

    static func sampleRequests() -> [BookieFrame<BookieRequest>] {
        let entry = TestEntries.make(ledgerId: 3, count: 1, payloadSize: 64)[0]
        return [
            BookieFrame(requestId: 1, message: .add(ledgerKey: key, entry: entry, recovery: false)),
            BookieFrame(requestId: 2, message: .add(ledgerKey: key, entry: entry, recovery: true)),
            BookieFrame(requestId: 3, message: .read(ledgerId: 3, entryId: 0, fence: false, ledgerKey: key)),
            BookieFrame(requestId: 4, message: .read(ledgerId: 4, entryId: -1, fence: false, ledgerKey: [])),
            BookieFrame(requestId: 5, message: .readLAC(ledgerId: 3, previous: 5, timeoutMillis: 0, piggyback: true)),
            BookieFrame(requestId: 6, message: .info),
            BookieFrame(requestId: 7, message: .auth(token: Array("token".utf8))),
        ]
    }

    static func sampleResponses() -> [BookieFrame<BookieResponse>] {
        let entry = TestEntries.make(ledgerId: 3, count: 1, payloadSize: 64)[0]
        return [
            BookieFrame(requestId: 1, message: .add(.ok, ledgerId: 3, entryId: 0)),
            BookieFrame(requestId: 2, message: .read(.ok, ledgerId: 3, entryId: 0, entry: entry)),
            BookieFrame(requestId: 3, message: .read(.noSuchEntry, ledgerId: 3, entryId: 9, entry: nil)),
            BookieFrame(requestId: 4, message: .readLAC(.ok, ledgerId: 3, lastAddConfirmed: 0, entry: entry)),
            BookieFrame(requestId: 5, message: .info(.ok, json: Array("{}".utf8))),
            BookieFrame(requestId: 6, message: .auth(.unauthorized)),
        ]
    }

    static func encoded(_ frame: BookieFrame<BookieRequest>) -> [UInt8] {
        var buffer = ByteBuffer()
        WireCodec.encode(frame, into: &buffer)
        return Array(buffer.readableBytesView)
    }

    static func mutate(_ bytes: [UInt8], _ random: inout SeededGenerator) -> [UInt8] {
        var bytes = bytes
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            guard !bytes.isEmpty else { break }
            switch Int.random(in: 0..<6, using: &random) {
            case 0: bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            case 1: bytes.removeLast(Int.random(in: 0...min(12, bytes.count), using: &random))
            case 2: bytes.insert(UInt8.random(in: 0...255, using: &random), at: Int.random(in: 0...bytes.count, using: &random))
            case 3: bytes[Int.random(in: 0..<min(bytes.count, 20), using: &random)] ^= 0xFF
            case 4:
                let index = Int.random(in: 0..<bytes.count, using: &random)
                bytes.replaceSubrange(index..<min(bytes.count, index + 4), with: [0xFF, 0xFF, 0xFF, 0xFF])
            default: bytes = (0..<Int.random(in: 0...64, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            }
        }
        return bytes
    }

    @Test func codecsRoundTripEveryMessage() throws {
        for frame in Self.sampleRequests() {
            var buffer = ByteBuffer(bytes: Self.encoded(frame))
            #expect(buffer.readInteger(as: UInt32.self) == UInt32(buffer.readableBytes))
            #expect(try WireCodec.decodeRequest(buffer) == frame)
            // A known key is shared only when the bytes are the same.
            if case let .add(key, _, _) = frame.message {
                #expect(try WireCodec.decodeRequest(buffer, knownKey: key) == frame)
                #expect(try WireCodec.decodeRequest(buffer, knownKey: key.map { $0 ^ 0xff }) == frame)
                #expect(try WireCodec.decodeRequest(buffer, knownKey: key + [1]) == frame)
            }
        }
        for frame in Self.sampleResponses() {
            var buffer = ByteBuffer()
            WireCodec.encode(frame, into: &buffer)
            #expect(buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) == UInt32(buffer.readableBytes - 4))
            buffer.moveReaderIndex(forwardBy: 4)
            #expect(try WireCodec.decodeResponse(buffer) == frame)
        }
    }

    @Test func aMillionMutatedFramesThroughTheDecoders() async {
        var random = SeededGenerator(seed: 20261126)
        let requests = Self.sampleRequests().map { Array(Self.encoded($0).dropFirst(4)) }
        let responses = Self.sampleResponses().map { frame -> [UInt8] in
            var buffer = ByteBuffer()
            WireCodec.encode(frame, into: &buffer)
            return Array(buffer.readableBytesView.dropFirst(4))
        }
        var decoded = 0
        var rejected = 0
        for round in 0..<1_000_000 {
            // Long CPU-bound loops share the test process's cooperative threads.
            if round % 2048 == 0 { await Task.yield() }
            let base = round % 2 == 0 ? requests[round / 2 % requests.count] : responses[round / 2 % responses.count]
            let body = ByteBuffer(bytes: Self.mutate(base, &random))
            let ok = round % 2 == 0 ? (try? WireCodec.decodeRequest(body)) != nil : (try? WireCodec.decodeResponse(body)) != nil
            if ok { decoded += 1 } else { rejected += 1 }
        }
        #expect(decoded + rejected == 1_000_000)
        #expect(rejected > 500_000)
    }

    @Test func aMillionMutatedFramesThroughTheServerHandler() async throws {
        // EmbeddedChannel must stay on the thread that made it: the run has a thread of its own
        // (it never yields, and the test's cooperative threads stay free).
        let outcome = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<FuzzOutcome, any Error>) in
            Thread { continuation.resume(with: Result { try Self.fuzzServerHandler() }) }.start()
        }
        #expect(outcome.fed >= 1_000_000)
        #expect(outcome.connections > 1, "malformed frames close their connection")
        #expect(outcome.responses > 0)
        #expect(outcome.freshStatus == .ok, "the service still answers a well-formed request on a fresh connection")
    }

    struct FuzzOutcome: Sendable {
        var fed = 0
        var connections = 1
        var responses = 0
        var freshStatus: BookieStatus?
    }

    static func fuzzServerHandler() throws -> FuzzOutcome {
        let directory = TemporaryDirectory("dlctl-fuzz")
        let logger = Logger(label: "fuzz", factory: { _ in SwiftLogNoOpLogHandler() })
        let storage = try LedgerStorage(directory: directory.path, logger: logger)
        // A stopped journal answers every add at once, so the run stays single-threaded.
        let journal = try Journal(directory: directory.file("journal"), firstFileId: 1, logger: logger) { _, _ in }
        journal.stop()
        let service = BookieService(bookieId: "fuzz:1", storage: storage, journal: journal, readPool: nil, authToken: nil, logger: logger)
        var random = SeededGenerator(seed: 7)
        let frames = Self.sampleRequests().map(Self.encoded)
        var channel = try Self.makeChannel(service, logger)
        var outcome = FuzzOutcome()
        while outcome.fed < 1_000_000 {
            var batch = ByteBuffer()
            for _ in 0..<16 {
                let base = frames[Int.random(in: 0..<frames.count, using: &random)]
                batch.writeBytes(Int.random(in: 0..<4, using: &random) == 0 ? Self.mutate(base, &random) : base)
                outcome.fed += 1
            }
            do { try channel.writeInbound(batch) } catch {}
            channel.embeddedEventLoop.run()
            while let _ = try channel.readOutbound(as: ByteBuffer.self) { outcome.responses += 1 }
            if !channel.isActive {
                _ = try? channel.finish()
                channel = try Self.makeChannel(service, logger)
                outcome.connections += 1
            }
        }
        let fresh = try Self.makeChannel(service, logger)
        try fresh.writeInbound(ByteBuffer(bytes: Self.encoded(BookieFrame(requestId: 9, message: .info))))
        fresh.embeddedEventLoop.run()
        if var reply = try fresh.readOutbound(as: ByteBuffer.self) {
            reply.moveReaderIndex(forwardBy: 4)
            outcome.freshStatus = try WireCodec.decodeResponse(reply).message.status
        }
        return outcome
    }

    static func makeChannel(_ service: BookieService, _ logger: Logger) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder()))
        try channel.pipeline.syncOperations.addHandler(BookieChannelHandler(service: service, logger: logger))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return channel
    }
}
