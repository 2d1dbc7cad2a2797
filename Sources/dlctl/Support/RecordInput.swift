import ArgumentParser
import DLCore
import Foundation

/// How `dlctl write` splits standard input into records.
enum RecordInputMode: String, ExpressibleByArgument, CaseIterable, Sendable {
    /// One record per line (the newline is not part of it).
    case lines
    /// All of standard input is one record.
    case raw
    /// Each record is a 4-byte big-endian length, then that many bytes.
    case lengthPrefixed = "length-prefixed"
    /// One JSON object per line; the line is the payload.
    case json
    /// One `RecordEnvelope` per line (what `tail --output json` prints): the payload is the
    /// envelope's, decoded as its `encoding` says, and the txid is the envelope's when it has one.
    case jsonEnvelope = "json-envelope"
}

/// A record read from input, with the txid it names (if any).
struct InputRecord: Sendable {
    var payload: [UInt8]
    var txid: Int64?
    /// Where it was in the input: its line for line-based modes, else its place (from 1).
    var number = 1
}

/// Reads records from a file descriptor on a thread of its own and hands them over in
/// batches; at most `maxBatches` wait unconsumed (the reader blocks: back-pressure).
struct RecordInput: Sendable {
    var mode: RecordInputMode
    /// For `json`: the field holding the record's txid.
    var txidField: String?
    /// For `lines`: the character separating a leading txid from the payload.
    var txidDelimiter: UInt8?

    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    /// How many batches may wait unconsumed: the reading thread blocks in `take` when none
    /// is left, until the consumer gives one back or goes away (`close`).
    final class Room: @unchecked Sendable {
        private let condition = NSCondition()
        private var free: Int
        private var closed = false

        init(_ count: Int) { free = count }

        /// Waits for room; false once the consumer has gone.
        func take() -> Bool {
            condition.lock()
            defer { condition.unlock() }
            while free == 0 && !closed { condition.wait() }
            if closed { return false }
            free -= 1
            return true
        }

        func give() {
            condition.lock()
            free += 1
            condition.signal()
            condition.unlock()
        }

        func close() {
            condition.lock()
            closed = true
            condition.broadcast()
            condition.unlock()
        }
    }

    /// Batches of records; the reading thread waits while `room` is exhausted.
    struct Batches: AsyncSequence {
        let stream: AsyncThrowingStream<[InputRecord], any Error>
        let room: Room

        struct AsyncIterator: AsyncIteratorProtocol {
            var base: AsyncThrowingStream<[InputRecord], any Error>.AsyncIterator
            let room: Room
            mutating func next() async throws -> [InputRecord]? {
                guard let batch = try await base.next() else { return nil }
                room.give()
                return batch
            }
        }

        func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: stream.makeAsyncIterator(), room: room) }
    }

    func batches(from fd: Int32 = STDIN_FILENO, maxBatches: Int = 64) -> Batches {
        let room = Room(maxBatches)
        let (stream, continuation) = AsyncThrowingStream<[InputRecord], any Error>.makeStream()
        // When the consumer stops early, the reading thread stops at its next batch.
        continuation.onTermination = { _ in room.close() }
        let splitter = self
        let thread = Thread {
            var splitting = Splitter(input: splitter)
            var chunk = [UInt8](repeating: 0, count: 256 * 1024)
            do {
                while true {
                    let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                    if count < 0 && errno == EINTR { continue }
                    if count < 0 { throw Malformed(description: "reading input: \(String(cString: strerror(errno)))") }
                    let records = count == 0 ? splitting.finish() : splitting.feed(chunk[0..<count])
                    if !records.isEmpty {
                        guard room.take() else { return }
                        continuation.yield(records)
                    }
                    // The records before a malformed one are written; then the input fails.
                    if let malformed = splitting.malformed { throw malformed }
                    if count == 0 { break }
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        thread.start()
        return Batches(stream: stream, room: room)
    }

    /// Turns bytes into records for one mode, keeping the incomplete tail between chunks.
    struct Splitter {
        let input: RecordInput
        private let decoder = JSONDecoder()
        var pending: [UInt8] = []
        var line = 0
        /// Set at the first malformed record: nothing after it is split.
        var malformed: Malformed?

        mutating func feed(_ bytes: ArraySlice<UInt8>) -> [InputRecord] {
            pending.append(contentsOf: bytes)
            switch input.mode {
            case .raw: return []
            case .lines, .json, .jsonEnvelope:
                var records: [InputRecord] = []
                var start = 0
                while let newline = pending[start...].firstIndex(of: 0x0A) {
                    do { records.append(try record(fromLine: pending[start..<newline])) } catch {
                        malformed = error
                        break
                    }
                    start = newline + 1
                }
                pending.removeFirst(start)
                return records
            case .lengthPrefixed:
                var records: [InputRecord] = []
                var start = 0
                while pending.count - start >= 4 {
                    let length = pending[start..<start + 4].reduce(0) { $0 << 8 | Int($1) }
                    guard pending.count - start - 4 >= length else { break }
                    line += 1
                    records.append(InputRecord(payload: Array(pending[start + 4..<start + 4 + length]), number: line))
                    start += 4 + length
                }
                pending.removeFirst(start)
                return records
            }
        }

        mutating func finish() -> [InputRecord] {
            defer { pending = [] }
            switch input.mode {
            case .raw: return [InputRecord(payload: pending)]
            case .lines, .json, .jsonEnvelope:
                if pending.isEmpty { return [] }
                do { return [try record(fromLine: pending[...])] } catch {
                    malformed = error
                    return []
                }
            case .lengthPrefixed:
                if !pending.isEmpty {
                    malformed = Malformed(description: "input ends inside a length-prefixed record (\(pending.count) bytes left over)")
                }
                return []
            }
        }

        private mutating func record(fromLine bytes: ArraySlice<UInt8>) throws(Malformed) -> InputRecord {
            line += 1
            if input.mode == .jsonEnvelope {
                let envelope: RecordEnvelope
                do { envelope = try decoder.decode(RecordEnvelope.self, from: Data(bytes)) } catch {
                    throw Malformed(description: "line \(line) is not a record envelope (a JSON object with a string payload)")
                }
                do { return InputRecord(payload: try envelope.bytes(), txid: envelope.txid, number: line) } catch {
                    throw Malformed(description: "line \(line): \(error)")
                }
            }
            if input.mode == .json {
                guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
                    throw Malformed(description: "line \(line) is not a JSON object")
                }
                guard let field = input.txidField else { return InputRecord(payload: Array(bytes), number: line) }
                guard let txid = (object[field] as? NSNumber).flatMap({ Int64(exactly: $0.doubleValue) }) else {
                    throw Malformed(description: "line \(line) has no integer field \"\(field)\" for the txid")
                }
                return InputRecord(payload: Array(bytes), txid: txid, number: line)
            }
            guard let delimiter = input.txidDelimiter else { return InputRecord(payload: Array(bytes), number: line) }
            guard let split = bytes.firstIndex(of: delimiter),
                  let txid = Int64(String(decoding: bytes[bytes.startIndex..<split], as: UTF8.self)) else {
                throw Malformed(description: "line \(line) does not start with a txid and the delimiter")
            }
            return InputRecord(payload: Array(bytes[(split + 1)...]), txid: txid, number: line)
        }
    }
}
