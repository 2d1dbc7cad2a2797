import ArgumentParser
import DLCore

private let limitsDiscussion = """
    Limits are per second: records and bytes, each with a soft level (writes above it are counted: dlctl top, \
    dlctl proxy info, /metrics) and a hard level (writes above it are refused with "over capacity", exit status 6, \
    and not retried). They are kept in the metadata; the proxy that owns a log applies a change within moments, \
    with no restart. A namespace's limits hold for its logs together on each proxy. Only the levels given change; \
    'none' removes one.
    """

extension LogCommand {
    struct Config: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "config", abstract: "Show or set a log's write limits.", discussion: limitsDiscussion,
            subcommands: [Show.self, Set.self])

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a log's write limits.")
            @OptionGroup var cluster: ClusterOptions
            @Argument(help: "NAMESPACE/LOG", completion: LiveNames.completion(.logs), transform: LogArgument.parse) var log: LogName
            @Option(name: .shortAndLong, help: "Output format: table or json.") var output: OutputFormat = .table
            func run() async throws {
                try await showLimits(.log(log.description), cluster: cluster, output: output)
            }
        }

        struct Set: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "set", abstract: "Set a log's write limits (the levels given; none removes one).",
                discussion: "Example: dlctl log config set t/noisy --hard-bytes 5MiB --soft-records 1000")
            @OptionGroup var cluster: ClusterOptions
            @Argument(help: "NAMESPACE/LOG", completion: LiveNames.completion(.logs), transform: LogArgument.parse) var log: LogName
            @OptionGroup var limits: LimitOptions
            @Option(name: .shortAndLong, help: "Output format: table or json.") var output: OutputFormat = .table
            func validate() throws {
                if limits.isEmpty { throw ValidationError("give at least one of --soft-records, --hard-records, --soft-bytes, --hard-bytes") }
            }
            func run() async throws {
                try await setLimits(.log(log.description), limits, cluster: cluster, output: output)
            }
        }
    }
}

extension NamespaceCommand {
    struct Config: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "config", abstract: "Show or set a namespace's write limits.", discussion: limitsDiscussion,
            subcommands: [Show.self, Set.self])

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a namespace's write limits.")
            @OptionGroup var cluster: ClusterOptions
            @Argument(help: "Namespace name.", completion: LiveNames.completion(.namespaces)) var name: String
            @Option(name: .shortAndLong, help: "Output format: table or json.") var output: OutputFormat = .table
            func run() async throws {
                try await showLimits(.namespace(name), cluster: cluster, output: output)
            }
        }

        struct Set: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "set", abstract: "Set a namespace's write limits (the levels given; none removes one).")
            @OptionGroup var cluster: ClusterOptions
            @Argument(help: "Namespace name.", completion: LiveNames.completion(.namespaces)) var name: String
            @OptionGroup var limits: LimitOptions
            @Option(name: .shortAndLong, help: "Output format: table or json.") var output: OutputFormat = .table
            func validate() throws {
                if limits.isEmpty { throw ValidationError("give at least one of --soft-records, --hard-records, --soft-bytes, --hard-bytes") }
            }
            func run() async throws {
                try await setLimits(.namespace(name), limits, cluster: cluster, output: output)
            }
        }
    }
}
