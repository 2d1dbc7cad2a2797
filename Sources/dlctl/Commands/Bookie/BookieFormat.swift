import ArgumentParser
import Bookie
import DLCore
import Foundation

struct BookieFormat: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "format",
        abstract: "Wipe a bookie's data directory and its cookie, so it can join again as a new, empty bookie.",
        discussion: "Everything the bookie stored is lost. Refuses while a bookie runs on the directory, and without --force when it holds data."
    )

    @OptionGroup var cluster: ClusterOptions
    @Option(name: .customLong("data-dir"), help: "The bookie's data directory.") var dataDir: String
    @Flag(help: "Wipe even when the directory holds data.") var force = false
    @Option(name: .customLong("bookie-id"), help: "Release this identity (host:port) when the directory has no cookie left.")
    var bookieId: String?

    func run() async throws {
        let (cluster, directory, force, givenId) = (self.cluster, (self.dataDir as NSString).standardizingPath, self.force, self.bookieId)
        try await reportingErrors(timeout: cluster.commandTimeout) {
            let contents = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            let lockFd = open(directory + "/LOCK", O_RDWR | O_CLOEXEC)
            if lockFd >= 0 {
                defer { close(lockFd) }
                if flock(lockFd, LOCK_EX | LOCK_NB) != 0 {
                    throw CommandFailure(.conflict, "a bookie is running on \(directory); stop it first")
                }
            }
            if !contents.filter({ $0 != "LOCK" }).isEmpty && !force {
                throw CommandFailure(.conflict, "\(directory) holds bookie data; pass --force to destroy it")
            }
            // A damaged cookie does not stop a format (it is the way out): the id is then --bookie-id.
            let cookie = (try? CookieCheck.readLocal(directory)) ?? nil
            for name in contents { try FileManager.default.removeItem(atPath: directory + "/" + name) }
            if let id = cookie?.bookieId ?? givenId {
                try await cluster.withStore { store in
                    try? await store.delete(ClusterLayout.cookiePath(id), expectedVersion: nil)
                }
                print("formatted \(directory); bookie \(id) may join again as a new bookie")
            } else {
                print("formatted \(directory)")
            }
        }
    }
}
