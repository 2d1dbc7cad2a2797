/// Splits a command line into words as a POSIX shell would: blanks separate words, single
/// quotes keep everything literally, double quotes keep blanks (backslash escapes `"`, `\`
/// and `$` inside them), a backslash outside quotes escapes the next character, and `#` at the
/// start of a word begins a comment.
enum ShellWords {
    struct Unterminated: Error, CustomStringConvertible {
        var quote: Character
        var description: String { "unterminated \(quote) quote" }
    }

    static func split(_ line: String) throws(Unterminated) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var iterator = Array(line).makeIterator()
        while let character = iterator.next() {
            switch character {
            case " ", "\t", "\n":
                if inWord { words.append(current) }
                current = ""
                inWord = false
            case "#" where !inWord:
                return words
            case "'":
                inWord = true
                while true {
                    guard let next = iterator.next() else { throw Unterminated(quote: "'") }
                    if next == "'" { break }
                    current.append(next)
                }
            case "\"":
                inWord = true
                while true {
                    guard let next = iterator.next() else { throw Unterminated(quote: "\"") }
                    if next == "\"" { break }
                    if next == "\\" {
                        guard let escaped = iterator.next() else { throw Unterminated(quote: "\"") }
                        if escaped != "\"" && escaped != "\\" && escaped != "$" { current.append("\\") }
                        current.append(escaped)
                    } else {
                        current.append(next)
                    }
                }
            case "\\":
                inWord = true
                if let escaped = iterator.next() { current.append(escaped) }
            default:
                inWord = true
                current.append(character)
            }
        }
        if inWord { words.append(current) }
        return words
    }
}
