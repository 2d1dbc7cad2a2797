import DLCore
import Foundation
import Testing
import TestSupport

/// `dlctl shell` driven through a terminal (tmux), and as a script.
@Suite(.serialized) struct ShellTests {
    /// Three bookies and a DLCTL_HOME of its own, and the environment a shell in tmux gets;
    /// the bookies run while this is held.
    struct ShellCluster {
        let bookies: LocalBookies
        let home: TemporaryDirectory
        var environment: [String: String] { ["DLCTL_HOME": home.path, "DLCTL_METADATA_URI": bookies.metadataURI, "TERM": "xterm"] }

        init(_ home: String) async throws {
            try #require(Binaries.dlctlExists)
            bookies = try await LocalBookies()
            for index in 0..<3 { try await bookies.start("b\(index)") }
            self.home = TemporaryDirectory(home)
        }
    }

    @Test func theShellCompletesRunsStopsAndRemembers() async throws {
        let cluster = try await ShellCluster("dlctl-shell")
        let (home, environment) = (cluster.home, cluster.environment)
        #expect(try await ChildProcess.run(Binaries.dlctl, ["write", "app/events", "first", "second"], environment: environment).status == 0)

        let terminal = try await TmuxSession(Binaries.dlctl + " shell", environment: environment)
        #expect(await terminal.waitForScreen { $0.contains("dlctl>") }, "the prompt appears")
        try await terminal.type("lo")
        try await terminal.send("Tab")
        await expectScreen(terminal, "lo<TAB> completes to log", contains: "dlctl> log")
        try await terminal.send("C-u")
        try await terminal.type("tail app/ev")
        try await terminal.send("Tab")
        #expect(await terminal.waitForScreen { $0.contains("dlctl> tail app/events") }, "a live log name completes")
        try await terminal.type(" --from start -e")
        try await terminal.send("Enter")
        await expectScreen(terminal, "runs the command", contains: "first\nsecond\ndlctl>")

        // (capture-pane drops trailing blanks: the prompt shows as "dlctl>".)
        // Ctrl-C stops a following tail and the shell goes on.
        try await terminal.type("tail app/events --from start -f --format '<{payload}>'")
        try await terminal.send("Enter")
        #expect(await terminal.waitForScreen { $0.contains("<second>") })
        try await terminal.send("C-c")
        try await terminal.type("log show app/events")
        try await terminal.send("Enter")
        await expectScreen(terminal, "the shell runs the next command", contains: "records     2")
        // Ctrl-D only once the prompt is back: typed ahead while a command still runs, the
        // terminal is not yet in readline's mode and the end of input is not seen as a key.
        #expect(await terminal.waitForScreen {
            $0.contains("records     2") && $0.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix("dlctl>")
        }, "the prompt is back")
        try await terminal.send("C-d")
        #expect(await waitUntil(timeout: .seconds(10)) { await !terminal.isAlive() }, "Ctrl-D leaves")
        if await terminal.isAlive() { await terminal.close() }  // failed: nothing left running

        // History survives a restart: Up recalls the last command.
        let again = try await TmuxSession(Binaries.dlctl + " shell", environment: environment)
        #expect(await again.waitForScreen { $0.contains("dlctl>") })
        try await again.send("Up")
        await expectScreen(again, "Up recalls the last command", contains: "dlctl> log show app/events")
        await again.close()
        #expect(try String(contentsOfFile: home.file("history"), encoding: .utf8).contains("--from start -e\n"))
    }

    /// Closing the terminal (SIGHUP) or SIGTERM ends a shell waiting at its prompt or running a
    /// command. (Children spawned from a Dispatch thread once inherited its blocked signals: the
    /// tmux server then ignored kill-server and the shell in it lived on.)
    @Test func theShellEndsWhenItsTerminalClosesOrOnSIGTERM() async throws {
        let cluster = try await ShellCluster("dlctl-shell-end")
        let environment = cluster.environment

        let closed = try await TmuxSession(Binaries.dlctl + " shell", environment: environment)
        #expect(await closed.waitForScreen { $0.contains("dlctl>") })
        let atPrompt = try #require(await shellPid(in: closed))
        await closed.hangUp()
        #expect(await waitUntil(timeout: .seconds(10)) { processEnded(atPrompt) }, "a hang-up ends the shell at its prompt")
        if !processEnded(atPrompt) { kill(atPrompt, SIGKILL) }

        let terminated = try await TmuxSession(Binaries.dlctl + " shell; echo shell-exit-$?; read line", environment: environment)
        defer { Task { await terminated.close() } }
        #expect(await terminated.waitForScreen { $0.contains("dlctl>") })
        try await terminated.type("tail app/events --from start -f --format '<{payload}>'")
        try await terminated.send("Enter")
        #expect(try await ChildProcess.run(Binaries.dlctl, ["write", "app/events", "one"], environment: environment).status == 0)
        #expect(await terminated.waitForScreen { $0.contains("<one>") }, "the tail runs")
        let shell = try #require(await shellPid(in: terminated))
        kill(shell, SIGTERM)
        await expectScreen(terminated, "SIGTERM stops the tail and ends the shell with 128+15", contains: "shell-exit-143")
    }

    /// The dlctl process of the session: its command itself, or that command's child (when the
    /// session runs "dlctl shell; echo ...", its command is a sh).
    private func shellPid(in terminal: TmuxSession) async -> pid_t? {
        guard let command = await terminal.commandPid() else { return nil }
        let name = { (pid: pid_t) in (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? "" }
        if name(command).hasPrefix("dlctl") { return command }
        let children = (try? String(contentsOfFile: "/proc/\(command)/task/\(command)/children", encoding: .utf8)) ?? ""
        return children.split(separator: " ").compactMap { pid_t($0) }.first { name($0).hasPrefix("dlctl") }
    }

    @Test func aScriptRunsWithoutPromptsAndEndsWithTheLastFailure() async throws {
        try #require(Binaries.dlctlExists)
        let bookies = try await LocalBookies()
        for index in 0..<3 { try await bookies.start("b\(index)") }
        let script = """
            # a comment
            use jobs
            write nightly "one" 'two three'
            tail nightly --from start -e --format "{txid}:{payload}"
            write nightly 'unterminated
            log show jobs/missing
            dlsn encode 1,2,3
            """
        let child = try ChildProcess(Binaries.dlctl, ["shell", "--uri", bookies.metadataURI])
        child.stdinHandle.write(Data(script.utf8))
        child.closeStdin()
        let status = await child.waitForExit(timeout: 60)
        #expect(status == 2, "the status of the last failing command (a missing log): \(child.stderr)")
        #expect(child.stdout.contains("0:one\n1:two three\n"), "\(child.stdout)")
        #expect(!child.stdout.contains("dlctl>"), "no prompt when not on a terminal")
        #expect(child.stdout.hasSuffix("AQAAAAAAAAABAAAAAAAAAAIAAAAAAAAAAw==\n"), "commands after a failure still run")
        #expect(child.stderr == "dlctl: error: unterminated ' quote\n"
            + "dlctl: error: log jobs/missing does not exist (create it with 'dlctl log create jobs/missing')\n")
    }

    /// Waits for `text` on the screen; records the screen when it does not come.
    func expectScreen(_ terminal: TmuxSession, _ what: String, contains text: String) async {
        if await terminal.waitForScreen({ $0.contains(text) }) { return }
        Issue.record("\(what): the screen shows\n\((try? await terminal.screen()) ?? "nothing")")
    }
}
