import DLCore
import Dispatch
import Foundation
import Logging

/// `bookie start --power-loss-recorder`, for fault-injection harnesses (scripts/jepsen.sh):
/// the bookie's files go through a `PowerLossDisk`, and SIGUSR2 cuts its power. Every later
/// file operation fails, the data directory is rewritten as a power loss leaves a disk (what
/// was synced, and some unsynced writes in order, the last one torn), and the process exits
/// with status 137, as after kill -9. Syncs still reach the disk (latency stays real), but
/// every write is also kept in memory, so it is no production setting.
enum PowerLossSwitch {
    static let signalNumber = SIGUSR2

    /// The recorder over `directory` (created if needed) with SIGUSR2 wired to it.
    static func install(over directory: String, logger: Logger) throws -> PowerLossDisk {
        let disk = try PowerLossDisk(root: directory, performsRealSyncs: true)
        signal(signalNumber, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
        source.setEventHandler {
            disk.circuit.cutNow()
            var random = SystemRandomNumberGenerator()
            do {
                try disk.recover(unsynced: .someInOrder, using: &random)
                logger.warning("power cut (SIGUSR2): the data directory now holds what a power loss keeps")
            } catch {
                logger.error("power cut (SIGUSR2): rewriting the data directory failed", metadata: ["error": "\(error)"])
            }
            _exit(137)
        }
        source.resume()
        sources.withLock { $0.append(source) }
        return disk
    }

    /// Keeps the signal sources alive for the life of the process.
    private static let sources = Locked<[any DispatchSourceSignal]>([])
}
