import Bookie
import DLCore
import Foundation
import Logging
import NIOCore
import Testing
import TestSupport

/// Torn and corrupted journal tails: replay returns exactly the intact prefix, never a damaged
/// record, and never fails.
@Suite struct JournalReplayTests {
    static let key = Array("journal-test".utf8)

    /// Writes `count` entry records through a real journal (group commit, fdatasync) and
    /// returns them with the byte offset where each ends.
    static func writeJournal(_ directory: String, count: Int) async throws -> (records: [JournalRecord], ends: [Int64]) {
        let entries = TestEntries.make(ledgerId: 7, count: count, payloadSize: 120)
        let records = entries.map { JournalRecord.entry(ledgerKey: key, entry: $0) }
        let journal = try Journal(directory: directory, firstFileId: 1, logger: Logger(label: "test")) { _, _ in }
        await withTaskGroup(of: Void.self) { group in
            for record in records {
                group.addTask {
                    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                        let queued = journal.append(record) { _ in continuation.resume() }
                        if !queued { continuation.resume() }
                    }
                }
            }
        }
        journal.stop()
        // Records were queued concurrently: read back the order the journal wrote.
        var written: [JournalRecord] = []
        var ends: [Int64] = []
        _ = try JournalReader.replay(directory: directory, from: .start) { record, mark in
            written.append(record)
            ends.append(mark.offset)
        }
        #expect(Set(written.map { $0.ledgerId * 1_000_000 + Self.entryId($0) }).count == count)
        return (written, ends)
    }

    static func entryId(_ record: JournalRecord) -> Int64 {
        if case let .entry(_, entry) = record { return entry.entryId }
        return -1
    }

    static func replay(_ directory: String) throws -> (records: [JournalRecord], summary: JournalReader.Summary) {
        var records: [JournalRecord] = []
        let summary = try JournalReader.replay(directory: directory, from: .start) { record, _ in records.append(record) }
        return (records, summary)
    }

    /// A journal directory holding `bytes` as its only file.
    static func journalWith(_ bytes: [UInt8]) throws -> TemporaryDirectory {
        let directory = TemporaryDirectory("dlctl-journal")
        try Data(bytes).write(to: URL(fileURLWithPath: directory.file(JournalFiles.name(1))))
        return directory
    }

    @Test func replaysEverythingWritten() async throws {
        let directory = TemporaryDirectory("dlctl-journal")
        let (written, _) = try await Self.writeJournal(directory.path, count: 300)
        let (records, summary) = try Self.replay(directory.path)
        #expect(records == written)
        #expect(summary.cuts.isEmpty)
    }

    @Test func tornTailsAreCutAtTheLastValidRecord() async throws {
        let source = TemporaryDirectory("dlctl-journal")
        let (written, ends) = try await Self.writeJournal(source.path, count: 200)
        let file = try Array(Data(contentsOf: URL(fileURLWithPath: source.file(JournalFiles.name(1)))))
        let used = Int(ends.last!)
        // Every byte offset inside the last few records, and a spread over the rest.
        var offsets = Set(Int(ends[ends.count - 4])...used)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 { offsets.insert(Int.random(in: 0...used, using: &generator)) }
        for offset in offsets.sorted() {
            let directory = try Self.journalWith(Array(file.prefix(offset)))
            let (records, summary) = try Self.replay(directory.path)
            let complete = ends.filter { $0 <= Int64(offset) }.count
            #expect(records == Array(written.prefix(complete)), "cut at \(offset)")
            // A torn piece is reported, unless it is all zeros (indistinguishable from the
            // preallocated tail: the length field's high bytes are zero).
            let lastEnd = complete == 0 ? 0 : Int(ends[complete - 1])
            let tornPiece = file[lastEnd..<offset]
            #expect(summary.cuts.isEmpty == tornPiece.allSatisfy { $0 == 0 }, "cut at \(offset): \(summary.cuts)")
        }
    }

    @Test func corruptedRecordsAreNeverReplayed() async throws {
        let source = TemporaryDirectory("dlctl-journal")
        let (written, ends) = try await Self.writeJournal(source.path, count: 100)
        let file = try Array(Data(contentsOf: URL(fileURLWithPath: source.file(JournalFiles.name(1)))))
        var generator = SeededGenerator(seed: 99)
        for victim in (written.count - 10)..<written.count {
            let start = victim == 0 ? 0 : Int(ends[victim - 1])
            let end = Int(ends[victim])
            for _ in 0..<8 {
                var damaged = Array(file.prefix(Int(ends.last!)))
                let position = Int.random(in: start..<end, using: &generator)
                damaged[position] ^= UInt8.random(in: 1...255, using: &generator)
                let directory = try Self.journalWith(damaged)
                let (records, summary) = try Self.replay(directory.path)
                // Never the damaged record; everything before it; after it, the records that follow
                // when its length is intact. A complete record with a bad byte is damage, not a torn tail.
                #expect(Array(records.prefix(victim)) == Array(written.prefix(victim)), "byte \(position) of record \(victim)")
                #expect(!records.contains(written[victim]), "byte \(position) of record \(victim)")
                if position >= start + 4 {
                    #expect(records == Array(written.prefix(victim)) + Array(written.suffix(from: victim + 1)), "byte \(position) of record \(victim)")
                }
                // (A changed length lands the reader inside the next record: more cuts.)
                #expect(position < start + 4 ? !summary.cuts.isEmpty : summary.cuts.count == 1)
                #expect(summary.damaged, "byte \(position) of record \(victim): \(summary.cuts)")
                for record in records {
                    if case let .entry(_, entry) = record { #expect(entry.hasValidDigest) }
                }
            }
        }
    }

    /// A checkpoint covered part of the file (its mark inside it), then the file was cut at rest
    /// below the mark: whatever came after the mark is lost, which is damage (the bookie then
    /// answers I/O errors, never "no such entry"), not an empty tail. Seen when a garbage
    /// collection's checkpoint came before the damage in `damagedJournalsNeverStop...`.
    @Test func aFileCutBelowTheCheckpointMarkIsDamage() async throws {
        let directory = TemporaryDirectory("dlctl-journal")
        let (_, ends) = try await Self.writeJournal(directory.path, count: 60)
        let path = directory.file(JournalFiles.name(1))
        let mark = JournalMark(fileId: 1, offset: ends[40])
        let intact = try JournalReader.replay(directory: directory.path, from: mark) { _, _ in }
        #expect(intact.records == 19 && !intact.damaged)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(9).write(to: URL(fileURLWithPath: path))
        var replayed = 0
        let cut = try JournalReader.replay(directory: directory.path, from: mark) { _, _ in replayed += 1 }
        #expect(replayed == 0)
        #expect(cut.damaged, "\(cut.cuts)")
    }

    @Test func zeroFilledPreallocationIsTheEnd() throws {
        let directory = try Self.journalWith([UInt8](repeating: 0, count: 4096))
        let (records, summary) = try Self.replay(directory.path)
        #expect(records.isEmpty && summary.cuts.isEmpty)
        let garbage = try Self.journalWith([0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3, 4] + [UInt8](repeating: 7, count: 100))
        let (none, cut) = try Self.replay(garbage.path)
        #expect(none.isEmpty)
        #expect(cut.cuts.count == 1)
    }
}

/// Stopping a journal right after starting it (no appends, a few, or many in flight) always
/// returns: the sync thread and `stop()` wait on one condition, which must wake them both.
@Suite struct JournalLifecycleTests {
    @Test func stopAlwaysReturns() async throws {
        let directory = TemporaryDirectory("dlctl-journal-stop")
        let done = DispatchSemaphore(value: 0)
        Thread {
            for round in 0..<200 {
                var options = Journal.Options()
                options.fileSize = 1 << 20
                guard let journal = try? Journal(directory: directory.file("j\(round)"), firstFileId: 1, options: options,
                                                 logger: Logger(label: "test"), onDurable: { _, _ in }) else { continue }
                for entry in TestEntries.make(ledgerId: 1, count: round % 5) {
                    journal.append(.entry(ledgerKey: [], entry: entry)) { _ in }
                }
                journal.stop()
            }
            done.signal()
        }.start()
        // Wait for the rounds to finish, with a deadline, off the cooperative threads.
        let finished = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            Thread { continuation.resume(returning: done.wait(timeout: .now() + 60) == .success) }.start()
        }
        #expect(finished, "a journal stop() hung")
    }
}
