import CReadline
import Foundation

/// GNU readline: prompts, history kept in a file, and tab completion through a completer.
/// `readLine` blocks; call it on a thread of its own, never on the cooperative pool.
final class LineEditor: @unchecked Sendable {
    let historyFile: String

    init(historyFile: String, completer: ShellCompleter) {
        self.historyFile = historyFile
        LineEditorCompletion.completer = completer
        dlctl_rl_set_name("dlctl")
        dlctl_rl_set_completion(completeLine)
        dlctl_stifle_history(2000)
        _ = read_history(historyFile)
    }

    /// The next line, nil at end of input (Ctrl-D).
    func readLine(prompt: String) -> String? {
        guard let pointer = readline(prompt) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }

    /// Remembers `line` (not blank, not a repeat of the last) and saves the history file.
    func remember(_ line: String) {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return }
        if let last = dlctl_last_history_line(), String(cString: last) == line { return }
        add_history(line)
        _ = write_history(historyFile)
    }
}

/// The completion state readline's C callbacks reach: they are plain functions, called on the
/// thread that runs `readline`.
enum LineEditorCompletion {
    nonisolated(unsafe) static var completer: ShellCompleter?
    nonisolated(unsafe) static var matches: [String] = []
    nonisolated(unsafe) static var next = 0
}

private func completeLine(_ text: UnsafePointer<CChar>?, _ start: Int32, _ end: Int32)
    -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
{
    dlctl_rl_completion_over()
    let line = Array(String(cString: dlctl_rl_line_buffer()).utf8)
    let before = String(decoding: line.prefix(Int(start)), as: UTF8.self)
    let word = text.map { String(cString: $0) } ?? ""
    let words = (try? ShellWords.split(before)) ?? before.split(separator: " ").map(String.init)
    LineEditorCompletion.matches = LineEditorCompletion.completer?.complete(before: words, word: word) ?? []
    LineEditorCompletion.next = 0
    guard !LineEditorCompletion.matches.isEmpty else { return nil }
    return rl_completion_matches(text, nextMatch)
}

private func nextMatch(_ text: UnsafePointer<CChar>?, _ state: Int32) -> UnsafeMutablePointer<CChar>? {
    if state == 0 { LineEditorCompletion.next = 0 }
    guard LineEditorCompletion.next < LineEditorCompletion.matches.count else { return nil }
    defer { LineEditorCompletion.next += 1 }
    return strdup(LineEditorCompletion.matches[LineEditorCompletion.next])
}
