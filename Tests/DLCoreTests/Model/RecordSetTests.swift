import DLCore
import NIOCore
import Testing
import TestSupport

@Suite struct LogRecordTests {
    @Test func roundTripsWithFlagsAndPosition() throws {
        let record = LogRecord(txid: 42, payload: Array("hello".utf8), flags: [.recordSet], positionWithinSegment: 7)
        let decoded = try LogRecord(bytes: record.bytes)
        #expect(decoded == record)
        #expect(LogRecord.endOfStream.isEndOfStream && LogRecord.endOfStream.isControl)
        #expect(LogRecord.endOfStream.txid == TxId.endOfStream)
        #expect(try LogRecord(bytes: LogRecord.control(txid: 3).bytes).isControl)
    }

    @Test func enforcesTheRecordLimit() throws {
        try LogRecord(txid: 1, payload: [UInt8](repeating: 1, count: Limits.maxRecordSize)).validateForWrite()
        #expect(throws: ModelError.tooLarge(what: "log record", size: Limits.maxRecordSize + 1, limit: Limits.maxRecordSize)) {
            try LogRecord(txid: 1, payload: [UInt8](repeating: 1, count: Limits.maxRecordSize + 1)).validateForWrite()
        }
        #expect(Limits.maxRecordSize == 1024 * 1024 - 8192)
        #expect(Limits.maxEntrySize == 1024 * 1024 - 4096)
    }

    @Test func rejectsMalformedRecords() {
        let good = LogRecord(txid: 1, payload: [1, 2, 3]).bytes
        for cut in 0..<good.count {
            #expect(throws: ModelError.self) { try LogRecord(bytes: Array(good.prefix(cut))) }
        }
        var lying = good
        lying[19] = 200 // payload length says 200, 3 bytes follow
        #expect(throws: ModelError.lengthMismatch(what: "log record payload", declared: 200, actual: 3)) { try LogRecord(bytes: lying) }
        var unknownFlag = good
        unknownFlag[7] = 0x80
        #expect(throws: ModelError.self) { try LogRecord(bytes: unknownFlag) }
        #expect(throws: ModelError.trailingBytes(what: "log record", count: 1)) { try LogRecord(bytes: good + [0]) }
        var huge = good
        huge[16] = 0x7F
        #expect(throws: ModelError.self) { try LogRecord(bytes: huge) }
    }
}

@Suite struct RecordSetTests {
    static func sample(_ count: Int) -> [LogRecord] {
        (0..<count).map { LogRecord(txid: Int64($0), payload: Array("record number \($0) ".utf8) + [UInt8](repeating: UInt8($0 % 7), count: 50)) }
    }

    @Test(arguments: CompressionCodec.allCases)
    func roundTripsWithEveryCodec(_ codec: CompressionCodec) throws {
        for count in [0, 1, 2, 100] {
            let set = RecordSet(records: Self.sample(count))
            let encoded = try set.encode(codec: codec)
            #expect(try RecordSet(decoding: encoded) == set)
        }
    }

    @Test func lz4ShrinksRepetitiveData() throws {
        let set = RecordSet(records: Self.sample(200))
        let (compressed, plain) = (try set.encode(codec: .lz4), try set.encode(codec: .none))
        #expect(compressed.count < plain.count / 2)
    }

    @Test func givesEachInnerRecordItsDLSN() throws {
        let encoded = try RecordSet(records: Self.sample(3)).encode()
        let positioned = try RecordSet.positioned(entry: encoded, segment: 4, entryId: 9)
        #expect(positioned.map(\.dlsn) == [DLSN(4, 9, 0), DLSN(4, 9, 1), DLSN(4, 9, 2)])
        #expect(positioned.map(\.record.txid) == [0, 1, 2])
    }

    @Test func refusesSetsOverTheEntryLimit() {
        let big = [LogRecord(txid: 1, payload: [UInt8](repeating: 0, count: Limits.maxRecordSize)),
                   LogRecord(txid: 2, payload: [UInt8](repeating: 0, count: 8000))]
        #expect(throws: ModelError.self) { try RecordSet(records: big).encode(codec: .none) }
    }

    @Test func rejectsEveryTruncation() throws {
        for codec in CompressionCodec.allCases {
            let encoded = try RecordSet(records: Self.sample(5)).encode(codec: codec)
            for cut in 0..<encoded.count {
                #expect(throws: ModelError.self) { try RecordSet(decoding: Array(encoded.prefix(cut))) }
            }
        }
    }

    /// A header: metadata, count, plain length, stored length.
    static func header(_ metadata: UInt32, count: UInt32, plain: UInt32, stored: UInt32) -> [UInt8] {
        var buffer = ByteBuffer()
        buffer.writeInteger(metadata)
        buffer.writeInteger(count)
        buffer.writeInteger(plain)
        buffer.writeInteger(stored)
        return Array(buffer.readableBytesView)
    }

    /// Version 2 carries which client write each record came from; a set without origins is
    /// still written as version 1, byte for byte what readers of version 1 know.
    @Test func originsRoundTripAndOnlyVersionTwoCarriesThem() throws {
        let records = (0..<4).map { LogRecord(txid: Int64($0), payload: [UInt8($0)]) }
        let origins = [RecordSetOrigin(origin: WriteOrigin(session: 7, sequence: 1), firstSlot: 0, count: 3),
                       RecordSetOrigin(origin: WriteOrigin(session: .max, sequence: 0), firstSlot: 3, count: 1)]
        for codec in [CompressionCodec.none, .lz4] {
            let encoded = try RecordSet(records: records, origins: origins).encode(codec: codec)
            #expect(encoded[2] >> 4 == 2, "version 2 in the metadata word (0x2000)")
            #expect(try RecordSet(decoding: encoded) == RecordSet(records: records, origins: origins))
        }
        let plain = try RecordSet(records: records).encode()
        #expect(plain[2] >> 4 == 1)
        #expect(try RecordSet(decoding: plain).origins.isEmpty)
    }

    @Test func rejectsOriginsThatDoNotFitTheRecords() throws {
        let records = [LogRecord(txid: 1, payload: [1]), LogRecord(txid: 2, payload: [2])]
        func encoded(_ origins: [(UInt32, UInt32)]) throws -> [UInt8] {
            try RecordSet(records: records, origins: origins.map {
                RecordSetOrigin(origin: WriteOrigin(session: 1, sequence: 1), firstSlot: $0.0, count: $0.1)
            }).encode()
        }
        let cases: [[(UInt32, UInt32)]] = [[(0, 3)], [(2, 1)], [(0, 0)], [(1, 1), (0, 1)], [(0, 2), (1, 1)]]
        for bad in cases {
            #expect(throws: ModelError.self, "\(bad)") { try RecordSet(decoding: try encoded(bad)) }
        }
        let good = try encoded([(0, 1), (1, 1)])
        for cut in 1...28 {
            #expect(throws: ModelError.self, "cut \(cut)") { try RecordSet(decoding: Array(good.dropLast(cut))) }
        }
        #expect(throws: ModelError.self) { try RecordSet(decoding: good + [0]) }
    }

    @Test func rejectsBadHeaders() {
        #expect(throws: ModelError.unsupportedVersion(what: "record set", found: 3)) {
            try RecordSet(decoding: Self.header(0x3000, count: 0, plain: 0, stored: 0))
        }
        #expect(throws: ModelError.unknownCodec(2)) { try RecordSet(decoding: Self.header(0x1002, count: 0, plain: 0, stored: 0)) }
        #expect(throws: ModelError.lengthMismatch(what: "record set body", declared: 10, actual: 0)) {
            try RecordSet(decoding: Self.header(0x1000, count: 0, plain: 10, stored: 10))
        }
        #expect(throws: ModelError.self) { try RecordSet(decoding: Self.header(0x1000, count: 1_000_000, plain: 20, stored: 20) + [UInt8](repeating: 0, count: 20)) }
        // Uncompressed body whose lengths disagree.
        #expect(throws: ModelError.self) { try RecordSet(decoding: Self.header(0x1000, count: 0, plain: 4, stored: 2) + [0, 0]) }
        // Count says two records, body holds one.
        let one = LogRecord(txid: 1, payload: [1]).bytes
        #expect(throws: ModelError.self) {
            try RecordSet(decoding: Self.header(0x1000, count: 2, plain: UInt32(one.count), stored: UInt32(one.count)) + one)
        }
        // Count says one record, body holds two.
        #expect(throws: ModelError.trailingBytes(what: "record set body", count: one.count)) {
            try RecordSet(decoding: Self.header(0x1000, count: 1, plain: UInt32(one.count * 2), stored: UInt32(one.count * 2)) + one + one)
        }
    }

    @Test func rejectsLZ4Bombs() throws {
        // A tiny LZ4 body claiming a decompressed size over the entry limit is refused before
        // anything is allocated.
        let zeros = [UInt8](repeating: 0, count: 1024 * 1024)
        let compressed = try RecordSet(records: [LogRecord(txid: 1, payload: Array(zeros.prefix(Limits.maxRecordSize)))]).encode(codec: .lz4)
        #expect(compressed.count < 8 * 1024)
        var bomb = compressed
        bomb.replaceSubrange(8..<12, with: Self.header(0, count: 0, plain: 0x7FFF_FFFF, stored: 0)[8..<12])
        #expect(throws: ModelError.tooLarge(what: "record set body", size: 0x7FFF_FFFF, limit: Limits.maxEntrySize)) {
            try RecordSet(decoding: bomb)
        }
        // Declared size within the limit but smaller than what the data inflates to.
        var short = compressed
        short.replaceSubrange(8..<12, with: Self.header(0, count: 0, plain: 1000, stored: 0)[8..<12])
        #expect(throws: ModelError.self) { try RecordSet(decoding: short) }
        // Declared size larger than what the data inflates to.
        var long = compressed
        long.replaceSubrange(8..<12, with: Self.header(0, count: 0, plain: UInt32(Limits.maxEntrySize), stored: 0)[8..<12])
        #expect(throws: ModelError.self) { try RecordSet(decoding: long) }
        // Garbage in place of LZ4 data.
        let garbage = Self.header(0x1001, count: 1, plain: 100, stored: 16) + [UInt8](repeating: 0xFF, count: 16)
        #expect(throws: ModelError.self) { try RecordSet(decoding: garbage) }
    }

    @Test func survivesSeededRandomMutations() async throws {
        var generator = SeededGenerator(seed: 2026)
        let origins = [RecordSetOrigin(origin: WriteOrigin(session: 3, sequence: 9), firstSlot: 0, count: 4),
                       RecordSetOrigin(origin: WriteOrigin(session: 8, sequence: 1), firstSlot: 4, count: 6)]
        let originals = try [RecordSet(records: Self.sample(10)).encode(codec: .none),
                             RecordSet(records: Self.sample(10)).encode(codec: .lz4),
                             RecordSet(records: Self.sample(10), origins: origins).encode(codec: .none),
                             RecordSet(records: Self.sample(10), origins: origins).encode(codec: .lz4)]
        var decodedOrRejected = 0
        for round in 0..<20_000 {
            if round % 1024 == 0 { await Task.yield() }
            var bytes = originals[round % originals.count]
            let mutations = Int.random(in: 1...4, using: &generator)
            for _ in 0..<mutations {
                switch Int.random(in: 0..<4, using: &generator) {
                case 0: bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                case 1: bytes.removeLast(Int.random(in: 0...min(8, bytes.count - 1), using: &generator))
                case 2: bytes.insert(UInt8.random(in: 0...255, using: &generator), at: Int.random(in: 0...bytes.count, using: &generator))
                default:
                    let index = Int.random(in: 0..<min(16, bytes.count), using: &generator)
                    bytes[index] ^= 0xFF
                }
            }
            // Every outcome is a value or a typed ModelError (the initializer throws nothing
            // else); a trap would end the test run.
            _ = try? RecordSet(decoding: bytes)
            decodedOrRejected += 1
        }
        #expect(decodedOrRejected == 20_000)
    }
}
