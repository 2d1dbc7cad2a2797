import DLCore
import Foundation

/// Completions for the shell: subcommands and options from the command tree, live names
/// (logs, namespaces, bookies, ledger ids) from the cluster, cached for a few seconds.
final class ShellCompleter: @unchecked Sendable {
    private let tree: CommandTree?
    private let cache = Locked<[String: (names: [String], at: ContinuousClock.Instant)]>([:])
    static let builtins = ["use", "exit", "quit", "help"]

    init(tree: CommandTree?) { self.tree = tree }

    /// Candidates for `word`, the partial word at the cursor, after `before` (the words to
    /// its left). Runs on the line editor's thread; live names are fetched synchronously.
    func complete(before: [String], word: String) -> [String] {
        if before.first == "use" { return before.count == 1 ? live(.namespaces).filter { $0.hasPrefix(word) } : [] }
        guard let tree else { return [] }
        let (node, path, expectation) = tree.node(after: before)
        var candidates: [String] = []
        switch expectation {
        case let .optionValue(_, valueName):
            if let kind = Self.liveKind(valueName: valueName, path: path) { candidates = live(kind) }
        case let .subcommandOrPositional(_, position):
            if word.hasPrefix("-") {
                candidates = (node.arguments ?? []).filter { $0.shouldDisplay != false && $0.kind != "positional" }
                    .flatMap(\.spellings)
            } else {
                if position == 0 {
                    candidates = (node.subcommands ?? []).filter { $0.shouldDisplay != false }.map(\.commandName)
                    if path.isEmpty { candidates += Self.builtins }
                }
                if let argument = tree.positional(node, at: position), let valueName = argument.valueName,
                   let kind = Self.liveKind(valueName: valueName, path: path) {
                    candidates += live(kind)
                }
            }
        }
        return Array(Set(candidates.filter { $0.hasPrefix(word) })).sorted()
    }

    static func liveKind(valueName: String, path: [String]) -> LiveNames.Kind? {
        switch valueName {
        case "log", "target", "existing": return .logs
        case "namespace": return .namespaces
        case "name" where path.first == "namespace": return .namespaces
        case "bookie": return .bookies
        case "id" where path.contains("ledger"): return .ledgers
        case "id" where path.contains("bookie"): return .bookies
        default: return nil
        }
    }

    /// Live names of `kind`; logs also by their short name in the namespace in use.
    private func live(_ kind: LiveNames.Kind) -> [String] {
        let key = "\(kind)"
        if let cached = cache.withLock({ $0[key] }), ContinuousClock.now - cached.at < .seconds(3) {
            return cached.names
        }
        let result = Locked<[String]>([])
        let done = DispatchSemaphore(value: 0)
        Task {
            let names = await LiveNames.fetch(kind, uri: nil)
            result.withLock { $0 = names }
            done.signal()
        }
        done.wait()
        var names = result.withLock { $0 }
        if kind == .logs {
            let prefix = LogArgument.defaultNamespace + "/"
            names += names.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
        }
        cache.withLock { $0[key] = (names, .now) }
        return names
    }
}
