import Foundation
import Synchronization

/// Free TCP ports on the loopback interface, for local clusters and tests.
///
/// Ports come from outside the kernel's ephemeral range when it leaves room: a port handed
/// out from inside it can be taken by any outgoing connection before the server binds it.
public enum FreePort {
    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String { "could not find a free loopback port" }
    }

    /// Ports this process has handed out: never handed out twice (two servers started at
    /// once would otherwise be able to get the same one).
    private static let given = Mutex<Set<Int>>([])

    /// A port nothing listens on right now.
    public static func next() throws -> Int {
        let (low, high) = ephemeralRange()
        // Prefer 20000..<low (or above the range); try a few random ones, then the kernel's choice.
        let candidates: ClosedRange<Int>? = low > 21_000 ? 20_000...(low - 1) : high < 64_000 ? (high + 1)...65_000 : nil
        if let candidates {
            for _ in 0..<64 {
                let port = Int.random(in: candidates)
                guard given.withLock({ $0.insert(port).inserted }) else { continue }
                if bindable(port) { return port }
            }
        }
        guard let port = bound(0) else { throw Unavailable() }
        return port
    }

    /// The kernel's ephemeral port range (Linux), or the common default.
    static func ephemeralRange() -> (Int, Int) {
        guard let text = try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8) else {
            return (32_768, 60_999)
        }
        let numbers = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).compactMap { Int($0) }
        return numbers.count == 2 ? (numbers[0], numbers[1]) : (32_768, 60_999)
    }

    static func bindable(_ port: Int) -> Bool { bound(port) == port }

    /// Binds a loopback TCP socket to `port` (0: the kernel picks) and returns the port it got.
    private static func bound(_ port: Int) -> Int? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        return ok ? Int(UInt16(bigEndian: address.sin_port)) : nil
    }
}
