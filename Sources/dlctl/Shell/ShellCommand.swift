import ArgumentParser
import DLCore
import Foundation

struct ShellCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shell",
        abstract: "An interactive shell: dlctl commands without the 'dlctl', with history and tab completion.",
        discussion: """
            Lines are split as a shell splits them and run by the same command tree as the command line. \
            Tab completes subcommands, options and live names (namespaces, logs, bookies, ledger ids). \
            'use NAMESPACE' sets the default namespace; Ctrl-C stops a running command (such as tail -f); \
            Ctrl-D or 'exit' leaves. History is kept in $DLCTL_HOME/history (default ~/.dlctl/history). \
            When standard input is not a terminal the shell runs it as a script, without prompts, and exits \
            with the status of the last command that failed (0 if none did).
            """
    )

    @Option(help: "Metadata URI for every command (else $DLCTL_METADATA_URI or the running sandbox).") var uri: String?

    func run() async throws {
        if let uri { setenv("DLCTL_METADATA_URI", uri, 1) }
        let interactive = isatty(STDIN_FILENO) == 1
        let session = ShellSession(interactive: interactive)
        let status = await session.run()
        if status != 0 { throw ExitCode(status) }
    }
}

/// One shell session: reads lines, runs them, keeps the status of the last failure.
final class ShellSession: @unchecked Sendable {
    let interactive: Bool
    private var lastFailure: Int32 = 0
    private let running = Locked<Task<Int32, Never>?>(nil)

    init(interactive: Bool) { self.interactive = interactive }

    var prompt: String {
        let namespace = ProcessInfo.processInfo.environment["DLCTL_NAMESPACE"]
        return namespace.map { "dlctl:\($0)> " } ?? "dlctl> "
    }

    func run() async -> Int32 {
        // Ctrl-C stops the running command, never the shell.
        signal(SIGINT, SIG_IGN)
        let interrupt = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        interrupt.setEventHandler { [running] in running.withLock { $0 }?.cancel() }
        interrupt.resume()
        defer { interrupt.cancel() }

        let editor: LineEditor? = interactive ? LineEditor(historyFile: Self.historyFile, completer: ShellCompleter(tree: CommandTree.load())) : nil
        while let line = await nextLine(editor) {
            editor?.remember(line)
            let words: [String]
            do { words = try ShellWords.split(line) } catch {
                report("dlctl: error: \(error)", status: ExitStatus.usage.rawValue)
                continue
            }
            guard let first = words.first else { continue }
            switch first {
            case "exit", "quit":
                return lastFailure
            case "use":
                use(words)
            case "help" where words.count == 1:
                print(DLCtl.helpMessage() + "\nShell: use NAMESPACE, exit (or Ctrl-D); Ctrl-C stops a running command.")
            default:
                await execute(words)
            }
        }
        if interactive { print() }
        return lastFailure
    }

    static var historyFile: String {
        let base = ProcessInfo.processInfo.environment["DLCTL_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? NSHomeDirectory() + "/.dlctl"
        try? FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        return base + "/history"
    }

    /// The next line: from readline on a thread of its own, or from a script.
    private func nextLine(_ editor: LineEditor?) async -> String? {
        let prompt = self.prompt
        return await withCheckedContinuation { continuation in
            Thread {
                continuation.resume(returning: editor.map { $0.readLine(prompt: prompt) } ?? Swift.readLine())
            }.start()
        }
    }

    private func use(_ words: [String]) {
        guard words.count == 2 else { return report("usage: use NAMESPACE", status: ExitStatus.usage.rawValue) }
        do { try LogName.validate(words[1]) } catch { return report("dlctl: error: \(error)", status: ExitStatus.usage.rawValue) }
        setenv("DLCTL_NAMESPACE", words[1], 1)
    }

    private func report(_ message: String, status: Int32) {
        StandardError.write(message)
        lastFailure = status
    }

    /// Parses `words` with dlctl's command tree and runs the command; Ctrl-C cancels it.
    private func execute(_ words: [String]) async {
        let command: any ParsableCommand
        do { command = try DLCtl.parseAsRoot(words) } catch {
            if let lines = ArgumentErrors.lines(for: error, words: words) {
                return report(lines.joined(separator: "\n"), status: ExitStatus.usage.rawValue)
            }
            let code = DLCtl.exitCode(for: error).rawValue
            let message = DLCtl.fullMessage(for: error)
            if code == 0 { print(message) } else { report("dlctl: error: \(message)", status: code) }
            return
        }
        if command is ShellCommand { return report("dlctl: error: already in the shell", status: ExitStatus.usage.rawValue) }
        let task = Task<Int32, Never> {
            do {
                if var asyncCommand = command as? any AsyncParsableCommand {
                    try await asyncCommand.run()
                } else {
                    var plain = command
                    try plain.run()
                }
                return 0
            } catch let exit as ExitCode {
                return exit.rawValue
            } catch is CancellationError {
                return ExitStatus.interrupted.rawValue
            } catch {
                return ErrorReporter.report(error).rawValue
            }
        }
        running.withLock { $0 = task }
        let status = await task.value
        running.withLock { $0 = nil }
        StandardOutput.flush()
        if status != 0 { lastFailure = status }
    }
}
