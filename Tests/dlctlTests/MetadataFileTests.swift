import Foundation
import Testing
import TestSupport

extension CommandLineSuites {
    /// `--uri FILE` that is not dlctl's metadata: the first cause, in one line, with the documented
    /// status (5: belongs to something else; 2: there is no such store), for `init` as for the rest.
    @Suite struct MetadataFileTests {
        @Test func aMetadataFileThatIsNotOursIsRefusedWithItsCause() async throws {
            try #require(Binaries.dlctlExists)
            let directory = TemporaryDirectory()
            let text = directory.file("text.db")
            try Data("hello, not a database\n".utf8).write(to: URL(fileURLWithPath: text))
            let random = directory.file("random.db")
            var generator = SeededGenerator(seed: 7)
            try Data((0..<8192).map { _ in UInt8.random(in: 0...255, using: &generator) }).write(to: URL(fileURLWithPath: random))
            let other = directory.file("other.db")
            try ForeignSQLite.create(other, table: "accounts")
            let cases: [(String, Int32, String)] = [
                (text, 5, "dlctl: error: not dlctl metadata: \(text) is not an SQLite database, or is corrupt (file is not a database)\n"),
                (random, 5, "dlctl: error: not dlctl metadata: \(random) is not an SQLite database, or is corrupt (file is not a database)\n"),
                (other, 5, "dlctl: error: not dlctl metadata: \(other) is an SQLite database of something else (tables accounts)\n"),
                ("/no/such/dir/meta.db", 2, "dlctl: error: no metadata store: the directory /no/such/dir of /no/such/dir/meta.db does not exist (create it first)\n"),
            ]
            for (uri, status, message) in cases {
                for command in [["init"], ["log", "list"], ["tail", "t/a", "-e"], ["bookie", "list"]] {
                    let result = try await ChildProcess.run(Binaries.dlctl, command + ["--uri", uri])
                    #expect(result.status == status, "\(command) \(uri): \(result.stderr)")
                    #expect(result.stderr == message, "\(command) \(uri): \(result.stderr)")
                }
            }
            // The foreign database was left as it was: no dlctl tables were added to it.
            #expect(try ForeignSQLite.tables(other) == ["accounts"])
        }
    }
}
