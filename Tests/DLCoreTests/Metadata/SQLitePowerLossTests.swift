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
        let rounds = max(1, Int(ProcessInfo.processInfo.environment["DLCTL_POWER_LOSS_ROUNDS"] ?? "") ?? 40)
        let directory = TemporaryDirectory("power-sqlite")
        let disk = try PowerLossDisk(root: directory.path)
        PowerLossVFS.attach(disk)
        defer { PowerLossVFS.detach(disk) }
        var random = SeededGenerator(seed: 11)
        var acknowledged: [String: Int64] = [:]
        var next = 0
        for round in 0..<rounds {
            let store = try await SQLiteMetadataStore.open(path: disk.root + "/meta.db", options: Self.options(disk))
            for (path, version) in acknowledged {
                #expect(try await store.exists(path) == version, "round \(round): \(path) lost or rolled back")
            }
            disk.circuit.cut(afterOperations: Int.random(in: 0..<60, using: &random))
            while true {
                let path = "/n\(next)"
                next += 1
                do {
                    try await store.create(path, data: Array(repeating: 7, count: Int.random(in: 0..<3000, using: &random)),
                                           mode: .persistent)
                    acknowledged[path] = 0
                    if let old = acknowledged.keys.randomElement(using: &random) {
                        acknowledged[old] = try await store.set(old, data: [1], expectedVersion: nil)
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
    }
}
