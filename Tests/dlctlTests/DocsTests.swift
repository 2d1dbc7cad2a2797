import DLCore
import Foundation
import Testing
import TestSupport

/// The man pages and shell completions committed under man/ and completions/.
@Suite struct DocsTests {
    /// dlctl's top-level subcommands, from the command tree.
    static func subcommands() async throws -> [String] {
        let dump = try await ChildProcess.run(Binaries.dlctl, ["--experimental-dump-help"])
        let tree = try JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any]
        let command = tree?["command"] as? [String: Any]
        return (command?["subcommands"] as? [[String: Any]] ?? []).compactMap { $0["commandName"] as? String }
    }

    @Test func theManPageRendersAndListsEverySubcommand() async throws {
        let root = try #require(Binaries.packageRoot)
        let rendered = try await ChildProcess.run("/usr/bin/man", ["-l", root + "/man/dlctl.1"],
                                                   environment: ["MANPAGER": "cat", "MANWIDTH": "200", "LANG": "C.UTF-8"])
        #expect(rendered.status == 0, "\(rendered.stderr)")
        #expect(rendered.stdout.contains("NAME") && rendered.stdout.contains("SYNOPSIS"), "\(rendered.stdout.prefix(400))")
        let names = try await Self.subcommands()
        #expect(names.count > 15)
        for name in names {
            #expect(rendered.stdout.contains("dlctl.\(name)(1)"), "the page lists \(name)")
            #expect(FileManager.default.fileExists(atPath: root + "/man/dlctl.\(name).1"), "a page for \(name)")
        }
    }

    @Test func bashCompletesSubcommandsAndLiveLogNames() async throws {
        try #require(Binaries.dlctlExists)
        let root = try #require(Binaries.packageRoot)
        let bookies = try await LocalBookies()
        let store = try await MetadataURI(parsing: bookies.metadataURI).open()
        try await LogCatalog(store: store).createLog(try LogName(parsing: "app/clicks"))
        await store.close()
        let script = """
            source '\(root)/completions/dlctl.bash'
            complete_line() {
              COMP_LINE="$1"; COMP_POINT=${#COMP_LINE}
              read -r -a COMP_WORDS <<< "$COMP_LINE"
              [[ "$COMP_LINE" == *" " ]] && COMP_WORDS+=("")
              COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
              COMPREPLY=()
              _dlctl dlctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
              echo "${COMPREPLY[*]}"
            }
            complete_line "dlctl lo"
            complete_line "dlctl tail "
            complete_line "dlctl log show app/c"
            """
        let path = URL(fileURLWithPath: Binaries.dlctl).deletingLastPathComponent().path
        let result = try await ChildProcess.run("/bin/bash", ["-c", script], environment: [
            "PATH": path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
            "DLCTL_METADATA_URI": bookies.metadataURI,
        ])
        #expect(result.stdout.split(separator: "\n", omittingEmptySubsequences: false).prefix(3).map(String.init)
            == ["log", "app/clicks", "app/clicks"], "\(result.stdout)\(result.stderr)")
    }
}
