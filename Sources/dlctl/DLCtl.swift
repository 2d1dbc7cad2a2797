import ArgumentParser

@main
struct DLCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dlctl",
        abstract: "A replicated log service with its own storage nodes, in one binary.",
        discussion: """
            Metadata URI: a file path or sqlite:///path for the embedded store; \
            zk://host:port[,host:port]/root (or distributedlog://host:port/root) for ZooKeeper. \
            Commands take it from --uri or DLCTL_METADATA_URI.

            \(ExitStatus.table)
            """,
        version: DLCtlVersion.current,
        subcommands: [InitCommand.self, MetaCommand.self, NamespaceCommand.self, LogCommand.self, WriteCommand.self,
                      TailCommand.self, SegmentsCommand.self, InspectCommand.self, SealCommand.self, RecoverCommand.self,
                      TruncateCommand.self, PurgeCommand.self, CheckCommand.self, SubscribersCommand.self, DLSNCommand.self,
                      BookieCommand.self, ProxyCommand.self, LedgerCommand.self, AutorecoveryCommand.self, SandboxCommand.self, BenchCommand.self, ShellCommand.self, TopCommand.self,
                      HistoryCommand.self]
    )
}
