import ArgumentParser
import DLCore
import Foundation

struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Run a local cluster: the metadata store, N bookies and write proxies as separate processes.",
        discussion: """
            State lives under $DLCTL_HOME/sandbox (default ~/.dlctl/sandbox); other dlctl commands find \
            the running sandbox there without flags. In the foreground, Ctrl-C stops everything; with \
            --detach it runs in the background until 'dlctl sandbox stop'.
            """,
        subcommands: [SandboxStop.self, SandboxStatus.self, SandboxAddBookie.self]
    )

    @Option(help: "Number of bookies.") var bookies = 3
    @Option(help: "Number of write proxies (0: none; writes then go straight to the bookies).") var proxies = 2
    @Flag(help: "Run in the background; print the metadata URI once every bookie is up.") var detach = false
    @Flag(name: .customLong("zookeeper"), help: "Keep metadata in a ZooKeeper server started for the sandbox.") var zooKeeper = false
    @Option(name: .customLong("zk-uri"), help: "Keep metadata in this (running) ZooKeeper instead.") var zooKeeperURI: String?
    @Flag(name: .customLong("no-restart"), help: "Do not restart bookies that exit.") var noRestart = false
    @Option(name: .customLong("lost-bookie-delay"),
            help: "Seconds a bookie must be gone before its ledgers are re-replicated (passed to every bookie; 0: at once).")
    var lostBookieDelay: Seconds = 60
    @Option(name: .customLong("replication-rate"), help: "MiB a second each bookie's replication worker copies at most (0: no limit).")
    var replicationRate = 0.0

    func validate() throws {
        guard (1...32).contains(bookies) else { throw ValidationError("--bookies must be within 1...32") }
        guard (0...16).contains(proxies) else { throw ValidationError("--proxies must be within 0...16") }
        guard replicationRate >= 0, replicationRate.isFinite else { throw ValidationError("--replication-rate must be 0 (no limit) or more MiB a second") }
        if let zooKeeperURI {
            guard case .zooKeeper = try MetadataURI(parsing: zooKeeperURI) else {
                throw ValidationError("--zk-uri must be a zk:// URI")
            }
        }
    }

    func run() async throws {
        let home = SandboxHome()
        if let running = home.running() {
            throw ErrorReporter.report(CommandFailure(.conflict,
                "a sandbox is already running (supervisor pid \(running.supervisorPid ?? 0), metadata \(running.metadataURI)); "
                + "stop it with 'dlctl sandbox stop'"))
        }
        if detach { return try await runDetached(home) }
        let supervisor = SandboxSupervisor(options: .init(bookies: bookies, proxies: proxies, zooKeeper: zooKeeper, zooKeeperURI: zooKeeperURI,
                                                          restart: !noRestart, lostBookieDelay: lostBookieDelay.value,
                                                          replicationRate: replicationRate))
        do {
            try await supervisor.run { state in
                Self.printReady(state, home: home)
                print("Ctrl-C stops the sandbox.")
                StandardOutput.flush()
            }
        } catch {
            throw ErrorReporter.report(error)
        }
    }

    private func runDetached(_ home: SandboxHome) async throws {
        try PosixFiles().createDirectories(home.root)
        var arguments = [ProcessLiveness.executable, "sandbox", "--bookies", "\(bookies)", "--proxies", "\(proxies)"]
        if zooKeeper { arguments.append("--zookeeper") }
        if let zooKeeperURI { arguments += ["--zk-uri", zooKeeperURI] }
        if noRestart { arguments.append("--no-restart") }
        arguments += ["--lost-bookie-delay", "\(lostBookieDelay)", "--replication-rate", "\(replicationRate)"]
        let started = Date()
        // A state left by a supervisor that was killed names it (and may still say ready).
        let previousSupervisor = home.loadState()?.supervisorPid
        let logStart = (try? FileManager.default.attributesOfItem(atPath: home.logFile)[.size] as? UInt64) ?? 0
        let process: SupervisedProcess
        do { process = try SupervisedProcess("/usr/bin/setsid", arguments, logFile: home.logFile) } catch {
            throw ErrorReporter.report(CommandFailure(.failed, "cannot start the sandbox supervisor: \(error)"))
        }
        // Ready when the supervisor has written a ready state naming itself.
        while Date().timeIntervalSince(started) < 120 {
            if let state = home.loadState(), state.ready, let pid = state.supervisorPid, pid != previousSupervisor,
               ProcessLiveness.isAlive(pid) {
                Self.printReady(state, home: home)
                print(String(format: "started in %.2f s; stop with: dlctl sandbox stop", Date().timeIntervalSince(started)))
                return
            }
            if !process.isRunning && home.running() == nil {
                let cause = SandboxSupervisor.lastError(inLog: home.logFile, from: logStart) ?? "no error reported (see \(home.logFile))"
                throw ErrorReporter.report(CommandFailure(.failed, "the sandbox did not start: \(cause)"))
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        // Do not leave a half-started cluster behind.
        if let pid = home.running()?.supervisorPid { kill(pid, SIGTERM) }
        throw ErrorReporter.report(CommandFailure(.unavailable, "the sandbox did not become ready within 120 s; see \(home.logFile)"))
    }

    static func printReady(_ state: SandboxState, home: SandboxHome) {
        let up = state.bookies.filter { $0.refused == nil }
        let count = up.count == state.bookies.count ? "\(up.count)" : "\(up.count) of \(state.bookies.count)"
        print("sandbox ready: \(count) bookies, metadata \(state.metadataURI)")
        for spec in up { print("  bookie \(spec.id)  http :\(spec.httpPort)  data \(spec.dataDirectory)") }
        for spec in state.proxies ?? [] { print("  proxy  \(spec.address)  http :\(spec.httpPort)") }
        StandardOutput.flush()
        for spec in state.bookies {
            if let reason = spec.refused { StandardError.write("dlctl: warning: bookie-\(spec.index) (\(spec.id)) refused to start: \(reason)") }
        }
        print("dlctl commands use this sandbox by default (DLCTL_HOME=\((home.root as NSString).deletingLastPathComponent)).")
        print("  dlctl bookie list      dlctl proxy list      dlctl sandbox status")
    }
}

struct SandboxStop: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stop", abstract: "Stop the running sandbox and its bookies.")

    func run() async throws {
        let home = SandboxHome()
        guard let state = home.running(), let pid = state.supervisorPid else {
            print("no sandbox is running in \(home.root)")
            return
        }
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(90)
        while ProcessLiveness.isAlive(pid) && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        if ProcessLiveness.isAlive(pid) {
            kill(pid, SIGKILL)
            for spec in state.bookies { if let child = spec.pid { kill(child, SIGKILL) } }
            for spec in state.proxies ?? [] { if let child = spec.pid { kill(child, SIGKILL) } }
            if let zk = state.zooKeeper?.pid { kill(zk, SIGKILL) }
            throw ErrorReporter.report(CommandFailure(.failed, "the sandbox did not stop within 90 s; killed it (see \(home.logFile))"))
        }
        print("sandbox stopped")
    }
}

struct SandboxStatus: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the sandbox's bookies and proxies; exit 0 only when every one is up.",
        discussion: "Exit status 2 when no sandbox runs, 4 when some bookie or proxy is down (or refused to start: its error line says why)."
    )

    @Option(name: .shortAndLong, help: "Output format: table or json.") var output: OutputFormat = .table
    @Option(help: "Seconds before giving up on the metadata store.") var timeout: Seconds = 10

    struct Row: Encodable {
        /// bookie-N or proxy-N.
        var member: String
        var index: Int
        var id: String
        var pid: Int32?
        var process: String
        var registration: String
        var refused: String?
    }

    func run() async throws {
        let home = SandboxHome()
        guard let state = home.running() else {
            throw ErrorReporter.report(CommandFailure(.notFound, "no sandbox is running in \(home.root)"))
        }
        let cluster = try ClusterOptions.parse(["--uri", state.metadataURI, "--timeout", "\(timeout)"])
        let output = self.output
        try await reportingErrors(timeout: cluster.commandTimeout) {
            // Each registration with the pid that made it: a killed bookie's registration lingers
            // until its session expires, and must not pass for its restarted process.
            let (bookieRows, proxyRegistrations) = try await cluster.withStore { store in
                (try await BookieList.registrations(store), try await ProxyRegistration.all(in: store))
            }
            let registered = Dictionary(bookieRows.map { ($0.id, $0) }, uniquingKeysWith: { $0.state == "available" ? $0 : $1 })
            let rows = state.bookies.map { spec in
                let registration: String
                switch registered[spec.id] {
                case _ where spec.refused != nil: registration = "refused"
                case let row? where row.pid == spec.pid: registration = row.state
                case let row?: registration = "stale (pid \(row.pid))"
                case nil: registration = "missing"
                }
                return Row(member: "bookie-\(spec.index)", index: spec.index, id: spec.id, pid: spec.pid,
                           process: spec.pid.map(ProcessLiveness.isAlive) == true ? "running" : "down",
                           registration: registration, refused: spec.refused)
            } + (state.proxies ?? []).map { spec in
                let registration = proxyRegistrations.first { $0.address == spec.address }
                return Row(member: "proxy-\(spec.index)", index: spec.index, id: spec.address, pid: spec.pid,
                           process: spec.pid.map(ProcessLiveness.isAlive) == true ? "running" : "down",
                           registration: registration.map { $0.pid == spec.pid ? $0.status.rawValue : "stale (pid \($0.pid))" } ?? "missing",
                           refused: nil)
            }
            switch output {
            case .json: try JSONOutput.print(rows)
            case .table:
                print("metadata \(state.metadataURI), supervisor pid \(state.supervisorPid ?? 0)")
                Table.print(["MEMBER", "ID", "PID", "PROCESS", "REGISTRATION"],
                            rows.map { [$0.member, $0.id, $0.pid.map(String.init) ?? "-", $0.process, $0.registration] })
                for row in rows { if let reason = row.refused { print("\(row.member) refused to start: \(reason)") } }
            }
            let down = rows.filter { $0.process != "running" || !["available", "readonly", "serving", "draining"].contains($0.registration) }
            if !down.isEmpty {
                throw CommandFailure(.unavailable, "\(down.count) of \(rows.count) bookies and proxies are not up: "
                                     + down.map { $0.member + ($0.refused == nil ? "" : " (refused)") }.joined(separator: ", "))
            }
        }
    }
}

struct SandboxAddBookie: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add-bookie", abstract: "Add one more bookie to the running sandbox.")

    func run() async throws {
        let home = SandboxHome()
        guard let state = home.running(), let pid = state.supervisorPid else {
            throw ErrorReporter.report(CommandFailure(.notFound, "no sandbox is running in \(home.root)"))
        }
        let before = state.bookies.count
        let request = home.requestsDirectory + "/add-bookie-\(UUID().uuidString)"
        guard FileManager.default.createFile(atPath: request, contents: nil) else {
            throw ErrorReporter.report(CommandFailure(.failed, "cannot write \(request)"))
        }
        kill(pid, SIGUSR1)
        let cluster = try ClusterOptions.parse(["--uri", state.metadataURI, "--timeout", "60"])
        try await reportingErrors(timeout: .seconds(60)) {
            while true {
                if let now = home.loadState(), now.bookies.count > before, let added = now.bookies.last {
                    let registered = try await cluster.withStore { try await $0.exists(BookieRegistration.path(added.id, .available)) }
                    if registered != nil {
                        print("added bookie-\(added.index) \(added.id)")
                        return
                    }
                }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }
}
