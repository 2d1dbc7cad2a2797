/// Checks a History (without I/O) against what the log promises: every acknowledged record is in
/// the log once, where its acknowledgement said; an unknown one at most once; nothing no one
/// wrote; each writer's records in its order; and every reader read a prefix of the log (from its
/// start), in order, each record once, the same contents at the same DLSN, no gap.
public struct HistoryChecker: Sendable {
    public struct Report: Sendable {
        public var violations: [HistoryViolation]
        public var acknowledged = 0
        public var unknown = 0
        /// Unknown records found in the log.
        public var unknownPresent = 0
        public var reads = 0
        public var finalRecords = 0
    }

    public init() {}

    public func check(_ history: History) -> Report {
        var report = Report(violations: [])
        report.finalRecords = history.final.count
        var violations: [HistoryViolation] = []
        // The writers: who was given what, in which place.
        var writerOf: [String: String] = [:]
        for writer in history.writers {
            for payload in writer.invoked { writerOf[payload] = writer.id }
            report.acknowledged += writer.acknowledged.count
            report.unknown += writer.invoked.count - writer.acknowledged.count
        }
        // The final read: in DLSN order, each record once, each one written.
        var positions: [String: [DLSN]] = [:]
        var indexOf: [DLSN: Int] = [:]
        for (index, read) in history.final.enumerated() {
            if index > 0, history.final[index - 1].dlsn >= read.dlsn {
                violations.append(.finalOutOfOrder(previous: history.final[index - 1], next: read))
            }
            positions[read.payload, default: []].append(read.dlsn)
            indexOf[read.dlsn] = index
            if writerOf[read.payload] == nil { violations.append(.neverWritten(by: "the final read", read: read)) }
        }
        for (payload, at) in positions.sorted(by: { $0.value[0] < $1.value[0] }) where at.count > 1 {
            violations.append(.appendedTwice(payload: payload, at: at))
        }
        for writer in history.writers {
            // Acknowledged: present, where the acknowledgement said.
            for payload in writer.invoked {
                guard let acknowledgedAt = writer.acknowledged[payload] else {
                    if positions[payload] != nil { report.unknownPresent += 1 }
                    continue
                }
                guard let found = positions[payload] else {
                    violations.append(.lostAcknowledged(writer: writer.id, payload: payload, acknowledgedAt: acknowledgedAt))
                    continue
                }
                if !found.contains(acknowledgedAt) {
                    violations.append(.acknowledgedElsewhere(writer: writer.id, payload: payload, acknowledgedAt: acknowledgedAt, foundAt: found[0]))
                }
            }
            // In the log in the writer's order: no record before one the writer was given earlier.
            var furthest: History.Read?
            for payload in writer.invoked {
                guard let at = positions[payload]?.first else { continue }
                let read = History.Read(at, payload)
                if let earlier = furthest, at < earlier.dlsn {
                    violations.append(.outOfWriterOrder(writer: writer.id, earlier: earlier, later: read))
                } else {
                    furthest = read
                }
            }
        }
        // The readers: each a prefix of the final read.
        for reader in history.readers {
            report.reads += reader.reads.count
            var seen: [String: [DLSN]] = [:]
            var expected = 0  // index in the final read of the next record the reader should read
            for read in reader.reads {
                seen[read.payload, default: []].append(read.dlsn)
                if writerOf[read.payload] == nil { violations.append(.neverWritten(by: reader.id, read: read)) }
                guard let index = indexOf[read.dlsn] else {
                    if let last = history.final.last, read.dlsn > last.dlsn {
                        violations.append(.beyondTheLog(reader: reader.id, read: read))
                    } else {
                        violations.append(.differentAtPosition(reader: reader.id, read: read, log: nil))
                    }
                    continue
                }
                if history.final[index].payload != read.payload {
                    violations.append(.differentAtPosition(reader: reader.id, read: read, log: history.final[index]))
                }
                if index > expected {
                    violations.append(.gap(reader: reader.id, skipped: history.final[expected], nextRead: read))
                }
                expected = max(expected, index + 1)
            }
            for (payload, at) in seen.sorted(by: { $0.value[0] < $1.value[0] }) where at.count > 1 {
                violations.append(.readTwice(reader: reader.id, payload: payload, at: at))
            }
        }
        report.violations = violations
        return report
    }
}
