/// Rules for metadata paths, the same on every backend (ZooKeeper's rules; characters outside
/// the Basic Multilingual Plane are refused too, since ZooKeeper sees them as surrogates).
public enum MetadataPath {
    public static func validate(_ path: String) throws(MetadataError) {
        func fail(_ reason: String) -> MetadataError { .invalidPath(path, reason: reason) }
        guard path.hasPrefix("/") else { throw fail("must start with /") }
        if path == "/" { return }
        if path.hasSuffix("/") { throw fail("must not end with /") }
        for component in path.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            if component.isEmpty { throw fail("empty component") }
            if component == "." || component == ".." { throw fail("relative component '\(component)'") }
        }
        for scalar in path.unicodeScalars {
            let v = scalar.value
            if v == 0 || (0x01...0x1F).contains(v) || (0x7F...0x9F).contains(v)
                || (0xD800...0xF8FF).contains(v) || (0xFFF0...0xFFFF).contains(v) || v > 0xFFFF {
                throw fail("character U+\(String(v, radix: 16, uppercase: true)) is not allowed")
            }
        }
    }

    /// The parent of a valid path ("/" for a top-level node, "" for the root).
    public static func parent(of path: String) -> String {
        if path == "/" { return "" }
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The last component of a valid path.
    public static func name(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    public static func join(_ parent: String, _ child: String) -> String {
        parent == "/" ? "/" + child : parent + "/" + child
    }

    /// Every ancestor of `path`, outermost first, excluding "/" and `path` itself.
    public static func ancestors(of path: String) -> [String] {
        var result: [String] = []
        var current = parent(of: path)
        while current != "/" && !current.isEmpty {
            result.append(current)
            current = parent(of: current)
        }
        return result.reversed()
    }

    /// The zero-padded suffix a sequential create appends, as ZooKeeper does.
    public static func sequentialSuffix(_ counter: Int64) -> String {
        let digits = String(counter)
        return String(repeating: "0", count: max(0, 10 - digits.count)) + digits
    }
}
