import Bookie
import DLCore
import Foundation
import NIOPosix

/// Runs a local cluster: the metadata store (embedded, or a ZooKeeper server it starts or is
/// given), bookies as separate `dlctl bookie start` processes on free loopback ports, and write
/// proxies (`dlctl proxy start`) in front of them. It restarts a bookie or proxy that dies,
/// adds a bookie on request (SIGUSR1 with a request file), and on SIGINT/SIGTERM stops them
/// all (proxies first, so that they release their logs while the bookies still serve).
final class SandboxSupervisor: @unchecked Sendable {
    struct Options {
        var bookies: Int
        var proxies: Int
        var zooKeeper: Bool
        var zooKeeperURI: String?
        var restart: Bool
        /// Passed to every bookie (`bookie start --lost-bookie-delay`).
        var lostBookieDelay = 60.0
        /// Passed to every bookie (`bookie start --replication-rate`, MiB/s; 0: no limit).
        var replicationRate = 0.0
    }

    /// A process the supervisor runs and restarts.
    enum Member: Hashable, Sendable, CustomStringConvertible {
        case bookie(Int)
        case proxy(Int)
        var description: String {
            switch self {
            case let .bookie(index): return "bookie-\(index)"
            case let .proxy(index): return "proxy-\(index)"
            }
        }
    }

    enum Event: Sendable {
        case signal(Int32)
        case exited(Member, status: Int32)
        case restartDue
    }

    /// The metadata session timeout of sandbox proxies: a dead proxy's logs move to another
    /// once its session expires, so shorter than the default.
    static let proxySessionTimeout = 5

    private let home = SandboxHome()
    private let options: Options
    private var state: SandboxState
    private var processes: [Member: SupervisedProcess] = [:]
    private var zooKeeperProcess: SupervisedProcess?
    private var stopping = false
    private var restartDelays: [Member: Double] = [:]
    /// When each process was started: one that ran a while before it exited is not in a crash
    /// loop, so its restart delay starts over.
    private var startedAt: [Member: ContinuousClock.Instant] = [:]
    /// Runs shorter than this count as a crash loop (the restart delay doubles, up to 30 s).
    private static let stableRun = Duration.seconds(3)
    private let events: AsyncStream<Event>
    private let emit: AsyncStream<Event>.Continuation
    private var lockFd: Int32 = -1
    /// Set by SIGINT or SIGTERM, also while starting (before the event loop reads signals).
    private let stopRequested = Locked(false)

    init(options: Options) {
        self.options = options
        self.state = SandboxState(metadataURI: "", supervisorPid: getpid(), ready: false, bookies: [], zooKeeper: nil)
        (events, emit) = AsyncStream<Event>.makeStream()
    }

    private func log(_ text: String) {
        StandardError.write("sandbox: \(text)\n")
    }

    /// Brings the cluster up, reports it with `ready`, and supervises until told to stop.
    func run(ready: (SandboxState) -> Void) async throws {
        // Durably: the metadata database and the bookies' data live under it.
        try PosixFiles().createDirectories(home.root)
        try FileManager.default.createDirectory(atPath: home.requestsDirectory, withIntermediateDirectories: true)
        lockFd = open(home.lockFile, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard lockFd >= 0, flock(lockFd, LOCK_EX | LOCK_NB) == 0 else {
            throw CommandFailure(.conflict, "a sandbox is already running in \(home.root); stop it with 'dlctl sandbox stop'")
        }
        for number in [SIGINT, SIGTERM, SIGUSR1, SIGHUP] { listen(number) }
        do {
            try await start()
        } catch {
            await stopAll()
            throw error
        }
        ready(state)
        for await event in events {
            switch event {
            case .signal(SIGUSR1):
                await addRequestedBookies()
            case .signal(SIGHUP):
                continue
            case .restartDue:
                for member in pendingRestarts where processes[member]?.isRunning != true {
                    do { try spawn(member) } catch { log("could not restart \(member): \(error)") }
                }
                pendingRestarts.removeAll()
                try? home.save(state)
            case .signal:
                await stopAll()
                return
            case let .exited(member, status):
                guard !stopping, options.restart else { continue }
                if case let .bookie(index) = member, state.bookies.first(where: { $0.index == index })?.refused != nil { continue }
                if let started = startedAt[member], ContinuousClock.now - started >= Self.stableRun {
                    restartDelays[member] = nil
                }
                let delay = restartDelays[member, default: 0.5]
                restartDelays[member] = min(delay * 2, 30)
                log("\(member) exited with status \(status); restarting in \(delay) s")
                pendingRestarts.insert(member)
                let emit = self.emit
                Task {
                    try? await Task.sleep(for: .milliseconds(Int64(delay * 1000)))
                    emit.yield(.restartDue)
                }
            }
        }
    }

    private var pendingRestarts: Set<Member> = []
    /// Where each bookie's current run starts in its log file.
    private var logStart: [Member: UInt64] = [:]

    private func listen(_ number: Int32) {
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        let (emit, stopRequested) = (self.emit, self.stopRequested)
        source.setEventHandler {
            if number == SIGINT || number == SIGTERM { stopRequested.withLock { $0 = true } }
            emit.yield(.signal(number))
        }
        source.resume()
        SignalSources.keep([source])
    }

    private func start() async throws {
        let previous = home.loadState()
        let uri: String
        if let given = options.zooKeeperURI {
            uri = given
        } else if options.zooKeeper {
            uri = try await startZooKeeper(previousPort: previous?.zooKeeper?.port)
        } else {
            uri = home.metadataDatabase
        }
        state.metadataURI = uri
        let metadataURI = try MetadataURI(parsing: uri)
        let store = try await metadataURI.open(options: .init(operationTimeout: .seconds(60)))
        _ = try await ClusterLayout.initialize(store)
        // Keep each bookie's port: its identity (and cookie) is host:port.
        let reusable = previous?.metadataURI == uri ? previous?.bookies ?? [] : []
        for index in 0..<max(options.bookies, 0) {
            let spec = try reusable.first { $0.index == index } ?? newSpec(index)
            state.bookies.append(SandboxState.BookieSpec(index: index, port: spec.port, httpPort: spec.httpPort,
                                                         dataDirectory: spec.dataDirectory, pid: nil))
        }
        try home.save(state)
        for spec in state.bookies { try spawnBookie(spec.index) }
        do { try await waitForBookies(store) } catch {
            await store.close()
            throw error
        }
        await stopOrphanedProxies(previous?.proxies ?? [])
        // Fresh ports every start: a proxy's identity is not its port (unlike a bookie's), and
        // an old port may have been taken meanwhile.
        var proxies: [SandboxState.ProxySpec] = []
        for index in 0..<max(options.proxies, 0) {
            let port = try freePort(avoiding: proxies)
            var httpPort = try freePort(avoiding: proxies)
            while httpPort == port { httpPort = try freePort(avoiding: proxies) }
            proxies.append(SandboxState.ProxySpec(index: index, port: port, httpPort: httpPort, pid: nil))
        }
        state.proxies = proxies
        for spec in proxies { try spawnProxy(spec.index) }
        do { try await waitForProxies(store) } catch {
            await store.close()
            throw error
        }
        await store.close()
        state.ready = true
        try home.save(state)
    }

    private func newSpec(_ index: Int) throws -> SandboxState.BookieSpec {
        // A data directory from an earlier run keeps its identity (its cookie names host:port).
        if let cookie = (try? CookieCheck.readLocal(home.bookieDirectory(index))) ?? nil, let port = cookie.bookieId.split(separator: ":").last.flatMap({ Int($0) }) {
            return SandboxState.BookieSpec(index: index, port: port, httpPort: try FreePort.next(),
                                           dataDirectory: home.bookieDirectory(index), pid: nil)
        }
        var port = try FreePort.next()
        var httpPort = try FreePort.next()
        while httpPort == port { httpPort = try FreePort.next() }
        let used = Set(state.bookies.flatMap { [$0.port, $0.httpPort] })
        while used.contains(port) || used.contains(httpPort) {
            port = try FreePort.next()
            httpPort = try FreePort.next()
        }
        return SandboxState.BookieSpec(index: index, port: port, httpPort: httpPort, dataDirectory: home.bookieDirectory(index), pid: nil)
    }

    /// A free port no bookie or proxy of the sandbox uses.
    private func freePort(avoiding proxies: [SandboxState.ProxySpec]) throws -> Int {
        let used = Set(state.bookies.flatMap { [$0.port, $0.httpPort] } + proxies.flatMap { [$0.port, $0.httpPort] })
        var port = try FreePort.next()
        while used.contains(port) { port = try FreePort.next() }
        return port
    }

    private func spawn(_ member: Member) throws {
        switch member {
        case let .bookie(index): try spawnBookie(index)
        case let .proxy(index): try spawnProxy(index)
        }
    }

    private func spawnProxy(_ index: Int) throws {
        guard let position = state.proxies?.firstIndex(where: { $0.index == index }), let spec = state.proxies?[position] else { return }
        let emit = self.emit
        logStart[.proxy(index)] = Self.size(home.proxyLog(index))
        let process = try SupervisedProcess(
            ProcessLiveness.executable,
            ["proxy", "start", "--port", "\(spec.port)", "--http-port", "\(spec.httpPort)", "--uri", state.metadataURI,
             "--session-timeout", "\(Self.proxySessionTimeout)"],
            logFile: home.proxyLog(index)) { status in emit.yield(.exited(.proxy(index), status: status)) }
        processes[.proxy(index)] = process
        startedAt[.proxy(index)] = .now
        state.proxies?[position].pid = process.pid
    }

    /// Proxies a killed supervisor left running (stateless, so stopped: SIGTERM releases their
    /// logs), so that their ports are free again. Only processes that are still that proxy.
    private func stopOrphanedProxies(_ specs: [SandboxState.ProxySpec]) async {
        for spec in specs {
            guard let pid = spec.pid, ProcessLiveness.isAlive(pid),
                  let commandLine = try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)
                    .replacingOccurrences(of: "\u{0}", with: " "),
                  commandLine.contains("proxy start --port \(spec.port) ") else { continue }
            log("stopping proxy-\(spec.index) (pid \(pid)), left running by an earlier supervisor")
            kill(pid, SIGTERM)
            let deadline = ContinuousClock.now + .seconds(20)
            while ProcessLiveness.isAlive(pid) && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
            if ProcessLiveness.isAlive(pid) { kill(pid, SIGKILL) }
        }
    }

    /// Waits (up to a minute) until every proxy started now is registered by its process.
    private func waitForProxies(_ store: any MetadataStore) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            if stopRequested.withLock({ $0 }) { throw CommandFailure(.interrupted, "stopped while starting") }
            let registered = try await ProxyRegistration.all(in: store)
            let waiting = (state.proxies ?? []).filter { spec in
                !registered.contains { $0.address == spec.address && $0.pid == spec.pid }
            }
            if waiting.isEmpty { return }
            for spec in waiting where processes[.proxy(spec.index)]?.isRunning != true {
                let cause = Self.lastError(inLog: home.proxyLog(spec.index), from: logStart[.proxy(spec.index)] ?? 0) ?? "it exited"
                throw CommandFailure(.failed, "proxy-\(spec.index) (\(spec.address)) did not start: \(cause)")
            }
            if ContinuousClock.now >= deadline {
                throw CommandFailure(.unavailable, "proxies did not come up within 60 s; see \(home.root)/proxy-*.log")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    private func spawnBookie(_ index: Int) throws {
        guard let position = state.bookies.firstIndex(where: { $0.index == index }) else { return }
        let spec = state.bookies[position]
        let emit = self.emit
        logStart[.bookie(index)] = Self.size(home.bookieLog(index))
        let process = try SupervisedProcess(
            ProcessLiveness.executable,
            ["bookie", "start", "--data-dir", spec.dataDirectory, "--port", "\(spec.port)", "--http-port", "\(spec.httpPort)",
             "--uri", state.metadataURI, "--lost-bookie-delay", "\(options.lostBookieDelay)",
             "--replication-rate", "\(options.replicationRate)"],
            logFile: home.bookieLog(index)) { status in emit.yield(.exited(.bookie(index), status: status)) }
        processes[.bookie(index)] = process
        startedAt[.bookie(index)] = .now
        state.bookies[position].refused = nil
        state.bookies[position].pid = process.pid
    }

    /// Waits (up to a minute) until every bookie is up: registered as available by the process
    /// started now (a registration a killed process left lingers until its session expires, and
    /// proves nothing), and answering on its port. A bookie whose process exits meanwhile has
    /// refused to start (a wiped data directory, a port in use): it is reported once, left out
    /// and not restarted, and the others go on. Fails only when no bookie starts.
    private func waitForBookies(_ store: any MetadataStore) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        // Woken by each registration, and every 200 ms for what no registration announces (a
        // bookie that died, one registered but not answering yet, a stop requested).
        let changes = try await store.watchChildren(ClusterLayout.availableBookies)
        let (wakeups, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let forwarder = Task { for await _ in changes { wake.yield() } }
        defer { forwarder.cancel() }
        var wakeup = wakeups.makeAsyncIterator()
        var answering: Set<Int> = []
        while true {
            if stopRequested.withLock({ $0 }) { throw CommandFailure(.interrupted, "stopped while starting") }
            let registrations = try await BookieList.registrations(store)
            var waiting: [String] = []
            for position in state.bookies.indices where state.bookies[position].refused == nil {
                let spec = state.bookies[position]
                guard let process = processes[.bookie(spec.index)], !answering.contains(spec.index) else { continue }
                if !process.isRunning {
                    // Reported once, by whoever prints the ready state (SandboxCommand.printReady).
                    state.bookies[position].refused = Self.lastError(inLog: home.bookieLog(spec.index), from: logStart[.bookie(spec.index)] ?? 0)
                        ?? "it exited with status \(process.exitStatus.map(String.init) ?? "?")"
                    state.bookies[position].pid = nil
                    continue
                }
                let registered = registrations.contains { $0.id == spec.id && $0.pid == process.pid && $0.state == "available" }
                if registered, await Self.answers(spec.id) {
                    answering.insert(spec.index)
                } else {
                    waiting.append("bookie-\(spec.index)")
                }
            }
            if waiting.isEmpty { break }
            if ContinuousClock.now >= deadline {
                throw CommandFailure(.unavailable, "\(waiting.joined(separator: ", ")) did not come up within 60 s; see \(home.root)/bookie-*.log")
            }
            let timer = Task {
                try? await Task.sleep(for: .milliseconds(200))
                wake.yield()
            }
            _ = await wakeup.next()
            timer.cancel()
        }
        if let first = state.bookies.first, state.bookies.allSatisfy({ $0.refused != nil }) {
            throw CommandFailure(.failed, "no bookie started; bookie-\(first.index): \(first.refused ?? "")")
        }
    }

    /// Whether the bookie at `address` answers a request (its port accepts, and it serves).
    private static func answers(_ address: String) async -> Bool {
        guard let client = try? await BookieClient.connect(address, group: MultiThreadedEventLoopGroup.singleton,
                                                           timeout: .seconds(2)) else { return false }
        let answer = try? await client.send(.info, timeout: .seconds(2))
        await client.close()
        return answer != nil
    }

    private static func size(_ path: String) -> UInt64 {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? UInt64) ?? 0
    }

    /// The last error line a bookie wrote to its log after `offset` (where this run's output
    /// starts), without its "dlctl: error: " prefix.
    static func lastError(inLog path: String, from offset: UInt64) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard (try? handle.seek(toOffset: offset)) != nil, let data = try? handle.readToEnd() else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        guard let line = text.split(separator: "\n").last(where: { $0.hasPrefix("dlctl: error: ") }) else { return nil }
        return String(line.dropFirst("dlctl: error: ".count))
    }

    private func addRequestedBookies() async {
        let requests = (try? FileManager.default.contentsOfDirectory(atPath: home.requestsDirectory)) ?? []
        for request in requests where request.hasPrefix("add-bookie-") {
            try? FileManager.default.removeItem(atPath: home.requestsDirectory + "/" + request)
            do {
                let index = (state.bookies.map(\.index).max() ?? -1) + 1
                let spec = try newSpec(index)
                state.bookies.append(spec)
                try spawnBookie(index)
                try home.save(state)
                log("added bookie-\(index) (\(spec.id))")
            } catch {
                log("could not add a bookie: \(error)")
            }
        }
    }

    private func stopAll() async {
        stopping = true
        // Proxies first: they release their logs (closing segments) while the bookies serve.
        let proxies = processes.filter { if case .proxy = $0.key { return true } else { return false } }.values
        let bookies = processes.filter { if case .bookie = $0.key { return true } else { return false } }.values
        log("stopping \(proxies.filter(\.isRunning).count) proxies and \(bookies.filter(\.isRunning).count) bookies")
        for process in proxies { process.signal(SIGTERM) }
        for process in proxies { await process.stop(grace: 20) }
        for process in bookies { process.signal(SIGTERM) }
        for process in bookies { await process.stop(grace: 20) }
        await zooKeeperProcess?.stop(grace: 10)
        for index in state.bookies.indices { state.bookies[index].pid = nil }
        for index in (state.proxies ?? []).indices { state.proxies?[index].pid = nil }
        state.supervisorPid = nil
        state.ready = false
        try? home.save(state)
        if lockFd >= 0 { close(lockFd) }
    }

    // MARK: ZooKeeper

    private func startZooKeeper(previousPort: Int?) async throws -> String {
        guard LocalZooKeeper.isInstalled else {
            throw CommandFailure(.failed, "ZooKeeper is not installed (apt-get install zookeeper), or pass --zk-uri")
        }
        let server = LocalZooKeeper(directory: home.zooKeeperDirectory, port: try previousPort ?? FreePort.next())
        try server.writeConfiguration()
        let port = server.port
        let directory = server.directory
        let process = try SupervisedProcess(server.command.executable, server.command.arguments,
                                            logFile: directory + "/zookeeper.log")
        zooKeeperProcess = process
        state.zooKeeper = SandboxState.ZooKeeperSpec(port: port, pid: process.pid, started: true)
        return "zk://127.0.0.1:\(port)/dlctl"
    }
}
