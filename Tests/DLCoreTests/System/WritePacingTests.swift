import DLCore
import Foundation
import Testing
import TestSupport

/// A checkpoint's entry log written out paced (`WritePacing`): the rate it picks, the pauses
/// that keep it, and a paced atomic write that pushes every chunk to the device before the
/// sync and leaves exactly the bytes given.
@Suite struct WritePacingTests {
    @Test func aPeriodicWriteIsSpreadOverHalfItsIntervalAndNeverCrawls() {
        let mib = 1_048_576
        // 25 MiB every 5 s: written within 2.5 s.
        #expect(WritePacing.spreading(25 * mib, over: .seconds(5)).bytesPerSecond == Double(10 * mib))
        // A small cache goes out at the floor, not at a crawl.
        #expect(WritePacing.spreading(mib, over: .seconds(5)).bytesPerSecond == Double(8 * mib))
        #expect(WritePacing.spreading(100 * mib, over: .zero).bytesPerSecond == .infinity)
    }

    @Test func thePauseKeepsTheAverageRate() {
        let pacing = WritePacing(chunkBytes: 1000, bytesPerSecond: 1000)
        // 1000 bytes are due after one second: written in 0.25 s, pause 0.75 s.
        #expect(pacing.pause(afterWriting: 1000, elapsedNanos: 250_000_000) == 750_000_000)
        // Behind the schedule: no pause.
        #expect(pacing.pause(afterWriting: 1000, elapsedNanos: 2_000_000_000) == 0)
        #expect(WritePacing(chunkBytes: 1, bytesPerSecond: 0).chunkBytes == 4096)
    }

    /// Records the writes, write-backs and syncs a paced atomic write makes.
    final class RecordingFiles: FileLayer, @unchecked Sendable {
        let base = PosixFiles()
        let lock = NSLock()
        var events: [String] = []
        func note(_ event: String) { lock.withLock { events.append(event) } }
        func open(_ path: String, flags: Int32, mode: UInt32) throws -> Int32 { try base.open(path, flags: flags, mode: mode) }
        func close(_ fd: Int32) { base.close(fd) }
        func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int64) throws {
            note("write \(offset) \(bytes.count)")
            try base.write(fd, bytes, at: offset)
        }
        func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int {
            try base.read(fd, into: buffer, at: offset)
        }
        func syncData(_ fd: Int32) throws { note("syncData"); try base.syncData(fd) }
        func sync(_ fd: Int32) throws { note("sync"); try base.sync(fd) }
        func preallocate(_ fd: Int32, length: Int64) throws { try base.preallocate(fd, length: length) }
        func writeBack(_ fd: Int32, offset: Int64, length: Int64) throws {
            note("writeBack \(offset) \(length)")
            try base.writeBack(fd, offset: offset, length: length)
        }
        func rename(_ source: String, to destination: String) throws { note("rename"); try base.rename(source, to: destination) }
        func remove(_ path: String) { base.remove(path) }
        func syncDirectory(_ path: String) throws { note("syncDirectory"); try base.syncDirectory(path) }
        func makeDirectory(_ path: String) throws { try base.makeDirectory(path) }
        func contents(_ path: String) throws -> [UInt8]? { try base.contents(path) }
        func list(_ directory: String) -> [String] { base.list(directory) }
        func size(_ path: String) -> Int64? { base.size(path) }
    }

    @Test func aPacedWritePushesEachChunkBeforeTheSyncAndKeepsEveryByte() throws {
        let directory = TemporaryDirectory("dlctl-pacing")
        let files = RecordingFiles()
        let bytes = (0..<(10 * 4096 + 123)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let path = directory.file("entry.log")
        try bytes.withUnsafeBytes {
            try files.writeAtomically($0, to: path, pacing: WritePacing(chunkBytes: 4096, bytesPerSecond: 1e12))
        }
        #expect(try files.contents(path) == bytes)
        let chunks = (0..<11).map { index in (index * 4096, min(4096, bytes.count - index * 4096)) }
        let expected = chunks.flatMap { ["write \($0.0) \($0.1)", "writeBack \($0.0) \($0.1)"] } + ["sync", "rename", "syncDirectory"]
        #expect(files.events == expected)
    }
}
