import ArgumentParser
import CNcursesw
import DLCore
import Foundation

struct TopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "top",
        abstract: "A live dashboard of the cluster: bookies and logs with their rates and a minute of history.",
        discussion: """
            Bookies: state, adds/s, MiB/s, journal fsync p99, journal queue depth, disk use (from each bookie's info \
            operation). Logs: records/s, MiB/s, records, last DLSN, subscribers and the furthest-behind one's lag in records, \
            writer (from metadata and the LAC). \
            Events: bookies joining and leaving, segment rolls, ensemble changes, writers coming and going. Keys: q \
            quit, tab switch pane, up/down move, s sort, / filter, p pause, ? help. --once prints one frame (two \
            samples --interval apart) as plain text.
            """
    )

    @OptionGroup var cluster: ClusterOptions
    @Option(help: "Seconds between samples.") var interval = 1.0
    @Flag(help: "Print one frame as plain text and exit.") var once = false

    func validate() throws {
        if !(interval >= 0.1 && interval <= 60) { throw ValidationError("--interval must be between 0.1 and 60 seconds") }
    }

    func run() async throws {
        let (cluster, interval, once) = (self.cluster, self.interval, self.once)
        try await reportingErrors(timeout: nil) {
            try await cluster.withStore { store in
                let sampler = DashboardSampler(store: store, historyLength: max(2, Int((60 / interval).rounded())))
                var view = DashboardView()
                view.interval = interval
                if once {
                    _ = try await sampler.sample()
                    try await Task.sleep(for: .milliseconds(Int64(interval * 1000)))
                    let snapshot = try await sampler.sample()
                    let unicode = CursesScreen.localeUsesUTF8()
                    for line in DashboardFrame(snapshot, view: view, width: 132, height: 1000, unicode: unicode, plain: true).lines {
                        print(line.text.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression))
                    }
                } else {
                    try await Self.live(sampler: sampler, view: view)
                }
                await sampler.close()
            }
        }
    }

    /// Samples in the background and runs the screen on a thread of its own until q.
    static func live(sampler: DashboardSampler, view initial: DashboardView) async throws {
        let latest = Locked<(snapshot: DashboardSnapshot?, version: Int, failure: String?)>((nil, 0, nil))
        let paused = Locked(false)
        let sampling = Task {
            while !Task.isCancelled {
                if !paused.withLock({ $0 }) {
                    do {
                        let snapshot = try await sampler.sample()
                        latest.withLock { $0 = (snapshot, $0.version + 1, nil) }
                    } catch {
                        latest.withLock { $0.failure = "\(error)"; $0.version += 1 }
                    }
                }
                try? await Task.sleep(for: .milliseconds(Int64(initial.interval * 1000)))
            }
        }
        // Ctrl-C and SIGTERM end the dashboard like q, so the terminal is restored.
        let quit = Locked(false)
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM, SIGHUP] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { quit.withLock { $0 = true } }
            source.resume()
            sources.append(source)
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread {
                runScreen(latest: latest, paused: paused, quit: quit, view: initial)
                continuation.resume()
            }.start()
        }
        sources.forEach { $0.cancel() }
        sampling.cancel()
    }

    /// The screen loop: draws when a sample arrives or a key changes the view.
    private static func runScreen(latest: Locked<(snapshot: DashboardSnapshot?, version: Int, failure: String?)>,
                                  paused: Locked<Bool>, quit: Locked<Bool>, view initial: DashboardView) {
        let screen = CursesScreen(keyTimeoutMillis: 100)
        defer { screen.end() }
        var view = initial
        var drawn = -1
        var lastSize = screen.size
        while !quit.withLock({ $0 }) {
            var changed = false
            if let key = screen.key() {
                changed = true
                if handle(key, view: &view, latest: latest.withLock { $0.snapshot }) { return }
                paused.withLock { $0 = view.paused }
            }
            let (snapshot, version, failure) = latest.withLock { $0 }
            if version != drawn || changed || screen.size != lastSize {
                drawn = version
                lastSize = screen.size
                var frame = DashboardFrame(snapshot, view: view, width: lastSize.width, height: lastSize.height, unicode: screen.unicode)
                if let failure { frame = DashboardFrame(lines: frame.lines, replacingSecondWith: "sampling failed: \(failure)") }
                screen.draw(frame)
            }
        }
    }

    /// Applies a key to the view; true to quit.
    static func handle(_ key: Int32, view: inout DashboardView, latest: DashboardSnapshot?) -> Bool {
        if view.editingFilter {
            switch key {
            case 10, 13, KEY_ENTER: view.editingFilter = false
            case 27: view.editingFilter = false; view.filter = ""
            case 127, 8, KEY_BACKSPACE: if !view.filter.isEmpty { view.filter.removeLast() }
            default: if let scalar = UnicodeScalar(UInt32(key)), key >= 32 && key < 127 { view.filter.append(Character(scalar)) }
            }
            view.selected = 0
            return false
        }
        if view.showHelp {
            view.showHelp = false
            return key == Int32(UInt8(ascii: "q"))
        }
        let rows: Int
        switch view.pane {
        case .bookies: rows = latest?.bookies.count ?? 0
        case .proxies: rows = latest?.proxies.count ?? 0
        case .logs: rows = latest?.logs.count ?? 0
        }
        switch key {
        case Int32(UInt8(ascii: "q")), Int32(UInt8(ascii: "Q")): return true
        case 9, KEY_BTAB, KEY_LEFT, KEY_RIGHT:
            view.pane = view.pane.next
            view.selected = 0
        case KEY_UP: view.selected = max(0, view.selected - 1)
        case KEY_DOWN: view.selected = min(max(0, rows - 1), view.selected + 1)
        case Int32(UInt8(ascii: "s")):
            view.sort = view.sort == .rate ? .name : .rate
        case Int32(UInt8(ascii: "/")):
            view.editingFilter = true
            view.filter = ""
        case Int32(UInt8(ascii: "p")): view.paused.toggle()
        case Int32(UInt8(ascii: "?")): view.showHelp = true
        default: break
        }
        return false
    }
}
