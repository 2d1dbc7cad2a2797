import ArgumentParser
import Foundation

/// How dlctl reports arguments it cannot take: one line `dlctl: error: ...`, and a second line
/// with where to read the usage only when the command line's shape was wrong (an unknown option,
/// a missing or extra argument), not when a value was. Status 64.
enum ArgumentErrors {
    /// The lines for `error` from parsing `words`, or nil when `error` is not about the
    /// arguments (help and version requests, or a failure of the command itself).
    static func lines(for error: any Error, words: [String]) -> [String]? {
        // A command's own failure reported already ends with an ExitCode, which may be 64 too.
        guard DLCtl.exitCode(for: error).rawValue == ExitStatus.usage.rawValue, !(error is ExitCode) else { return nil }
        var message = DLCtl.message(for: error).split(separator: "\n").first.map(String.init) ?? ""
        if let first = message.first, first.isUppercase, message.dropFirst().first?.isLowercase == true {
            message = first.lowercased() + message.dropFirst()
        }
        var lines = ["dlctl: error: \(message)"]
        let shapeErrors = ["unknown option", "missing expected argument", "unexpected argument", "no value set for"]
        if shapeErrors.contains(where: { message.contains($0) }) {
            lines.append("see 'dlctl \((commandPath(words) + ["--help"]).joined(separator: " "))'")
        }
        return lines
    }

    /// The subcommand names at the front of `words`: ["log", "list"] for `log list --json`.
    static func commandPath(_ words: [String]) -> [String] {
        var path: [String] = []
        var commands: [any ParsableCommand.Type] = DLCtl.configuration.subcommands
        for word in words {
            guard let next = commands.first(where: { $0._commandName == word || $0.configuration.aliases.contains(word) })
            else { break }
            path.append(word)
            commands = next.configuration.subcommands
        }
        return path
    }
}

extension DLCtl {
    /// Runs the command `CommandLine.arguments` names, reporting argument errors in dlctl's
    /// form and every other failure as one line with its documented status.
    static func main() async {
        let words = Array(CommandLine.arguments.dropFirst())
        do {
            var command = try await asyncParseAsRoot(words)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            StandardOutput.flush()
        } catch {
            StandardOutput.flush()
            if let lines = ArgumentErrors.lines(for: error, words: words) {
                for line in lines { StandardError.write(line) }
                Foundation.exit(ExitStatus.usage.rawValue)
            }
            if error is ExitCode || DLCtl.exitCode(for: error).rawValue == 0 { exit(withError: error) }
            exit(withError: ErrorReporter.report(error))
        }
    }
}
