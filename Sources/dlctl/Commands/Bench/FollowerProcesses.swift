import DLCore
import Foundation

/// The followers of `dlctl bench fanout --processes`: one `dlctl bench follower` process each,
/// with its own connection, decoding and memory, as separate readers of a log would be. Each
/// writes when its records arrived to a file of the bench's temporary directory, and its
/// outcome to another; the bench reads them once every process has ended.
struct FollowerProcesses {
    let directory: String
    let children: [SpawnedProcess]

    struct Tally {
        var arrivals: [[UInt64]] = []
        var received = 0
        var outOfOrder = 0
        var duplicates = 0
        var errors: [String] = []
        /// CPU seconds the follower processes used (0 for followers of this process).
        var cpuSeconds = 0.0
        /// Why followers that resumed were cut off.
        var cutOff: [String] = []
    }

    /// `count` followers; the last `resuming` of them follow again when they are cut off.
    static func launch(_ count: Int, resuming: Int = 0, uri: String, log: String, after: DLSN, records: Int,
                       deadline: Double) throws -> FollowerProcesses {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dlctl-fanout-\(getpid())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var children: [SpawnedProcess] = []
        do {
            for index in 0..<count {
                let outcome = open("\(directory)/\(index).json", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
                guard outcome >= 0 else { throw CommandFailure(.failed, "cannot create \(directory)/\(index).json: \(String(cString: strerror(errno)))") }
                defer { close(outcome) }
                children.append(try SpawnedProcess.launch(
                    ProcessLiveness.executable,
                    ["bench", "follower", "--uri", uri, "--log", log, "--after", after.description, "--records", "\(records)",
                     "--times", "\(directory)/\(index).times", "--deadline", "\(deadline)"] + (index >= count - resuming ? ["--resume"] : []),
                    stdout: outcome, stderr: outcome))
            }
        } catch {
            for child in children { kill(child.pid, SIGKILL) }
            for child in children { _ = child.waitForExit() }
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        return FollowerProcesses(directory: directory, children: children)
    }

    /// Waits (on a thread of its own, not the bench's tasks) until every follower has ended.
    func waitForAll() async {
        let children = self.children
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                for child in children { _ = child.waitForExit() }
                done.resume()
            }
        }
    }

    /// What the followers (of `indices`: all by default) got.
    func tally(_ indices: Range<Int>? = nil) -> Tally {
        var tally = Tally()
        for index in indices ?? children.indices {
            let text = (try? String(contentsOfFile: "\(directory)/\(index).json", encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").last,
               let outcome = try? JSONDecoder().decode(BenchFollower.Outcome.self, from: Data(line.utf8)) {
                tally.received += outcome.received
                tally.outOfOrder += outcome.outOfOrder
                tally.duplicates += outcome.duplicates
                tally.cpuSeconds += outcome.cpuSeconds
                if let error = outcome.error { tally.errors.append(error) }
                if let cutOff = outcome.cutOff { tally.cutOff.append(cutOff) }
            } else {
                tally.errors.append("follower \(index): \(text.isEmpty ? "no outcome" : text.trimmingCharacters(in: .whitespacesAndNewlines))")
            }
            let data = (try? Data(contentsOf: URL(fileURLWithPath: "\(directory)/\(index).times"))) ?? Data()
            tally.arrivals.append(data.withUnsafeBytes { Array($0.bindMemory(to: UInt64.self)) })
        }
        return tally
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}
