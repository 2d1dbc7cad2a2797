import Foundation
import Testing
import TestSupport

extension CommandLineSuites {
    /// `write` -> `tail` -> `write` of random binary records: the copy is byte-exact, through the
    /// JSON envelope and through length-prefixed records; `--output raw` gives one record's bytes.
    @Suite(.serialized) struct ByteExactCopyTests {
        /// Random records: empty, a lone 0xFF, newlines and NULs inside, invalid and valid UTF-8, large.
        static func records(count: Int, seed: UInt64) -> [[UInt8]] {
            var generator = SeededGenerator(seed: seed)
            var records: [[UInt8]] = [[], [0xFF], [0x0A], [0x00, 0x0A, 0x0D], Array("héllo ✓".utf8), [0xC3], [0xED, 0xA0, 0x80]]
            while records.count < count {
                let size = Int.random(in: 0...(records.count % 17 == 0 ? 200_000 : 300), using: &generator)
                records.append((0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) })
            }
            return records
        }

        static func lengthPrefixed(_ records: [[UInt8]]) -> Data {
            var data = Data()
            for record in records {
                let length = UInt32(record.count)
                data += [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
                data += record
            }
            return data
        }

        /// Runs `dlctl arguments` with `stdin` bytes, returning status and raw standard output.
        static func run(_ cluster: LogCommandTests.Cluster, _ arguments: [String], stdin: Data = Data()) async throws
            -> (status: Int32?, stdout: Data, stderr: String) {
            let directory = TemporaryDirectory()
            let (input, output) = (directory.file("in"), directory.file("out"))
            try stdin.write(to: URL(fileURLWithPath: input))
            let script = "\"$0\" \"$@\" < \"$IN\" > \"$OUT\""
            let result = try await ChildProcess.run("/bin/bash", ["-c", script, Binaries.dlctl] + arguments
                + ["--uri", cluster.bookies.metadataURI], timeout: 120, environment: ["IN": input, "OUT": output])
            return (result.status, (try? Data(contentsOf: URL(fileURLWithPath: output))) ?? Data(), result.stderr)
        }

        @Test func aLogOfRandomBinaryRecordsCopiesByteExactly() async throws {
            try #require(Binaries.dlctlExists)
            let cluster = try await LogCommandTests.Cluster()
            let records = Self.records(count: 400, seed: 0x5EED)
            let original = Self.lengthPrefixed(records)
            let write = try await Self.run(cluster, ["write", "t/src", "--input", "length-prefixed", "--txid-clock"], stdin: original)
            #expect(write.status == 0, "\(write.stderr)")

            // length-prefixed out is exactly what went in.
            let out = try await Self.run(cluster, ["tail", "t/src", "--from", "start", "-e", "--output", "length-prefixed"])
            #expect(out.status == 0 && out.stdout == original, "length-prefixed: \(out.stdout.count) vs \(original.count) bytes")

            // JSON: every line is an envelope; non-UTF-8 payloads are base64 and say so.
            let json = try await Self.run(cluster, ["tail", "t/src", "--from", "start", "-e", "--json"])
            #expect(json.status == 0)
            let lines = json.stdout.split(separator: 0x0A)
            #expect(lines.count == records.count)
            var encodings: [String: Int] = [:]
            for (line, record) in zip(lines, records) {
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
                let encoding = try #require(object["encoding"] as? String)
                encodings[encoding, default: 0] += 1
                let payload = try #require(object["payload"] as? String)
                let bytes = encoding == "base64" ? Array(Data(base64Encoded: payload) ?? Data([1, 2, 3])) : Array(payload.utf8)
                #expect(bytes == record)
                #expect(encoding == (String(validating: record, as: UTF8.self) == nil ? "base64" : "utf8"))
            }
            #expect((encodings["base64"] ?? 0) > 100 && (encodings["utf8"] ?? 0) >= 3, "\(encodings)")

            // tail --json | write --input json-envelope: the copy has the same bytes and txids.
            let copy = try await Self.run(cluster, ["write", "t/copy", "--input", "json-envelope"], stdin: json.stdout)
            #expect(copy.status == 0, "\(copy.stderr)")
            let copied = try await Self.run(cluster, ["tail", "t/copy", "--from", "start", "-e", "--output", "length-prefixed"])
            #expect(copied.stdout == original)
            let txids = try await Self.run(cluster, ["tail", "t/src", "--from", "start", "-e", "--format", "{txid}"])
            let copiedTxids = try await Self.run(cluster, ["tail", "t/copy", "--from", "start", "-e", "--format", "{txid}"])
            #expect(!txids.stdout.isEmpty && txids.stdout == copiedTxids.stdout, "txids are copied")
            // And the copy of the copy, through length-prefixed, is the same again.
            let second = try await Self.run(cluster, ["write", "t/copy2", "--input", "length-prefixed"], stdin: copied.stdout)
            #expect(second.status == 0)
            #expect(try await Self.run(cluster, ["tail", "t/copy2", "--from", "start", "-e", "--output", "length-prefixed"]).stdout == original)

            // raw: one record's bytes exactly, nothing added, and the read stops after it.
            let binary: [UInt8] = [0xFF, 0x00, 0x0A, 0x0A, 0xC3]
            #expect(try await Self.run(cluster, ["write", "t/raw", "--input", "length-prefixed"],
                                       stdin: Self.lengthPrefixed([binary, [0x41]])).status == 0)
            let raw = try await Self.run(cluster, ["tail", "t/raw", "--from", "start", "-e", "--output", "raw"])
            #expect(raw.status == 0 && raw.stdout == Data(binary), "raw: \(Array(raw.stdout))")
        }
    }
}
