import ArgumentParser
import DLCore
import Foundation

struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: "Check what writers and readers recorded against what the log promises (scripts/jepsen.sh).",
        subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check", abstract: "Check a recorded history: nothing acknowledged lost, nothing twice, no gap, one order.",
            discussion: """
                DIR holds: writers/ID.in (the records a writer was given, one per line, each 'ID:SEQ'), \
                writers/ID.acks (what 'dlctl write --acks' printed for them), readers/ID.out (what a reader printed \
                with 'dlctl tail --format "{dlsn}\\t{payload}"', from the start of the log; a restarted reader goes on from \
                its last DLSN into the same file), and final.out (the whole log read the same way after the run). A \
                record given to a writer and not acknowledged is unknown: it may be in the log, at most once. \
                Prints what was checked and each violation with its records. Exit status 0 when there is none, 1 when \
                there is any, 5 when a file is malformed, 2 when DIR or final.out is missing.
                """)

        @Argument(help: "The history's directory.", completion: .directory) var directory: String
        @Option(help: "Print at most this many violations.") var limit = 100

        func validate() throws {
            if limit < 0 { throw ValidationError("--limit must be 0 or more") }
        }

        func run() async throws {
            let history: History
            do { history = try load() } catch let failure as CommandFailure {
                throw ErrorReporter.report(failure)
            }
            let report = HistoryChecker().check(history)
            print("\(history.writers.count) writers: \(report.acknowledged) records acknowledged, \(report.unknown) unknown "
                  + "(\(report.unknownPresent) of them in the log); \(history.readers.count) readers: \(report.reads) reads; "
                  + "the log: \(report.finalRecords) records")
            for violation in report.violations.prefix(limit) { print(violation.description) }
            if report.violations.count > limit { print("... and \(report.violations.count - limit) more") }
            print("\(report.violations.count) violations")
            if !report.violations.isEmpty { throw ExitCode(ExitStatus.failed.rawValue) }
        }

        private func load() throws -> History {
            let root = URL(fileURLWithPath: directory)
            func text(_ url: URL) throws -> String {
                guard let data = FileManager.default.contents(atPath: url.path) else {
                    throw CommandFailure(.notFound, "cannot read \(url.path)")
                }
                return String(decoding: data, as: UTF8.self)
            }
            func files(_ folder: String, ending suffix: String) -> [URL] {
                let urls = (try? FileManager.default.contentsOfDirectory(at: root.appendingPathComponent(folder), includingPropertiesForKeys: nil)) ?? []
                return urls.filter { $0.lastPathComponent.hasSuffix(suffix) }.sorted { $0.lastPathComponent < $1.lastPathComponent }
            }
            do {
                var writers: [History.Writer] = []
                for invoked in files("writers", ending: ".in") {
                    let id = String(invoked.lastPathComponent.dropLast(3))
                    let acks = invoked.deletingPathExtension().appendingPathExtension("acks")
                    let acksText = FileManager.default.fileExists(atPath: acks.path) ? try text(acks) : ""
                    writers.append(try History.writer(id: id, invoked: try text(invoked), acks: acksText, acksFile: acks.path))
                }
                var readers: [History.Reader] = []
                for output in files("readers", ending: ".out") {
                    readers.append(History.Reader(id: String(output.lastPathComponent.dropLast(4)),
                                                  reads: try History.reads(try text(output), file: output.path)))
                }
                let final = root.appendingPathComponent("final.out")
                return History(writers: writers, readers: readers, final: try History.reads(try text(final), file: final.path))
            } catch let malformed as History.Malformed {
                throw CommandFailure(.invalidData, malformed.description)
            }
        }
    }
}
