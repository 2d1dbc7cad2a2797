import ArgumentParser
import DLCore

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check logs against their ledgers (the default), or the cluster's performance.",
        subcommands: [CheckLogs.self, CheckPerf.self],
        defaultSubcommand: CheckLogs.self
    )
}

struct CheckLogs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Check logs' segment metadata against their ledgers; with --repair, fix what differs.",
        discussion: "Exit status 0 when everything agrees (or was repaired), 5 when mismatches remain."
    )

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "NAMESPACE/LOG to check (or --all).", transform: LogArgument.parse) var log: LogName?
    @Flag(help: "Check every log of every namespace.") var all = false
    @Flag(help: "Fix mismatches: recover open ledgers and rewrite segment metadata.") var repair = false
    @Option(name: .shortAndLong, help: "Output format: table or json.") var output: OutputFormat = .table

    func validate() throws {
        if (log == nil) == !all { throw ValidationError("name one log or pass --all") }
    }

    func run() async throws {
        let (cluster, log, repair, output) = (self.cluster, self.log, self.repair, self.output)
        try await reportingErrors(timeout: nil) {
            let (checked, findings) = try await cluster.withStore { store -> (Int, [LogCheck.Finding]) in
                let catalog = LogCatalog(store: store)
                var logs: [LogName] = []
                if let log {
                    logs = [log]
                } else {
                    for namespace in try await catalog.namespaces().sorted() {
                        logs += try await catalog.logs(in: namespace).sorted().map { try LogName(namespace: namespace, log: $0) }
                    }
                }
                let connections = BookieConnections()
                var findings: [LogCheck.Finding] = []
                for name in logs {
                    findings += try await LogCheck.check(name, store: store, connections: connections, repair: repair)
                }
                await connections.closeAll()
                return (logs.count, findings)
            }
            switch output {
            case .json: try JSONOutput.print(findings)
            case .table:
                for finding in findings {
                    print("\(finding.log) segment \(finding.segment): \(finding.problem)\(finding.repaired ? " (repaired)" : "")")
                }
                print("checked \(checked) log\(checked == 1 ? "" : "s"): \(findings.count) problem\(findings.count == 1 ? "" : "s")"
                    + (findings.isEmpty ? "" : ", \(findings.filter(\.repaired).count) repaired"))
            }
            if findings.contains(where: { !$0.repaired }) {
                throw ExitCode(ExitStatus.invalidData.rawValue)
            }
        }
    }
}
