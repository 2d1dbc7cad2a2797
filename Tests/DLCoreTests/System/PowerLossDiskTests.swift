import DLCore
import Foundation
import Testing
import TestSupport

/// The recorder the power-loss tests stand on: it must forget exactly what a disk forgets.
@Suite("Power-loss disk")
struct PowerLossDiskTests {
    @Test func unsyncedBytesAreLostAndSyncedOnesKept() throws {
        let directory = TemporaryDirectory("power-disk")
        let disk = try PowerLossDisk(root: directory.path)
        let path = disk.root + "/data"
        try disk.writeAtomically(Array("synced".utf8), to: path)
        let fd = try disk.open(path, flags: O_WRONLY, mode: 0)
        try Array("SYNCED".utf8).withUnsafeBytes { try disk.write(fd, $0, at: 0) }
        try disk.syncData(fd)
        try Array(" and lost".utf8).withUnsafeBytes { try disk.write(fd, $0, at: 6) }
        #expect(try disk.contents(path) == Array("SYNCED and lost".utf8))
        disk.circuit.cutNow()
        #expect(throws: FileError.self) { try Array("x".utf8).withUnsafeBytes { try disk.write(fd, $0, at: 0) } }
        disk.close(fd)
        var random = SeededGenerator(seed: 1)
        try disk.recover(unsynced: .lost, using: &random)
        disk.circuit.restore()
        #expect(try disk.contents(path) == Array("SYNCED".utf8))
    }

    /// A process keeps running for a moment after its disk is rewritten (the SIGUSR2 switch
    /// exits right after): a descriptor open at the cut must not write or sync the real, now
    /// unlinked file and report success, or an add could be acknowledged that no disk kept. It
    /// fails until closed, even with the power back; a descriptor opened afterwards works.
    @Test func descriptorsOpenAtTheCutFailUntilClosed() throws {
        let directory = TemporaryDirectory("power-disk")
        let disk = try PowerLossDisk(root: directory.path)
        let path = disk.root + "/journal"
        try disk.writeAtomically(Array("synced".utf8), to: path)
        let fd = try disk.open(path, flags: O_WRONLY, mode: 0)
        try Array("unsynced".utf8).withUnsafeBytes { try disk.write(fd, $0, at: 6) }
        disk.circuit.cutNow()
        var random = SeededGenerator(seed: 3)
        try disk.recover(unsynced: .lost, using: &random)
        let refusedBefore = disk.stats.refused
        #expect(throws: FileError.self) { try Array("x".utf8).withUnsafeBytes { try disk.write(fd, $0, at: 0) } }
        #expect(throws: FileError.self) { try disk.syncData(fd) }
        #expect(throws: FileError.self) { try disk.sync(fd) }
        #expect(throws: FileError.self) { try disk.preallocate(fd, length: 4096) }
        #expect(throws: FileError.self) { try disk.writeBack(fd, offset: 0, length: 6) }
        disk.circuit.restore()
        #expect(throws: FileError.self) { try disk.syncData(fd) }
        #expect(disk.stats.refused == refusedBefore + 6)
        disk.close(fd)
        #expect(try disk.contents(path) == Array("synced".utf8))
        let reopened = try disk.open(path, flags: O_WRONLY, mode: 0)
        try Array("SYNCED".utf8).withUnsafeBytes { try disk.write(reopened, $0, at: 0) }
        try disk.syncData(reopened)
        disk.close(reopened)
        #expect(try disk.contents(path) == Array("SYNCED".utf8))
    }

    @Test func namesNeedTheirDirectorySynced() throws {
        let directory = TemporaryDirectory("power-disk")
        let disk = try PowerLossDisk(root: directory.path)
        try disk.createDirectories(disk.root + "/a/b")
        try disk.writeAtomically(Array("kept".utf8), to: disk.root + "/a/b/kept")
        try disk.writeAtomically(Array("old".utf8), to: disk.root + "/a/b/removed")
        for name in ["created", "renamed.tmp"] {
            let fd = try disk.open(disk.root + "/a/b/" + name, flags: O_CREAT | O_WRONLY, mode: 0o644)
            try Array(name.utf8).withUnsafeBytes { try disk.write(fd, $0, at: 0) }
            try disk.sync(fd)
            disk.close(fd)
        }
        try disk.rename(disk.root + "/a/b/renamed.tmp", to: disk.root + "/a/b/kept")
        disk.remove(disk.root + "/a/b/removed")
        try disk.makeDirectory(disk.root + "/unsynced-dir")
        disk.circuit.cutNow()
        var random = SeededGenerator(seed: 2)
        try disk.recover(unsynced: .someInOrder, using: &random)
        disk.circuit.restore()
        #expect(try disk.contents(disk.root + "/a/b/kept") == Array("kept".utf8))
        #expect(try disk.contents(disk.root + "/a/b/removed") == Array("old".utf8))
        #expect(try disk.contents(disk.root + "/a/b/created") == nil)
        #expect(disk.size(disk.root + "/unsynced-dir") == nil)
        #expect(disk.list(disk.root + "/a/b").sorted() == ["kept", "removed"])
    }

    @Test func someUnsyncedWritesMayReachTheDiskInOrder() throws {
        var seen = Set<Int>()
        for seed in 0..<40 {
            let directory = TemporaryDirectory("power-disk")
            let disk = try PowerLossDisk(root: directory.path)
            let path = disk.root + "/log"
            try disk.writeAtomically([], to: path)
            let fd = try disk.open(path, flags: O_WRONLY, mode: 0)
            for chunk in 0..<4 {
                try [UInt8](repeating: UInt8(chunk + 1), count: 1024).withUnsafeBytes { try disk.write(fd, $0, at: Int64(chunk * 1024)) }
            }
            disk.close(fd)
            disk.circuit.cutNow()
            var random = SeededGenerator(seed: UInt64(seed))
            try disk.recover(unsynced: .someInOrder, using: &random)
            let bytes = try #require(try disk.contents(path))
            // A prefix of the writes, the last possibly cut at a 512-byte boundary.
            #expect(bytes.count % 512 == 0)
            #expect(bytes.enumerated().allSatisfy { $0.element == UInt8($0.offset / 1024 + 1) })
            seen.insert(bytes.count)
        }
        #expect(seen.contains(0) && seen.count > 3)
    }
}
