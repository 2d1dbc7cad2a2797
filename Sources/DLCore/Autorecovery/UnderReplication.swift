import Foundation

/// The under-replication marks in the metadata (`/underreplicated/<ledger>`), on either
/// backend: set by the auditor (merged with a mark already there), listed by `dlctl ledger
/// underreplicated`, removed by the worker that re-replicated the ledger.
public struct UnderReplication: Sendable {
    public static let root = "/underreplicated"
    private let store: any MetadataStore

    public init(store: any MetadataStore) { self.store = store }

    public static func path(_ ledgerId: Int64) -> String {
        root + "/" + ClusterLayout.ledgerName(ledgerId)
    }

    /// Marks `ledgerId` (adding to a mark already there, by compare-and-set).
    public func mark(_ ledgerId: Int64, _ mark: UnderReplicatedLedger) async throws {
        try await store.createIfAbsent(Self.root)
        let path = Self.path(ledgerId)
        while true {
            if let existing = try await store.getIfExists(path) {
                let current = try? UnderReplicatedLedger(decoding: existing.data)
                let merged = current.map { $0.merged(with: mark) } ?? mark
                if merged == current { return }
                if try await store.compareAndSet(path, data: merged.encoded(), version: existing.version) != nil { return }
            } else if try await created(path, mark) {
                return
            }
        }
    }

    /// Creates the mark; false when one appeared meanwhile (it is merged with on the next look).
    private func created(_ path: String, _ mark: UnderReplicatedLedger) async throws -> Bool {
        let error: MetadataError
        do {
            try await store.create(path, data: mark.encoded(), mode: .persistent)
            return true
        } catch let failure {
            error = failure
        }
        if case .nodeExists = error { return false }
        throw error
    }

    /// Every mark, by ledger id; a mark that does not decode is listed with its error.
    public func all() async throws -> [(ledgerId: Int64, mark: Result<UnderReplicatedLedger, ModelError>, version: Int64)] {
        guard try await store.exists(Self.root) != nil else { return [] }
        var marks: [(ledgerId: Int64, mark: Result<UnderReplicatedLedger, ModelError>, version: Int64)] = []
        for name in try await store.children(Self.root).sorted() {
            guard let id = ClusterLayout.ledgerId(ofName: name), let node = try await store.getIfExists(Self.path(id)) else { continue }
            marks.append((id, Result { () throws(ModelError) in try UnderReplicatedLedger(decoding: node.data) }, node.version))
        }
        return marks
    }

    /// Removes the mark of `ledgerId` if it is still at `version` (a newer mark stays).
    public func clear(_ ledgerId: Int64, version: Int64) async throws -> Bool {
        do {
            try await store.delete(Self.path(ledgerId), expectedVersion: version)
            return true
        } catch MetadataError.noNode {
            return true
        } catch MetadataError.badVersion {
            return false
        }
    }
}
