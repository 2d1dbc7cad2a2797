import CNcursesw
import Foundation

/// The terminal in curses mode for the dashboard. Every call must come from one thread.
final class CursesScreen {
    /// Whether the locale can show UTF-8 glyphs (else the dashboard uses ASCII).
    let unicode: Bool

    init(keyTimeoutMillis: Int32) {
        unicode = Self.localeUsesUTF8()
        _ = initscr()
        _ = cbreak()
        _ = noecho()
        _ = keypad(dl_stdscr(), true)
        _ = curs_set(0)
        wtimeout(dl_stdscr(), keyTimeoutMillis)
    }

    /// Takes the locale from the environment (LC_ALL, LC_CTYPE, LANG) and says whether its
    /// character set is UTF-8.
    static func localeUsesUTF8() -> Bool {
        setlocale(LC_ALL, "")
        return String(cString: nl_langinfo(nl_item(CODESET))).uppercased().replacingOccurrences(of: "-", with: "") == "UTF8"
    }

    var size: (width: Int, height: Int) { (Int(dl_cols()), Int(dl_lines())) }

    func draw(_ frame: DashboardFrame) {
        _ = werase(dl_stdscr())
        for (row, line) in frame.lines.enumerated() where row < size.height {
            let attributes: Int32
            switch line.emphasis {
            case .normal: attributes = 0
            case .bold: attributes = dl_a_bold()
            case .selected: attributes = dl_a_reverse()
            }
            if attributes != 0 { dl_attr_on(attributes) }
            // The last column is left alone: writing there scrolls on some terminals.
            _ = mvwaddnstr(dl_stdscr(), Int32(row), 0, line.text, Int32(max(0, size.width - 1)))
            if attributes != 0 { dl_attr_off(attributes) }
        }
        _ = wrefresh(dl_stdscr())
    }

    /// The next key, or nil when none came within the timeout.
    func key() -> Int32? {
        let key = wgetch(dl_stdscr())
        return key == ERR ? nil : key
    }

    /// Leaves curses mode: the terminal is as it was.
    func end() { _ = endwin() }
}
