import CLZ4

/// Compression of a record set's body.
public enum CompressionCodec: UInt32, Sendable, CaseIterable, CustomStringConvertible {
    case none = 0
    case lz4 = 1

    public var description: String { self == .none ? "none" : "lz4" }

    public init?(name: String) {
        switch name.lowercased() {
        case "none": self = .none
        case "lz4": self = .lz4
        default: return nil
        }
    }

    func compress(_ input: [UInt8]) -> [UInt8] {
        switch self {
        case .none: return input
        case .lz4:
            let bound = Int(LZ4_compressBound(Int32(input.count)))
            var output = [UInt8](repeating: 0, count: max(bound, 1))
            let written = input.withUnsafeBufferPointer { src in
                output.withUnsafeMutableBufferPointer { dst in
                    src.baseAddress.map { base in
                        base.withMemoryRebound(to: CChar.self, capacity: src.count) { s in
                            dst.baseAddress!.withMemoryRebound(to: CChar.self, capacity: dst.count) { d in
                                LZ4_compress_default(s, d, Int32(src.count), Int32(dst.count))
                            }
                        }
                    } ?? 0
                }
            }
            output.removeSubrange(Int(written)...)
            return output
        }
    }

    /// Decompresses into exactly `expectedLength` bytes; any other outcome is corruption.
    /// The caller bounds `expectedLength`, so a small input cannot claim a huge output.
    func decompress(_ input: [UInt8], expectedLength: Int) throws(ModelError) -> [UInt8] {
        switch self {
        case .none:
            guard input.count == expectedLength else {
                throw .lengthMismatch(what: "uncompressed record set body", declared: expectedLength, actual: input.count)
            }
            return input
        case .lz4:
            if expectedLength == 0 {
                guard input == [0] || input.isEmpty else { throw .corruptCompressedData("non-empty input for an empty body") }
                return []
            }
            var output = [UInt8](repeating: 0, count: expectedLength)
            let produced: Int32 = input.withUnsafeBufferPointer { src in
                output.withUnsafeMutableBufferPointer { dst in
                    guard let s = src.baseAddress, let d = dst.baseAddress else { return -1 }
                    return s.withMemoryRebound(to: CChar.self, capacity: src.count) { sp in
                        d.withMemoryRebound(to: CChar.self, capacity: dst.count) { dp in
                            LZ4_decompress_safe(sp, dp, Int32(src.count), Int32(dst.count))
                        }
                    }
                }
            }
            guard produced >= 0 else { throw .corruptCompressedData("LZ4 rejected the input") }
            guard Int(produced) == expectedLength else {
                throw .lengthMismatch(what: "decompressed record set body", declared: expectedLength, actual: Int(produced))
            }
            return output
        }
    }
}
