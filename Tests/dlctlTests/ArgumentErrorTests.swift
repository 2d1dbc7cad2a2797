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
        // Lengths of time that no Duration holds, or that mean nothing, are refused as they are
        // parsed (they trapped when turned into a Duration).
        (["write", "t/a", "--direct", "--lock-timeout", "1e300"], "dlctl: error: the value '1e300' is invalid for '--lock-timeout <lock-timeout>'", nil),
        (["write", "t/a", "--direct", "--roll-interval", "nan"], "dlctl: error: the value 'nan' is invalid for '--roll-interval <roll-interval>'", nil),
        (["write", "t/a", "--timeout", "inf"], "dlctl: error: the value 'inf' is invalid for '--timeout <timeout>'", nil),
        (["write", "t/a", "--timeout", "0"], "dlctl: error: --timeout must be positive", nil),
        (["purge", "t/a", "--retention=-5"], "dlctl: error: the value '-5' is invalid for '--retention <retention>'", nil),
        (["sandbox", "--lost-bookie-delay", "inf"], "dlctl: error: the value 'inf' is invalid for '--lost-bookie-delay <lost-bookie-delay>'", nil),
        (["bench", "write", "--seconds", "inf"], "dlctl: error: --seconds must be a number of seconds above 0 and at most 1000000000", nil),
        (["top", "--interval", "nan"], "dlctl: error: --interval must be between 0.1 and 60 seconds", nil),
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
