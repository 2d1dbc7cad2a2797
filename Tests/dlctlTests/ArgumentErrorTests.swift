import Foundation
import Testing
import TestSupport

/// Arguments dlctl cannot take: one line `dlctl: error: ...`, a second line pointing at the
/// usage only where the command line's shape was wrong, status 64; nothing on standard output.
@Suite struct ArgumentErrorTests {
    @Test(arguments: [
        (["tail", "a/b/c", "-e"], "dlctl: error: the value 'a/b/c' is invalid for '<log>': 'a/b/c' is not NAMESPACE/LOG", nil),
        (["ledger", "read", "abc"], "dlctl: error: the value 'abc' is invalid for '<id>': 'abc' is not a ledger id", nil),
        (["tail", "t/a", "--bogus"], "dlctl: error: unknown option '--bogus'", "see 'dlctl tail --help'"),
        (["write", "t/a", "--input", "nope"], "dlctl: error: the value 'nope' is invalid for '--input <input>'", nil),
        (["tail"], "dlctl: error: missing expected argument '<log>'", "see 'dlctl tail --help'"),
        (["log", "show", "x", "y", "z"], "dlctl: error: 2 unexpected arguments: 'y', 'z'", "see 'dlctl log show --help'"),
        (["--bogus"], "dlctl: error: unknown option '--bogus'", "see 'dlctl --help'"),
        (["tail", "t/a", "--output", "raw", "-n", "3"], "dlctl: error: --output raw prints one record", nil),
        (["tail", "t/a", "--json", "--output", "length-prefixed"], "dlctl: error: --json and --output length-prefixed disagree", nil),
    ] as [([String], String, String?)])
    func anArgumentErrorIsOneLine(_ arguments: [String], _ first: String, _ hint: String?) async throws {
        try #require(Binaries.dlctlExists)
        let result = try await ChildProcess.run(Binaries.dlctl, arguments, environment: ["DLCTL_METADATA_URI": "/nonexistent/meta.db"])
        #expect(result.status == 64, "\(arguments): \(result.stderr)")
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).dropLast()
        #expect(lines.first?.hasPrefix(first) == true, "\(arguments): \(result.stderr)")
        #expect(lines.count == (hint == nil ? 1 : 2), "\(arguments): \(result.stderr)")
        if let hint { #expect(lines.last == hint, "\(arguments): \(result.stderr)") }
        #expect(result.stdout.isEmpty)
    }

    /// Help and version still print on standard output with status 0.
    @Test func helpAndVersionStillWork() async throws {
        try #require(Binaries.dlctlExists)
        let help = try await ChildProcess.run(Binaries.dlctl, ["tail", "--help"])
        #expect(help.status == 0 && help.stdout.contains("USAGE: dlctl tail") && help.stderr.isEmpty)
        let version = try await ChildProcess.run(Binaries.dlctl, ["--version"])
        #expect(version.status == 0 && !version.stdout.isEmpty)
    }
}
