import DLCore
import Foundation

/// dlctl's command tree as swift-argument-parser describes it (`--experimental-dump-help`),
/// for completing subcommands, options and live names in the shell.
struct CommandTree: Decodable {
    struct Node: Decodable {
        var commandName: String
        var subcommands: [Node]?
        var arguments: [Argument]?
        var shouldDisplay: Bool?
    }

    struct Argument: Decodable {
        var kind: String
        var names: [Name]?
        var valueName: String?
        var shouldDisplay: Bool?

        var takesValue: Bool { kind == "option" }
        var spellings: [String] { (names ?? []).map { $0.kind == "short" ? "-" + $0.name : "--" + $0.name } }
    }

    struct Name: Decodable {
        var kind: String
        var name: String
    }

    var command: Node

    /// Asks this very binary for its command tree.
    static func load() -> CommandTree? {
        guard let pipe = try? SpawnedProcess.pipe() else { return nil }
        let child = try? SpawnedProcess.launch(ProcessLiveness.executable, ["--experimental-dump-help"], stdout: pipe.write)
        close(pipe.write)
        let handle = FileHandle(fileDescriptor: pipe.read, closeOnDealloc: true)
        let data = handle.readDataToEndOfFile()
        _ = child?.waitForExit()
        return try? JSONDecoder().decode(CommandTree.self, from: data)
    }

    /// What a word being completed can be, given the words before it.
    enum Expectation: Equatable {
        /// A subcommand of the node, or its positional argument at `position` (if any).
        case subcommandOrPositional(path: [String], position: Int)
        /// The value of an option.
        case optionValue(path: [String], valueName: String)
    }

    /// Walks `words` down the tree: subcommands descend, options skip their values.
    func node(after words: [String]) -> (node: Node, path: [String], expectation: Expectation) {
        var node = command
        var path: [String] = []
        var positional = 0
        var index = 0
        while index < words.count {
            let word = words[index]
            if word.hasPrefix("-") {
                let option = node.arguments?.first { $0.spellings.contains(word) }
                if option?.takesValue == true {
                    if index + 1 == words.count {
                        return (node, path, .optionValue(path: path, valueName: option?.valueName ?? ""))
                    }
                    index += 1
                }
            } else if let child = node.subcommands?.first(where: { $0.commandName == word }), positional == 0 {
                node = child
                path.append(word)
            } else {
                positional += 1
            }
            index += 1
        }
        return (node, path, .subcommandOrPositional(path: path, position: positional))
    }

    /// The positional argument at `position` of `node`.
    func positional(_ node: Node, at position: Int) -> Argument? {
        let positionals = (node.arguments ?? []).filter { $0.kind == "positional" }
        guard !positionals.isEmpty else { return nil }
        return position < positionals.count ? positionals[position] : positionals.last.flatMap { _ in nil }
    }
}
