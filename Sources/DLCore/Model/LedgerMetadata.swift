/// Metadata of one ledger: its quorum, its ensembles over time and whether it is closed.
public struct LedgerMetadata: VersionedMetadata, Equatable {
    public static let formatVersion = 1
    public static let kind = "ledger metadata"

    public enum State: String, Codable, Sendable {
        case open
        case inRecovery = "in-recovery"
        case closed
    }

    public enum DigestType: String, Codable, Sendable { case crc32c }

    /// The bookies that store entries from `firstEntryId` on, until the next ensemble.
    public struct Ensemble: Codable, Equatable, Sendable {
        public var firstEntryId: Int64
        public var bookies: [String]
        public init(firstEntryId: Int64, bookies: [String]) {
            self.firstEntryId = firstEntryId
            self.bookies = bookies
        }
    }

    public var formatVersion: Int = Self.formatVersion
    public var ensembleSize: Int
    public var writeQuorum: Int
    public var ackQuorum: Int
    public var state: State
    /// -1 while nothing is known to be written.
    public var lastEntryId: Int64
    public var length: Int64
    public var digestType: DigestType
    /// Hex of the key derived from the ledger password, checked by bookies on each add.
    public var ledgerKeyHex: String
    public var ensembles: [Ensemble]
    public var createdAtMillis: Int64
    public var customMetadata: [String: String]

    public init(ensembleSize: Int, writeQuorum: Int, ackQuorum: Int, ensemble: [String], ledgerKeyHex: String,
                createdAtMillis: Int64, customMetadata: [String: String] = [:]) {
        self.ensembleSize = ensembleSize
        self.writeQuorum = writeQuorum
        self.ackQuorum = ackQuorum
        self.state = .open
        self.lastEntryId = -1
        self.length = 0
        self.digestType = .crc32c
        self.ledgerKeyHex = ledgerKeyHex
        self.ensembles = [Ensemble(firstEntryId: 0, bookies: ensemble)]
        self.createdAtMillis = createdAtMillis
        self.customMetadata = customMetadata
    }

    /// The ensemble that stores `entryId`.
    public func ensemble(for entryId: Int64) -> Ensemble {
        ensembles.last { $0.firstEntryId <= entryId } ?? ensembles[0]
    }

    /// Ensemble indexes that store entry `entryId`: (e + i) mod E for i < Qw.
    public func writeSet(for entryId: Int64) -> [Int] {
        (0..<writeQuorum).map { Int((entryId + Int64($0)) % Int64(ensembleSize)) }
    }

    public func validate() throws(ModelError) {
        func fail(_ reason: String) -> ModelError { .invalid(what: Self.kind, reason: reason) }
        guard ackQuorum >= 1, writeQuorum >= ackQuorum, ensembleSize >= writeQuorum else {
            throw fail("quorum must keep E >= Qw >= Qa >= 1, got \(ensembleSize)/\(writeQuorum)/\(ackQuorum)")
        }
        if ensembles.isEmpty { throw fail("no ensemble") }
        if ensembles[0].firstEntryId != 0 { throw fail("first ensemble starts at entry \(ensembles[0].firstEntryId)") }
        for (index, ensemble) in ensembles.enumerated() {
            if ensemble.bookies.count != ensembleSize {
                throw fail("ensemble at entry \(ensemble.firstEntryId) has \(ensemble.bookies.count) bookies, not \(ensembleSize)")
            }
            if Set(ensemble.bookies).count != ensemble.bookies.count {
                throw fail("ensemble at entry \(ensemble.firstEntryId) repeats a bookie")
            }
            if index > 0 && ensemble.firstEntryId <= ensembles[index - 1].firstEntryId {
                throw fail("ensembles are not in increasing entry order")
            }
        }
        if lastEntryId < -1 { throw fail("last entry id \(lastEntryId) < -1") }
        if length < 0 { throw fail("negative length") }
        if state != .closed && lastEntryId != -1 && state == .open {
            throw fail("an open ledger has a last entry id")
        }
    }
}
