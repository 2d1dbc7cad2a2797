import DLCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Standard output as one stage of a pipeline.
///
/// SwiftNIO ignores SIGPIPE for the whole process, so a write to a pipe whose reader has gone
/// (`dlctl tail LOG | head -1`) fails with EPIPE instead of ending the process, and Foundation's
/// `FileHandle.write` traps on that error. Every byte dlctl prints goes through here instead: when
/// the reader has gone the command ends at once and quietly with status 141, what a shell reports
/// for a stage that SIGPIPE ended; any other write failure (a full disk) is one error line and
/// status 1.
enum StandardOutput {
    /// 128 + SIGPIPE.
    static let readerGoneStatus = ExitStatus.readerGone.rawValue

    /// Bytes not yet handed to the reader: written out at 64 KiB, at `flush`, at the end of the
    /// command, and after each line when standard output is a terminal.
    private static let pending = Locked<[UInt8]>([])
    private static let isTerminal = isatty(STDOUT_FILENO) == 1

    static func write(_ data: Data) {
        data.withUnsafeBytes { write($0) }
    }

    static func write(_ text: String) {
        var text = text
        text.withUTF8 { write(UnsafeRawBufferPointer($0)) }
    }

    static func write(_ bytes: UnsafeRawBufferPointer) {
        pending.withLock { pending in
            pending.append(contentsOf: bytes)
            if pending.count >= 64 * 1024 || (isTerminal && bytes.contains(0x0A)) { drain(&pending) }
        }
    }

    /// Hands what is buffered to the reader now (a follower's reader sees each record promptly).
    static func flush() {
        pending.withLock { drain(&$0) }
    }

    private static func drain(_ pending: inout [UInt8]) {
        var sent = 0
        while sent < pending.count {
            let result = pending.withUnsafeBytes { Glibc.write(STDOUT_FILENO, $0.baseAddress! + sent, $0.count - sent) }
            if result >= 0 {
                sent += result
            } else if errno == EINTR {
                continue
            } else if errno == EAGAIN {
                var ready = pollfd(fd: STDOUT_FILENO, events: Int16(POLLOUT), revents: 0)
                _ = poll(&ready, 1, -1)
            } else {
                fail(errno)
            }
        }
        pending.removeAll(keepingCapacity: true)
    }

    /// For a command that may wait a long time between writes (a follower): ends it as soon as
    /// standard output is a pipe or socket whose reader has gone, not at its next write.
    /// (On Linux `poll` reports POLLERR on a pipe's write end once the read end is closed.)
    static func endWhenReaderGoes() {
        var status = stat()
        guard fstat(STDOUT_FILENO, &status) == 0 else { return }
        let kind = status.st_mode & S_IFMT
        guard kind == S_IFIFO || kind == S_IFSOCK else { return }
        let watcher = Thread {
            var watched = pollfd(fd: STDOUT_FILENO, events: 0, revents: 0)
            while true {
                let ready = poll(&watched, 1, -1)
                if ready < 0 && errno == EINTR { continue }
                if ready > 0 && watched.revents & Int16(POLLERR | POLLHUP) != 0 { _exit(readerGoneStatus) }
                // Not pollable after all (POLLNVAL) or poll failing: stop watching rather than spin.
                if ready < 0 || watched.revents & Int16(POLLNVAL) != 0 { return }
            }
        }
        watcher.name = "stdout-reader-watch"
        watcher.start()
    }

    private static func fail(_ code: Int32) -> Never {
        if code == EPIPE { _exit(readerGoneStatus) }
        StandardError.write("dlctl: error: cannot write to standard output: \(String(cString: strerror(code)))")
        _exit(ExitStatus.failed.rawValue)
    }
}

/// Standard error, unbuffered: a line that cannot be written (its reader has gone too) is
/// dropped, never a trap.
enum StandardError {
    static func write(_ line: String) {
        var line = line.hasSuffix("\n") ? line : line + "\n"
        line.withUTF8 { bytes in
            var sent = 0
            while sent < bytes.count {
                let result = Glibc.write(STDERR_FILENO, bytes.baseAddress! + sent, bytes.count - sent)
                if result > 0 { sent += result } else if result < 0 && errno == EINTR { continue } else { return }
            }
        }
    }
}

/// Every `print` in dlctl goes to `StandardOutput`, so no command can trap or go on writing into
/// a closed pipe (this shadows `Swift.print` in this module).
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    StandardOutput.write(items.map { "\($0)" }.joined(separator: separator) + terminator)
}
