import DLCore
import Foundation

/// The noisy tenant of `dlctl bench tenants` as a `dlctl bench flood` process: started, waited
/// for until it floods, then until it ends with its outcome.
struct FloodProcess {
    let child: SpawnedProcess
    private let output: FileHandle

    static func launch(uri: String, log: String, clients: Int, seconds: Double, recordSize: Int) throws -> FloodProcess {
        let pipe = try SpawnedProcess.pipe()
        let child: SpawnedProcess
        do {
            child = try SpawnedProcess.launch(ProcessLiveness.executable,
                                              ["bench", "flood", "--uri", uri, "--log", log, "--clients", "\(clients)",
                                               "--seconds", "\(seconds)", "--record-size", "\(recordSize)"],
                                              stdout: pipe.write, stderr: pipe.write)
        } catch {
            close(pipe.read)
            close(pipe.write)
            throw error
        }
        close(pipe.write)
        return FloodProcess(child: child, output: FileHandle(fileDescriptor: pipe.read, closeOnDealloc: true))
    }

    /// Reads the child's first line (on a thread of its own): true when it says it floods.
    func waitUntilFlooding() async -> Bool {
        let output = self.output
        return await withCheckedContinuation { done in
            Thread.detachNewThread {
                var line: [UInt8] = []
                var byte: UInt8 = 0
                while read(output.fileDescriptor, &byte, 1) == 1 && byte != 0x0A { line.append(byte) }
                done.resume(returning: String(decoding: line, as: UTF8.self) == "flooding")
            }
        }
    }

    /// Waits for the child to end: its outcome, or what it printed instead.
    func finish() async -> (result: BenchFlood.Outcome?, text: String) {
        let (output, child) = (self.output, self.child)
        return await withCheckedContinuation { done in
            Thread.detachNewThread {
                let rest = output.readDataToEndOfFile()
                let status = child.waitForExit()
                let text = String(decoding: rest, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                let last = text.split(separator: "\n").last.map(String.init) ?? ""
                let outcome = status == 0 ? try? JSONDecoder().decode(BenchFlood.Outcome.self, from: Data(last.utf8)) : nil
                done.resume(returning: (outcome, text.isEmpty ? "exit status \(status)" : text))
            }
        }
    }
}
