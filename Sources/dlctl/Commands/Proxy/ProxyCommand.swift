import ArgumentParser

struct ProxyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proxy",
        abstract: "Run, list and steer write proxies (the serving tier that owns logs for many clients).",
        discussion: """
            A write proxy owns a log while it holds the log's writer lock, and keeps the log's writer open for every \
            client: 'dlctl write', 'seal' and 'truncate' go through the proxies when the cluster has any (--direct \
            writes in-process instead). Proxies keep no state of their own; they register under /proxies.
            """,
        subcommands: [ProxyStart.self, ProxyList.self, ProxyInfoCommand.self, ProxyDrain.self, ProxyRelease.self]
    )
}
