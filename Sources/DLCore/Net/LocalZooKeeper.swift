import Foundation

/// How a private standalone ZooKeeper (Debian's `zookeeper` package) is laid out and started
/// on loopback: for the sandbox and for the tests, which run it as a child process.
public struct LocalZooKeeper: Sendable {
    public static let jar = "/usr/share/java/zookeeper.jar"
    public static var isInstalled: Bool { FileManager.default.fileExists(atPath: jar) }

    public var directory: String
    public var port: Int
    public var tickTimeMillis: Int
    /// Extra zoo.cfg lines (for example session timeout bounds).
    public var extraSettings: [String]

    public init(directory: String, port: Int, tickTimeMillis: Int = 1000, extraSettings: [String] = []) {
        self.directory = directory
        self.port = port
        self.tickTimeMillis = tickTimeMillis
        self.extraSettings = extraSettings
    }

    public var hosts: String { "127.0.0.1:\(port)" }

    /// Creates the data directory and writes zoo.cfg (loopback only, no admin server).
    public func writeConfiguration() throws {
        let files = PosixFiles()
        try files.createDirectories(directory + "/data")
        let lines = [
            "tickTime=\(tickTimeMillis)", "dataDir=\(directory)/data", "clientPort=\(port)", "clientPortAddress=127.0.0.1",
            "maxClientCnxns=0", "admin.enableServer=false", "4lw.commands.whitelist=ruok,srvr",
        ] + extraSettings
        // ZooKeeper syncs its own transaction log (forceSync, on by default); its configuration too must survive a power loss.
        try files.writeAtomically(Array((lines.joined(separator: "\n") + "\n").utf8), to: directory + "/zoo.cfg")
    }

    /// The java executable and arguments that run the server.
    public var command: (executable: String, arguments: [String]) {
        ("/usr/bin/java", ["-Xms64m", "-Xmx256m", "-XX:+UseSerialGC", "-Dzookeeper.jmx.log4j.disable=true",
                           "-cp", "\(directory):\(Self.jar)", "org.apache.zookeeper.server.quorum.QuorumPeerMain",
                           directory + "/zoo.cfg"])
    }
}
