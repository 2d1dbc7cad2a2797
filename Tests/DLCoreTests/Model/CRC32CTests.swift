import DLCore
import Testing
import TestSupport

@Suite struct CRC32CTests {
    @Test func matchesTheStandardCheckValue() {
        // The CRC-32C check value of "123456789" (RFC 3720 appendix B.4).
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([]) == 0)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
    }

    @Test func hardwareAndSoftwareAgreeAndContinue() {
        var generator = SeededGenerator(seed: 5)
        for length in [0, 1, 7, 8, 9, 63, 64, 65, 1000, 4096, 65_537] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let whole = CRC32C.checksum(bytes)
            #expect(whole == bytes.withUnsafeBytes { CRC32C.software($0) }, "length \(length)")
            let split = length / 3
            let first = CRC32C.checksum(Array(bytes[..<split]))
            #expect(CRC32C.checksum(Array(bytes[split...]), continuing: first) == whole, "length \(length)")
        }
    }
}
