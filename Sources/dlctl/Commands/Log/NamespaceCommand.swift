import ArgumentParser
import DLCore
import Foundation

struct NamespaceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "namespace", abstract: "Create, list, show and delete namespaces.",
        subcommands: [Create.self, List.self, Show.self, Config.self, Delete.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a namespace.")
        @OptionGroup var cluster: ClusterOptions
        @Argument(help: "Namespace name.", completion: LiveNames.completion(.namespaces)) var name: String
        func run() async throws {
            let (cluster, name) = (self.cluster, self.name)
            try await reportingErrors(timeout: cluster.commandTimeout) {
                try await cluster.withStore { try await LogCatalog(store: $0).createNamespace(name) }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List namespaces.")
        @OptionGroup var cluster: ClusterOptions
        @Option(name: .shortAndLong, help: "Output format: table or json.") var output: OutputFormat = .table
        func run() async throws {
            let (cluster, output) = (self.cluster, self.output)
            try await reportingErrors(timeout: cluster.commandTimeout) {
                let names = try await cluster.withStore { try await LogCatalog(store: $0).namespaces() }
                if output == .json { try JSONOutput.print(names) } else { names.forEach { print($0) } }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a namespace's logs with their records and writers.")
        @OptionGroup var cluster: ClusterOptions
        @Argument(help: "Namespace name.", completion: LiveNames.completion(.namespaces)) var name: String
        @Option(name: .shortAndLong, help: "Output format: table or json.") var output: OutputFormat = .table
        func run() async throws {
            let (cluster, name, output) = (self.cluster, self.name, self.output)
            try await reportingErrors(timeout: nil) {
                let summaries = try await cluster.withStore { store -> [LogSummary] in
                    let connections = BookieConnections()
                    var summaries: [LogSummary] = []
                    for log in try await LogCatalog(store: store).logs(in: name).sorted() {
                        summaries.append(try await LogSummary.gather(try LogName(namespace: name, log: log), store: store,
                                                                     connections: connections))
                    }
                    await connections.closeAll()
                    return summaries
                }
                switch output {
                case .json: try JSONOutput.print(summaries)
                case .table:
                    Table.print(["LOG", "SEGMENTS", "RECORDS", "LAST DLSN", "LAST TXID", "SEALED", "WRITER"], summaries.map {
                        [$0.log, "\($0.segments)", "\($0.records)", $0.lastDLSN?.description ?? "-",
                         $0.lastTxId.map(String.init) ?? "-", $0.sealed ? "yes" : "no", $0.writer ?? "-"]
                    })
                }
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete an empty namespace.")
        @OptionGroup var cluster: ClusterOptions
        @Argument(help: "Namespace name.", completion: LiveNames.completion(.namespaces)) var name: String
        func run() async throws {
            let (cluster, name) = (self.cluster, self.name)
            try await reportingErrors(timeout: cluster.commandTimeout) {
                try await cluster.withStore { try await LogCatalog(store: $0).deleteNamespace(name) }
            }
        }
    }
}

/// A log argument: NAMESPACE/LOG, or just LOG in the default namespace ($DLCTL_NAMESPACE,
/// else "default").
enum LogArgument {
    static var defaultNamespace: String { ProcessInfo.processInfo.environment["DLCTL_NAMESPACE"] ?? "default" }

    static func parse(_ text: String) throws -> LogName {
        let qualified = text.contains("/") || text.isEmpty ? text : defaultNamespace + "/" + text
        do { return try LogName(parsing: qualified) } catch { throw ValidationError("\(error)") }
    }
}
