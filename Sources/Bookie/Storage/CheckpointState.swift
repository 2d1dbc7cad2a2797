import DLCore

/// What a checkpoint makes durable in one atomic file: the journal position it covers, the
/// entry logs that hold everything before it, and every ledger's key, fence and LAC.
/// Restart loads it and replays the journal from `journalMark`.
public struct CheckpointState: VersionedMetadata, Equatable {
    public static let formatVersion = 1
    public static let kind = "bookie checkpoint"
    public static let fileName = "checkpoint.json"

    public struct LedgerState: Codable, Equatable, Sendable {
        public var ledgerId: Int64
        public var keyHex: String
        public var fenced: Bool
        public var lastAddConfirmed: Int64
    }

    public var formatVersion: Int = Self.formatVersion
    public var journalMark: JournalMark
    public var entryLogs: [UInt64]
    public var nextEntryLogId: UInt64
    public var ledgers: [LedgerState]
    /// Set while the bookie is in doubt (see `LedgerStorage.doubtBelowLedgerId`); absent otherwise.
    public var doubtBelowLedgerId: Int64?

    public init(journalMark: JournalMark, entryLogs: [UInt64], nextEntryLogId: UInt64, ledgers: [LedgerState]) {
        self.journalMark = journalMark
        self.entryLogs = entryLogs
        self.nextEntryLogId = nextEntryLogId
        self.ledgers = ledgers
    }

    public static let empty = CheckpointState(journalMark: .start, entryLogs: [], nextEntryLogId: 1, ledgers: [])

    public func validate() throws(ModelError) {
        if let max = entryLogs.max(), max >= nextEntryLogId {
            throw .invalid(what: Self.kind, reason: "entry log \(max) is not below the next id \(nextEntryLogId)")
        }
    }
}

enum Hex {
    static func encode(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(chars.count / 2)
        var index = 0
        while index < chars.count {
            guard let high = nibble(chars[index]), let low = nibble(chars[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
