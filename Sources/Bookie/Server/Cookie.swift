import DLCore

/// A bookie's identity stamp, written to its data directory and to metadata on first start.
///
/// A start whose data directory and metadata disagree (a wiped or swapped disk) is refused:
/// a bookie that lost its data must never rejoin under the same name and answer "no such entry".
public struct Cookie: VersionedMetadata, Equatable {
    public static let formatVersion = 1
    public static let kind = "bookie cookie"

    public var formatVersion: Int = Self.formatVersion
    public var bookieId: String
    public var instanceId: String
    public var dataDirectory: String

    public init(bookieId: String, instanceId: String, dataDirectory: String) {
        self.bookieId = bookieId
        self.instanceId = instanceId
        self.dataDirectory = dataDirectory
    }

    public func validate() throws(ModelError) {
        if bookieId.isEmpty { throw .invalid(what: Self.kind, reason: "empty bookie id") }
        if instanceId.isEmpty { throw .invalid(what: Self.kind, reason: "empty instance id") }
    }

    /// Why `stored` (in metadata) and `self` (on disk) cannot belong to the same bookie, if so.
    public func mismatch(with stored: Cookie) -> String? {
        if stored.bookieId != bookieId { return "bookie id \(bookieId) on disk, \(stored.bookieId) in metadata" }
        if stored.instanceId != instanceId { return "cluster instance \(instanceId) on disk, \(stored.instanceId) in metadata" }
        return nil
    }
}
