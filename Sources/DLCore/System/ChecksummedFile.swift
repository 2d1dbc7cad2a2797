import Foundation

/// A small file a restart relies on (a bookie's checkpoint state, its cookie), stored with a
/// checksum so that damage at rest is found rather than read as other values: the content,
/// then one line: `crc32c`, a space, and the CRC32C of the content as 8 hex digits.
public enum ChecksummedFile {
    static let marker = Array("\ncrc32c ".utf8)
    static let trailerLength = marker.count + 8 + 1

    public static func seal(_ content: [UInt8]) -> [UInt8] {
        content + marker + Array(String(format: "%08x", CRC32C.checksum(content)).utf8) + [UInt8(ascii: "\n")]
    }

    public struct Damaged: Error, CustomStringConvertible {
        public var path: String
        public var description: String { "\(path) is damaged (its checksum does not match its content)" }
    }

    /// The content of `bytes` read from `path`. A file without the checksum line (written before
    /// checksums were kept) is returned whole.
    public static func open(_ bytes: [UInt8], path: String) throws(Damaged) -> [UInt8] {
        guard bytes.count >= trailerLength,
              Array(bytes[(bytes.count - trailerLength)..<(bytes.count - trailerLength + marker.count)]) == marker
        else {
            // A flipped bit in the line itself lands here too: the content then fails to parse.
            return bytes
        }
        let content = Array(bytes[..<(bytes.count - trailerLength)])
        let hex = String(decoding: bytes[(bytes.count - 9)..<(bytes.count - 1)], as: UTF8.self)
        guard bytes.last == UInt8(ascii: "\n"), UInt32(hex, radix: 16) == CRC32C.checksum(content) else { throw Damaged(path: path) }
        return content
    }
}
