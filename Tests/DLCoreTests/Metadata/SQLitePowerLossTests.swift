import DLCore
import Foundation
import Testing
import TestSupport

/// The embedded store under the power-loss VFS: a commit it reported survives a power loss.
@Suite("SQLite store power loss")
struct SQLitePowerLossTests {
    private static func options(_ disk: PowerLossDisk) -> MetadataStoreOptions {
        MetadataStoreOptions(sessionTimeout: .seconds(10), operationTimeout: .seconds(5), files: disk)
    }

    @Test func everyCommitSyncsTheLog() async throws {
        let directory = TemporaryDirectory("power-sqlite")
        let disk = try PowerLossDisk(root: directory.path)
        PowerLossVFS.attach(disk)
        defer { PowerLossVFS.detach(disk) }
        let store = try await SQLiteMetadataStore.open(path: disk.root + "/meta.db", options: Self.options(disk))
        for index in 0..<20 {
            let before = disk.stats.fileSyncs
            try await store.create("/n\(index)", data: [UInt8(index)], mode: .persistent)
            #expect(disk.stats.fileSyncs > before, "commit \(index) was reported before it was synced")
        }
        await store.close()
    }

    @Test func acknowledgedCommitsSurviveRandomPowerLosses() async throws {
        // DLCTL_POWER_LOSS_ROUNDS x 4 losses (CI runs the default, 240).
        let rounds = 4 * max(1, Int(ProcessInfo.processInfo.environment["DLCTL_POWER_LOSS_ROUNDS"] ?? "") ?? 60)
        let directory = TemporaryDirectory("power-sqlite")
        let disk = try PowerLossDisk(root: directory.path)
        PowerLossVFS.attach(disk)
        defer { PowerLossVFS.detach(disk) }
        var random = SeededGenerator(seed: 11)
        var acknowledged: [String: Int64] = [:]
        // The operation the power loss interrupted: it may or may not have committed.
        var uncertain: (path: String, versions: Set<Int64?>)?
        var next = 0
        for round in 0..<rounds {
            let store = try await SQLiteMetadataStore.open(path: disk.root + "/meta.db", options: Self.options(disk))
            for (path, version) in acknowledged where path != uncertain?.path {
                #expect(try await store.exists(path) == version, "round \(round): \(path) lost or rolled back")
            }
            if let (path, versions) = uncertain {
                let found = try await store.exists(path)
                #expect(versions.contains(found), "round \(round): interrupted \(path) is at \(String(describing: found))")
                acknowledged[path] = found
            }
            disk.circuit.cut(afterOperations: Int.random(in: 0..<200, using: &random))
            while true {
                let path = "/n\(next)"
                next += 1
                uncertain = (path, [nil, 0])
                do {
                    try await store.create(path, data: Array(repeating: 7, count: Int.random(in: 0..<3000, using: &random)),
                                           mode: .persistent)
                    acknowledged[path] = 0
                    uncertain = nil
                    if let old = acknowledged.keys.randomElement(using: &random) {
                        let version = acknowledged[old]!
                        uncertain = (old, [version, version + 1])
                        acknowledged[old] = try await store.set(old, data: [1], expectedVersion: nil)
                        uncertain = nil
                    }
                } catch {
                    break
                }
            }
            await store.close()
            try disk.recover(unsynced: .someInOrder, using: &random)
            disk.circuit.restore()
        }
        #expect(disk.circuit.losses == rounds)
        #expect(acknowledged.count > rounds)
        print("power loss, embedded store: \(rounds) losses, \(acknowledged.count) nodes acknowledged, every one read back at its version")
    }
}
