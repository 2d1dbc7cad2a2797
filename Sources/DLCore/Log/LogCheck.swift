/// A consistency check of a log's metadata against its ledgers (DistributedLog's dlck):
/// each completed segment's record count, last DLSN and first/last txid are compared with
/// what its closed ledger holds; an in-progress segment nobody writes is reported. With
/// `repair`, mismatches are fixed (open ledgers recovered first, metadata rewritten).
public enum LogCheck {
    public struct Finding: Sendable, Encodable, Equatable {
        public var log: String
        public var segment: Int64
        public var problem: String
        public var repaired: Bool
    }

    public static func check(_ name: LogName, store: any MetadataStore, connections: BookieConnections,
                             repair: Bool) async throws -> [Finding] {
        var findings: [Finding] = []
        func report(_ segment: Int64, _ problem: String, repaired: Bool) {
            findings.append(Finding(log: name.description, segment: segment, problem: problem, repaired: repaired))
        }
        let segments = try await LogCatalog(store: store).segments(name)
        let writer = try await LogLock.holder(of: name, store: store)
        for (index, (segment, version)) in segments.enumerated() {
            if segment.state == .inProgress {
                if index + 1 < segments.count {
                    report(segment.sequenceNumber, "in progress but not the last segment", repaired: false)
                } else if writer == nil {
                    var fixed = false
                    if repair {
                        _ = try await SegmentRecovery.complete(segment, version: version, log: name, store: store,
                                                               connections: connections)
                        fixed = true
                    }
                    report(segment.sequenceNumber, "in progress with no writer holding the lock (run 'dlctl recover')",
                           repaired: fixed)
                }
                continue
            }
            if segment.truncation == .truncated { continue }
            guard let node = try await store.getIfExists(ClusterLayout.ledgerPath(segment.ledgerId)) else {
                report(segment.sequenceNumber, "its ledger \(segment.ledgerId) does not exist", repaired: false)
                continue
            }
            var ledger = try LedgerMetadata(decoding: node.data)
            if ledger.state != .closed {
                report(segment.sequenceNumber, "its ledger \(segment.ledgerId) is still open", repaired: repair)
                guard repair else { continue }
                _ = try await LedgerRecovery.recover(store: store, connections: connections, ledgerId: segment.ledgerId)
                ledger = try LedgerMetadata(decoding: try await store.get(ClusterLayout.ledgerPath(segment.ledgerId)).data)
            }
            let reader = try await LedgerReader.open(store: store, connections: connections, ledgerId: segment.ledgerId)
            let actual = try await SegmentScan.contents(of: segment, reader: reader, through: ledger.lastEntryId)
            var mismatches: [String] = []
            if actual.recordCount != segment.recordCount {
                mismatches.append("record count \(segment.recordCount), ledger holds \(actual.recordCount)")
            }
            if actual.lastDLSN != segment.lastDLSN {
                mismatches.append("last DLSN \(segment.lastDLSN?.description ?? "none"), ledger ends at \(actual.lastDLSN?.description ?? "none")")
            }
            if actual.recordCount > 0 && actual.lastTxId != segment.lastTxId {
                mismatches.append("last txid \(segment.lastTxId), ledger's is \(actual.lastTxId)")
            }
            if actual.recordCount > 0 && actual.firstTxId != segment.firstTxId {
                mismatches.append("first txid \(segment.firstTxId), ledger's is \(actual.firstTxId)")
            }
            guard !mismatches.isEmpty else { continue }
            if repair {
                var fixed = segment
                fixed.recordCount = actual.recordCount
                fixed.lastDLSN = actual.lastDLSN
                fixed.lastTxId = actual.recordCount > 0 ? actual.lastTxId : TxId.invalid
                if actual.recordCount > 0 { fixed.firstTxId = actual.firstTxId }
                fixed.length = ledger.length
                try await store.set(name.segmentPath(segment.sequenceNumber), data: fixed.encoded(), expectedVersion: version)
                if actual.recordCount > 0 { try await LogCatalog(store: store).raiseMaxTxId(name, to: actual.lastTxId) }
            }
            for mismatch in mismatches { report(segment.sequenceNumber, mismatch, repaired: repair) }
        }
        return findings
    }
}
