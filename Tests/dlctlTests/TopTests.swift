import DLCore
import Foundation
import Testing
import TestSupport

/// `dlctl top` in a terminal (tmux) while a benchmark writes, and `top --once`.
@Suite(.serialized) struct TopTests {
    @Test func theDashboardShowsALiveRateAndQuitsCleanly() async throws {
        try #require(Binaries.dlctlExists)
        let bookies = try await LocalBookies()
        for index in 0..<3 { try await bookies.start("b\(index)") }
        let bench = try ChildProcess(Binaries.dlctl, ["bench", "write", "--seconds", "60", "-o", "json", "--uri", bookies.metadataURI])
        defer { bench.kill(SIGKILL) }
        let terminal = try await TmuxSession("bash --norc --noprofile", environment: [
            "PS1": "$ ", "TERM": "xterm", "LANG": "C.UTF-8", "DLCTL_METADATA_URI": bookies.metadataURI,
        ])
        try await terminal.type(Binaries.dlctl + " top --interval 0.5")
        try await terminal.send("Enter")
        // The benchmark's log appears with a non-zero records/s.
        let live = await terminal.waitForScreen(timeout: .seconds(60)) { screen in
            screen.split(separator: "\n").contains { line in
                let fields = line.split(separator: " ")
                guard let index = fields.firstIndex(where: { $0.hasPrefix("bench/write-") }), index + 1 < fields.count,
                      let rate = Double(fields[index + 1]) else { return false }
                return rate > 0
            }
        }
        if !live { Issue.record("no live rate for the benchmark's log: \((try? await terminal.screen()) ?? "")") }
        #expect(try await terminal.screen().contains("BOOKIES"))
        try await terminal.send("q")
        // Back at the shell prompt, with the terminal in its normal (canonical, echoing) mode.
        try await terminal.type("stty -a | tr ' ' '\\n' | grep -x -e icanon -e echo | tr '\\n' ' '; echo done")
        try await terminal.send("Enter")
        let clean = await terminal.waitForScreen { $0.contains("icanon echo done") }
        if !clean { Issue.record("the terminal was not restored: \((try? await terminal.screen()) ?? "")") }
        #expect(try await !terminal.screen().contains("BOOKIES"), "the dashboard is gone from the screen")
        await terminal.close()
    }

    @Test func oncePrintsOneFrameAsText() async throws {
        try #require(Binaries.dlctlExists)
        let bookies = try await LocalBookies()
        for index in 0..<3 { try await bookies.start("b\(index)") }
        #expect(try await ChildProcess.run(Binaries.dlctl, ["write", "app/a", "r1", "r2", "r3", "r4", "r5", "--uri", bookies.metadataURI]).status == 0)
        // A subscriber that has read two of the five records is three behind.
        #expect(try await ChildProcess.run(Binaries.dlctl, ["subscribers", "app/a", "--commit", "audit=1,0,1", "--uri", bookies.metadataURI]).status == 0)
        // A time zone where it is 17:xx now: the clock must read 17 (or 18, should the hour turn), a 24-hour clock.
        let utcHour = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date()).hour ?? 0
        let zone = "ZZZ\(utcHour - 17)"
        let frame = try await ChildProcess.run(Binaries.dlctl, ["top", "--once", "--interval", "0.2", "--uri", bookies.metadataURI],
                                               environment: ["LANG": "C", "LC_ALL": "", "LC_CTYPE": "", "TZ": zone])
        #expect(frame.status == 0, "\(frame.stderr)")
        let lines = frame.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("dlctl top  3 bookies, 0 proxies, 1 logs") == true, "\(frame.stdout)")
        #expect(lines.first?.contains(/\s1[78]:[0-5][0-9]:[0-5][0-9]\s/) == true, "a 24-hour clock in TZ \(zone): \(lines.first ?? "")")
        #expect(lines.filter { $0.contains("available") }.count == 3)
        let row = try #require(lines.first { $0.contains("app/a") }).split(separator: " ").map(String.init)
        let at = try #require(row.firstIndex(of: "app/a"))
        // LOG RECORDS/S MIB/S RECORDS LAST-DLSN SUBS SUB-LAG
        #expect(Array(row[(at + 3)...(at + 6)]) == ["5", "1,0,4", "1", "3"], "\(row)")
        #expect(!frame.stdout.contains("\u{1B}"), "plain text, no escape sequences")
        #expect(frame.stdout.unicodeScalars.allSatisfy { $0.isASCII }, "ASCII sparklines when the locale is not UTF-8")
    }
}
