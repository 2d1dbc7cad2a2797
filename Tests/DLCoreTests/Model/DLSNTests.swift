import DLCore
import Foundation
import Testing

@Suite struct DLSNTests {
    @Test func ordersLexicographically() {
        let ordered = [DLSN.invalid, DLSN(1, 0, 0), DLSN(1, 0, 1), DLSN(1, 1, 0), DLSN(2, 0, 0), DLSN(2, 0, 5), DLSN(10, 0, 0)]
        #expect(ordered == ordered.shuffled().sorted())
        #expect(DLSN(1, 2, 3).next == DLSN(1, 2, 4))
        #expect(DLSN(1, 2, 3).startOfNextSegment == DLSN(2, 0, 0))
    }

    @Test func textFormRoundTrips() throws {
        let dlsn = DLSN(99, 88, 77)
        #expect(dlsn.description == "99,88,77")
        #expect(try DLSN(parsing: "99,88,77") == dlsn)
        #expect(try DLSN(parsing: " 99, 88 ,77 ") == dlsn)
    }

    @Test func binaryFormIsDistributedLogsVersionOne() throws {
        let dlsn = DLSN(99, 88, 77)
        let bytes = dlsn.bytes
        #expect(bytes.count == 25)
        #expect(bytes[0] == 1)
        #expect(Array(bytes[1...8]) == [0, 0, 0, 0, 0, 0, 0, 99])
        #expect(try DLSN(bytes: bytes) == dlsn)
        // DistributedLog's serialize() of DLSN(99, 88, 77): standard base64 of the 25 bytes.
        #expect(dlsn.base64 == "AQAAAAAAAABjAAAAAAAAAFgAAAAAAAAATQ==")
        #expect(try DLSN(parsing: "AQAAAAAAAABjAAAAAAAAAFgAAAAAAAAATQ==") == dlsn)
        let negative = DLSN(0, -1, -1)
        #expect(try DLSN(base64: negative.base64) == negative)
    }

    @Test func malformedInputsAreTypedErrors() {
        #expect(throws: ModelError.self) { try DLSN(bytes: []) }
        #expect(throws: ModelError.unsupportedVersion(what: "DLSN", found: 0)) { try DLSN(bytes: [0] + [UInt8](repeating: 0, count: 24)) }
        #expect(throws: ModelError.unsupportedVersion(what: "DLSN", found: 7)) { try DLSN(bytes: [7] + [UInt8](repeating: 0, count: 24)) }
        #expect(throws: ModelError.lengthMismatch(what: "DLSN", declared: 25, actual: 24)) { try DLSN(bytes: [1] + [UInt8](repeating: 0, count: 23)) }
        #expect(throws: ModelError.lengthMismatch(what: "DLSN", declared: 25, actual: 26)) { try DLSN(bytes: [1] + [UInt8](repeating: 0, count: 25)) }
        for text in ["", "1,2", "1,2,3,4", "a,b,c", "1,,3", "99999999999999999999,0,0", "not base64!!", "AQAAAAAAAABjAAAAAAAAAFgAAAAAAAAATQ=", "####################################"] {
            #expect(throws: ModelError.self, "\(text)") { try DLSN(parsing: text) }
        }
    }

    @Test func codableUsesTheTextForm() throws {
        let data = try JSONEncoder().encode([DLSN(3, 4, 5)])
        #expect(String(decoding: data, as: UTF8.self) == #"["3,4,5"]"#)
        #expect(try JSONDecoder().decode([DLSN].self, from: data) == [DLSN(3, 4, 5)])
        #expect(throws: (any Error).self) { try JSONDecoder().decode([DLSN].self, from: Data(#"["x"]"#.utf8)) }
    }
}

@Suite struct TxIdTests {
    @Test func nonDecreasingTxIdsAreAccepted() throws {
        try TxId.validate(0, after: nil)
        try TxId.validate(5, after: 5)
        try TxId.validate(6, after: 5)
    }

    @Test func violationsAreNamed() {
        #expect(throws: TxId.Violation.outOfOrder(previous: 5, attempted: 4)) { try TxId.validate(4, after: 5) }
        #expect(throws: TxId.Violation.negative(-1)) { try TxId.validate(-1, after: nil) }
        #expect(throws: TxId.Violation.reserved(Int64.max)) { try TxId.validate(.max, after: 1) }
        #expect("\(TxId.Violation.outOfOrder(previous: 5, attempted: 4))".contains("out of order"))
    }
}
