import ArgumentParser
import DLCore

struct LogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log", abstract: "Create, list, show, rename and delete logs.",
        subcommands: [Create.self, List.self, Show.self, Config.self, Rename.self, Delete.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a log (and its namespace if needed).")
        @OptionGroup var cluster: ClusterOptions
        @Argument(help: "NAMESPACE/LOG", completion: LiveNames.completion(.logs), transform: LogArgument.parse) var log: LogName
        func run() async throws {
            let (cluster, log) = (self.cluster, self.log)
            try await reportingErrors(timeout: cluster.commandTimeout) {
                try await cluster.withStore { try await LogCatalog(store: $0).createLog(log) }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List the logs of a namespace (by default $DLCTL_NAMESPACE, else 'default').")
        @OptionGroup var cluster: ClusterOptions
        @Argument(help: "Namespace.", completion: LiveNames.completion(.namespaces)) var namespace = LogArgument.defaultNamespace
        @Option(name: .shortAndLong, help: "Output format: table or json.") var output: OutputFormat = .table
        func run() async throws {
            let (cluster, namespace, output) = (self.cluster, self.namespace, self.output)
            try await reportingErrors(timeout: cluster.commandTimeout) {
                let names = try await cluster.withStore { try await LogCatalog(store: $0).logs(in: namespace) }
                if output == .json { try JSONOutput.print(names) } else { names.forEach { print($0) } }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "Show a log: first and last DLSN and txid, record count, segments, writer.")
        @OptionGroup var cluster: ClusterOptions
        @Argument(help: "NAMESPACE/LOG", completion: LiveNames.completion(.logs), transform: LogArgument.parse) var log: LogName
        @Option(name: .shortAndLong, help: "Output format: table or json.") var output: OutputFormat = .table

        func run() async throws {
            let (cluster, log, output) = (self.cluster, self.log, self.output)
            try await reportingErrors(timeout: cluster.commandTimeout) {
                let summary = try await cluster.withStore { store in
                    let connections = BookieConnections()
                    let summary = try await LogSummary.gather(log, store: store, connections: connections)
                    await connections.closeAll()
                    return summary
                }
                switch output {
                case .json: try JSONOutput.print(summary)
                case .table:
                    Table.print(["FIELD", "VALUE"], [
                        ["log", summary.log], ["segments", "\(summary.segments)"], ["records", "\(summary.records)"],
                        ["first DLSN", summary.firstDLSN?.description ?? "-"], ["last DLSN", summary.lastDLSN?.description ?? "-"],
                        ["first txid", summary.firstTxId.map(String.init) ?? "-"], ["last txid", summary.lastTxId.map(String.init) ?? "-"],
                        ["sealed", summary.sealed ? "yes" : "no"], ["writer", summary.writer ?? "none"],
                    ])
                }
            }
        }
    }

    struct Rename: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rename", abstract: "Rename a log (refused while a writer holds it).")
        @OptionGroup var cluster: ClusterOptions
        @Argument(help: "NAMESPACE/LOG", completion: LiveNames.completion(.logs), transform: LogArgument.parse) var log: LogName
        @Argument(help: "The new NAMESPACE/LOG (the namespace must exist).", transform: LogArgument.parse) var target: LogName
        func run() async throws {
            let (cluster, log, target) = (self.cluster, self.log, self.target)
            try await reportingErrors(timeout: cluster.commandTimeout) {
                try await cluster.withStore { try await LogCatalog(store: $0).renameLog(log, to: target) }
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a log and its ledgers.")
        @OptionGroup var cluster: ClusterOptions
        @Argument(help: "NAMESPACE/LOG", completion: LiveNames.completion(.logs), transform: LogArgument.parse) var log: LogName
        func run() async throws {
            let (cluster, log) = (self.cluster, self.log)
            try await reportingErrors(timeout: cluster.commandTimeout) {
                try await cluster.withStore { try await LogCatalog(store: $0).deleteLog(log) }
            }
        }
    }
}
