import DLCore
import Foundation

/// The dashboard's view state: which pane and row are selected, sort, filter, pause.
struct DashboardView: Sendable {
    enum Pane: Sendable {
        case bookies, proxies, logs
        /// Tab's order.
        var next: Pane {
            switch self {
            case .bookies: return .proxies
            case .proxies: return .logs
            case .logs: return .bookies
            }
        }
    }
    enum Sort: String, Sendable, CaseIterable { case rate, name }
    var pane: Pane = .logs
    var selected = 0
    var sort: Sort = .rate
    var filter = ""
    var editingFilter = false
    var paused = false
    var showHelp = false
    var interval: Double = 1
}

/// One frame of the dashboard as lines of text, each with an emphasis; the same lines go to
/// ncurses or, with --once, to standard output.
struct DashboardFrame {
    /// The local time as a 24-hour clock, HH:MM:SS (no locale's 12-hour form without AM/PM).
    /// (localtime_r: the C library's reading of TZ, which Foundation's does not match on Linux.)
    static func clock(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970)
        var parts = tm()
        localtime_r(&seconds, &parts)
        return String(format: "%02d:%02d:%02d", parts.tm_hour, parts.tm_min, parts.tm_sec)
    }

    enum Emphasis { case normal, bold, selected }
    struct Line {
        var text: String
        var emphasis: Emphasis = .normal
    }

    let lines: [Line]

    /// `lines` with the second (the totals) replaced by `text`, emphasised (a sampling failure).
    init(lines: [Line], replacingSecondWith text: String) {
        var copy = lines
        if copy.count > 1 { copy[1] = Line(text: text, emphasis: .bold) }
        self.lines = copy
    }

    static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    static let asciiBlocks: [Character] = ["_", ".", ":", "-", "=", "+", "*", "#"]

    /// `plain`: for printing once, without padding to the height or the key line.
    init(_ snapshot: DashboardSnapshot?, view: DashboardView, width: Int, height: Int, unicode: Bool, plain: Bool = false) {
        var lines: [Line] = []
        let width = max(width, 40)
        func add(_ text: String, _ emphasis: Emphasis = .normal) { lines.append(Line(text: Self.fit(text, width), emphasis: emphasis)) }
        guard let snapshot else {
            add("dlctl top: taking the first sample...", .bold)
            self.lines = lines
            return
        }
        let time = DashboardFrame.clock(snapshot.takenAt)
        var status = "dlctl top  \(snapshot.bookies.count) bookies, \(snapshot.proxies.count) proxies, \(snapshot.logs.count) logs  \(time)  every \(String(format: "%.1f", view.interval)) s  sort: \(view.sort.rawValue)"
        if !view.filter.isEmpty || view.editingFilter { status += "  filter: \(view.filter)\(view.editingFilter ? "_" : "")" }
        if view.paused { status += "  [paused]" }
        add(status, .bold)
        let adds = snapshot.bookies.reduce(0) { $0 + $1.addsPerSecond }
        let mib = snapshot.bookies.reduce(0) { $0 + $1.mibPerSecond }
        let records = snapshot.logs.reduce(0) { $0 + $1.recordsPerSecond }
        let requests = snapshot.proxies.reduce(0) { $0 + $1.requestsPerSecond }
        add(String(format: "total  bookie adds/s %.0f  bookie MiB/s %.1f  proxy writes/s %.0f  log records/s %.0f  under-replicated ledgers %d",
                   adds, mib, requests, records, snapshot.underReplicated))
        if view.showHelp {
            add("")
            for help in ["q        quit", "tab      switch between bookies, proxies and logs", "up/down  move the selection",
                         "s        sort by rate or by name", "/        filter by name (Enter to apply, Esc to clear)",
                         "p        pause or resume sampling", "?        this help (any key closes it)"] { add("  " + help) }
            self.lines = lines
            return
        }
        let spark = 20
        let bookies = Self.ordered(snapshot.bookies, view: view, name: \.id, rate: \.addsPerSecond)
        let logs = Self.ordered(snapshot.logs, view: view, name: \.name, rate: \.recordsPerSecond)
        let proxies = Self.ordered(snapshot.proxies, view: view, name: \.address, rate: \.requestsPerSecond)
        let eventLines = min(snapshot.events.count, 3)
        // Rows left for the three tables: header lines, three table headers, events, key line.
        let room = max(3, height - lines.count - 6 - eventLines - 2)
        let bookieRoom = min(bookies.count, max(1, room / 3))
        let proxyRoom = min(proxies.count, max(1, room / 4))
        let logRoom = max(1, room - bookieRoom - proxyRoom)
        add("BOOKIES", .bold)
        add("  " + Self.columns(["ID", "STATE", "ADDS/S", "MIB/S", "SYNC P99", "QUEUE", "DISK", "LAST MINUTE"], [22, 11, 9, 8, 10, 6, 6, spark]))
        for (index, bookie) in Self.window(bookies, selected: view.pane == .bookies ? view.selected : -1, room: bookieRoom) {
            let marker = view.pane == .bookies && index == view.selected ? "> " : "  "
            add(marker + Self.columns([bookie.id, bookie.state, String(format: "%.0f", bookie.addsPerSecond),
                                       String(format: "%.1f", bookie.mibPerSecond), String(format: "%.1f ms", bookie.syncP99Millis),
                                       "\(bookie.queueDepth)", String(format: "%.0f%%", bookie.diskUsedFraction * 100),
                                       Self.sparkline(bookie.history, width: spark, unicode: unicode)], [22, 11, 9, 8, 10, 6, 6, spark]),
                view.pane == .bookies && index == view.selected ? .selected : .normal)
        }
        add("PROXIES", .bold)
        let proxyWidths = [22, 9, 6, 9, 8, 6, 8, 8, 18, spark]
        add("  " + Self.columns(["ADDRESS", "STATUS", "CONNS", "WRITES/S", "MIB/S", "LOGS", "SOFT", "REFUSED", "OWNED", "LAST MINUTE"],
                                proxyWidths))
        for (index, proxy) in Self.window(proxies, selected: view.pane == .proxies ? view.selected : -1, room: proxyRoom) {
            let selected = view.pane == .proxies && index == view.selected
            add((selected ? "> " : "  ")
                + Self.columns([proxy.address, proxy.status, proxy.connections.map(String.init) ?? "-",
                                String(format: "%.0f", proxy.requestsPerSecond), String(format: "%.1f", proxy.mibPerSecond),
                                proxy.ownedLogs.map { "\($0.count)" } ?? "-", proxy.overSoft.map { "\($0)" } ?? "-",
                                proxy.overCapacity.map { "\($0)" } ?? "-", proxy.ownedLogs?.joined(separator: ",") ?? "-",
                                Self.sparkline(proxy.history, width: spark, unicode: unicode)], proxyWidths),
                selected ? .selected : .normal)
        }
        add("LOGS", .bold)
        add("  " + Self.columns(["LOG", "RECORDS/S", "MIB/S", "RECORDS", "LAST DLSN", "SUBS", "SUB LAG", "WRITER", "LAST MINUTE"],
                                [24, 10, 7, 11, 14, 5, 8, 16, spark]))
        for (index, log) in Self.window(logs, selected: view.pane == .logs ? view.selected : -1, room: logRoom) {
            let writer = log.writer.map { LogLock.proxyAddress(ofHolder: $0) ?? Self.pidOf($0) } ?? "-"
            add((view.pane == .logs && index == view.selected ? "> " : "  ")
                + Self.columns([log.name, String(format: "%.0f", log.recordsPerSecond), String(format: "%.1f", log.mibPerSecond),
                                "\(log.records)", log.lastDLSN?.description ?? "-", "\(log.subscribers)",
                                log.lag.map(String.init) ?? "-", writer,
                                Self.sparkline(log.history, width: spark, unicode: unicode)], [24, 10, 7, 11, 14, 5, 8, 16, spark]),
                view.pane == .logs && index == view.selected ? .selected : .normal)
        }
        if eventLines > 0 {
            add("EVENTS", .bold)
            for event in snapshot.events.suffix(eventLines) { add("  " + event) }
        }
        if plain {
            self.lines = lines
            return
        }
        while lines.count < height - 1 { add("") }
        add("q quit  tab pane  up/down move  s sort  / filter  p pause  ? help", .bold)
        self.lines = Array(lines.prefix(max(1, height)))
    }

    /// Rows in the view's order, filtered.
    static func ordered<Row>(_ rows: [Row], view: DashboardView, name: KeyPath<Row, String>, rate: KeyPath<Row, Double>) -> [Row] {
        let kept = view.filter.isEmpty ? rows : rows.filter { $0[keyPath: name].localizedCaseInsensitiveContains(view.filter) }
        switch view.sort {
        case .name: return kept.sorted { $0[keyPath: name] < $1[keyPath: name] }
        case .rate: return kept.sorted { ($0[keyPath: rate], $1[keyPath: name]) > ($1[keyPath: rate], $0[keyPath: name]) }
        }
    }

    /// At most `room` rows around the selected one, with their indices.
    static func window<Row>(_ rows: [Row], selected: Int, room: Int) -> [(Int, Row)] {
        let start = max(0, min(selected - room / 2, rows.count - room))
        return Array(rows.enumerated().dropFirst(start).prefix(room))
    }

    static func columns(_ values: [String], _ widths: [Int]) -> String {
        zip(values, widths).map { fit($0, $1) }.joined(separator: " ")
    }

    /// `text` cut or padded to `width` characters.
    static func fit(_ text: String, _ width: Int) -> String {
        text.count > width ? String(text.prefix(max(0, width - 1))) + "~" : text + String(repeating: " ", count: width - text.count)
    }

    static func sparkline(_ values: [Double], width: Int, unicode: Bool) -> String {
        let glyphs = unicode ? blocks : asciiBlocks
        let recent = values.suffix(width)
        let top = recent.max() ?? 0
        return String(recent.map { value in
            top > 0 ? glyphs[min(glyphs.count - 1, Int(value / top * Double(glyphs.count - 1) + 0.5))] : glyphs[0]
        })
    }

    /// "pid N" from a lock holder's description ("writer, pid N on host, session S").
    static func pidOf(_ holder: String) -> String {
        guard let range = holder.range(of: "pid ") else { return String(holder.prefix(12)) }
        return "pid " + holder[range.upperBound...].prefix { $0.isNumber }
    }
}
