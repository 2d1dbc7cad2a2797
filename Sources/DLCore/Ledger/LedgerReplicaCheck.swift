/// Reads entries of a ledger from every bookie that should hold them (plain reads: nothing is
/// fenced) and says which replicas lack which entries: `dlctl ledger check`, and the auditor's
/// periodic check of closed ledgers (sampled, or every entry).
public enum LedgerReplicaCheck {
    /// An entry that some replica of its write set does not hold, or did not answer for.
    public struct Gap: Codable, Equatable, Sendable {
        public var entryId: Int64
        /// Replicas that said explicitly that they do not have it.
        public var lacking: [String]
        /// Replicas that gave no usable answer (down, an error, or a bad digest).
        public var unknown: [String]
    }

    public struct Report: Codable, Equatable, Sendable {
        public var ledgerId: Int64
        /// The last entry checked against (the closed ledger's last entry, or an open one's LAC).
        public var lastEntryId: Int64
        public var entriesChecked: Int
        public var sampled: Bool
        /// Entries with a replica lacking them or not answering, in entry order.
        public var gaps: [Gap]
        /// Entries each bookie lacks (explicitly).
        public var lackingByBookie: [String: Int]
        /// Entries each bookie gave no usable answer for.
        public var unknownByBookie: [String: Int]
        /// Entries no replica holds (lost, unless a replica that did not answer has them).
        public var unreadable: [Int64]

        public var isComplete: Bool { gaps.isEmpty }
    }

    /// Checks `ledgerId`: every entry, or `sample` of them spread over the ledger (its first and
    /// last among them).
    public static func check(ledgerId: Int64, store: any MetadataStore, connections: BookieConnections,
                             sample: Int? = nil, timeout: Duration = .seconds(5)) async throws -> Report {
        let reader = try await LedgerReader.open(store: store, connections: connections, ledgerId: ledgerId, timeout: timeout)
        let last = await reader.lastAddConfirmed()
        let entries = Self.entries(through: last, sample: sample)
        var report = Report(ledgerId: ledgerId, lastEntryId: last, entriesChecked: entries.count,
                            sampled: entries.count < Int(last + 1), gaps: [], lackingByBookie: [:], unknownByBookie: [:],
                            unreadable: [])
        // A bounded number of entries in flight: a large ledger does not open thousands of reads at once.
        let window = 64
        var start = 0
        while start < entries.count {
            let batch = entries[start..<min(start + window, entries.count)]
            let probes = await withTaskGroup(of: (Int64, [RecoveryRules.EntryReply]).self) { group in
                for entryId in batch { group.addTask { (entryId, await reader.probe(entryId).replies) } }
                var probes: [(Int64, [RecoveryRules.EntryReply])] = []
                for await probe in group { probes.append(probe) }
                return probes.sorted { $0.0 < $1.0 }
            }
            for (entryId, replies) in probes {
                let replicas = reader.replicas(of: entryId)
                let lacking = replicas.indices.filter { replies[$0] == .missing }.map { replicas[$0] }
                let unknown = replicas.indices.filter { replies[$0] == .unknown }.map { replicas[$0] }
                guard !lacking.isEmpty || !unknown.isEmpty else { continue }
                report.gaps.append(Gap(entryId: entryId, lacking: lacking, unknown: unknown))
                for bookie in lacking { report.lackingByBookie[bookie, default: 0] += 1 }
                for bookie in unknown { report.unknownByBookie[bookie, default: 0] += 1 }
                if !replies.contains(.found) { report.unreadable.append(entryId) }
            }
            start += window
        }
        return report
    }

    /// The entries to check: all of `0...last`, or `sample` spread evenly, first and last included.
    static func entries(through last: Int64, sample: Int?) -> [Int64] {
        guard last >= 0 else { return [] }
        let count = last + 1
        guard let sample, sample > 0, Int64(sample) < count else { return Array(0...last) }
        if sample == 1 { return [last] }
        let picked = (0..<sample).map { Int64($0) * (count - 1) / Int64(sample - 1) }
        return Array(Set(picked)).sorted()
    }
}
