import ArgumentParser
import DLCore

struct LogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log", abstract: "Create, list, show and delete logs.",
        subcommands: [Create.self, List.self, Show.self, Delete.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a log (and its namespace if needed).")
        @OptionGroup var cluster: ClusterOptions
        @Argument(help: "NAMESPACE/LOG", transform: LogArgument.parse) var log: LogName
        func run() async throws {
            let (cluster, log) = (self.cluster, self.log)
            try await reportingErrors(timeout: cluster.commandTimeout) {
                try await cluster.withStore { try await LogCatalog(store: $0).createLog(log) }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the logs of a namespace.")
        @OptionGroup var cluster: ClusterOptions
        @Argument(help: "Namespace.") var namespace: String
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
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a log: segments, records, last DLSN and txid, writer.")
        @OptionGroup var cluster: ClusterOptions
        @Argument(help: "NAMESPACE/LOG", transform: LogArgument.parse) var log: LogName
        @Option(name: .shortAndLong, help: "Output format: table or json.") var output: OutputFormat = .table

        struct Shown: Encodable {
            var log: String
            var segments: Int
            var records: Int64
            var firstDLSN: String?
            var lastDLSN: String?
            var lastTxId: Int64
            var writer: String?
        }

        func run() async throws {
            let (cluster, log, output) = (self.cluster, self.log, self.output)
            try await reportingErrors(timeout: cluster.commandTimeout) {
                let shown = try await cluster.withStore { store -> Shown in
                    let catalog = LogCatalog(store: store)
                    let segments = try await catalog.segments(log).map(\.metadata)
                    let holder = try await store.children(log.lockPath).sorted().first
                    let writer = try await holder.asyncMap { try await store.getIfExists(log.lockPath + "/" + $0) }
                    let completed = segments.filter { $0.state == .completed }
                    return Shown(log: log.description, segments: segments.count,
                                 records: completed.reduce(0) { $0 + $1.recordCount },
                                 firstDLSN: segments.first.map { DLSN($0.sequenceNumber, 0, 0).description },
                                 lastDLSN: completed.last(where: { $0.lastDLSN != nil })?.lastDLSN?.description,
                                 lastTxId: try await catalog.maxTxId(log),
                                 writer: writer.flatMap { $0.map { String(decoding: $0.data, as: UTF8.self) } })
                }
                switch output {
                case .json: try JSONOutput.print(shown)
                case .table:
                    Table.print(["FIELD", "VALUE"], [
                        ["log", shown.log], ["segments", "\(shown.segments)"], ["records (completed segments)", "\(shown.records)"],
                        ["first DLSN", shown.firstDLSN ?? "-"], ["last DLSN (completed)", shown.lastDLSN ?? "-"],
                        ["last txid", "\(shown.lastTxId)"], ["writer", shown.writer ?? "none"],
                    ])
                }
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a log and its ledgers.")
        @OptionGroup var cluster: ClusterOptions
        @Argument(help: "NAMESPACE/LOG", transform: LogArgument.parse) var log: LogName
        func run() async throws {
            let (cluster, log) = (self.cluster, self.log)
            try await reportingErrors(timeout: cluster.commandTimeout) {
                try await cluster.withStore { try await LogCatalog(store: $0).deleteLog(log) }
            }
        }
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
