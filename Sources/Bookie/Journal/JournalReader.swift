import DLCore
import Foundation
import NIOCore

/// Reads journal files back: for replay on start and for `dlctl bookie readjournal`.
public enum JournalReader {
    /// Where and why reading a file stopped early, or skipped a record.
    public struct Cut: Sendable, Equatable, CustomStringConvertible {
        public var fileId: UInt64
        public var offset: Int64
        public var reason: JournalRecord.ReadFailure
        public var bytesDropped: Int64
        /// Not a torn write at the end of what was written (a crash mid-write), but a bad record
        /// with written data after it: damage at rest. Records in it may have been acknowledged.
        public var damaged = false
        public var description: String {
            "\(JournalFiles.name(fileId)) at offset \(offset): \(reason); "
                + (damaged ? "damaged (written data follows), \(bytesDropped) bytes unreadable" : "torn tail, cut \(bytesDropped) bytes")
        }
    }

    public struct Summary: Sendable {
        public var records = 0
        public var bytes: Int64 = 0
        public var cuts: [Cut] = []
        /// The position after the last valid record read.
        public var end = JournalMark.start
        /// Whether any cut is damage rather than a torn tail.
        public var damaged: Bool { cuts.contains(where: \.damaged) }
    }

    /// Calls `visit` with every valid record from `mark` on, in order, across the journal files
    /// of `directory`. A file is read up to its first invalid record; what follows is reported
    /// as a cut (a torn or corrupt tail), never returned.
    public static func replay(directory: String, from mark: JournalMark, files: any FileLayer = PosixFiles(),
                              _ visit: (JournalRecord, JournalMark) throws -> Void) throws -> Summary {
        var summary = Summary()
        summary.end = mark
        for fileId in JournalFiles.list(directory, files: files) where fileId >= mark.fileId {
            let path = directory + "/" + JournalFiles.name(fileId)
            guard let data = try files.contents(path) else {
                throw JournalError.io("cannot read journal file \(path)")
            }
            var buffer = ByteBuffer(bytes: data)
            let start = fileId == mark.fileId ? Int(mark.offset) : 0
            guard start <= buffer.readableBytes else {
                // The checkpoint's mark lies past the end of its file: the file held that much
                // (preallocated and synced before use), so it was cut at rest, and what followed
                // the mark (acknowledged records, maybe) is gone. Damage, not an empty tail.
                summary.cuts.append(Cut(fileId: fileId, offset: Int64(buffer.readableBytes),
                                        reason: .truncated(needed: start, available: buffer.readableBytes),
                                        bytesDropped: 0, damaged: true))
                continue
            }
            buffer.moveReaderIndex(forwardBy: start)
            while true {
                let offset = Int64(buffer.readerIndex)
                switch JournalRecord.read(from: &buffer) {
                case let .success(record):
                    summary.records += 1
                    summary.bytes += Int64(buffer.readerIndex) - offset
                    summary.end = JournalMark(fileId: fileId, offset: Int64(buffer.readerIndex))
                    try visit(record, summary.end)
                    continue
                case .failure(.endOfData):
                    summary.end = max(summary.end, JournalMark(fileId: fileId, offset: offset))
                    // Zeros where a record header should be, yet written bytes further on: damage.
                    if let last = buffer.readableBytesView.lastIndex(where: { $0 != 0 }) {
                        summary.cuts.append(Cut(fileId: fileId, offset: offset, reason: .endOfData,
                                                bytesDropped: Int64(last - buffer.readerIndex + 1), damaged: true))
                    }
                case let .failure(reason):
                    let nonZero = buffer.readableBytesView.lastIndex(where: { $0 != 0 }).map { $0 - buffer.readerIndex + 1 } ?? 0
                    let extent = Self.declaredExtent(of: buffer)
                    let damaged = !Self.isTornTail(recordLength: extent, writtenLength: nonZero, offset: Int(offset))
                    summary.cuts.append(Cut(fileId: fileId, offset: offset, reason: reason,
                                            bytesDropped: Int64(damaged ? extent : nonZero), damaged: damaged))
                    summary.end = max(summary.end, JournalMark(fileId: fileId, offset: offset))
                    // Damage with its length intact: the records after it are still read.
                    if damaged, extent > 0, extent < buffer.readableBytes {
                        buffer.moveReaderIndex(forwardBy: extent)
                        continue
                    }
                }
                break
            }
        }
        return summary
    }

    /// A write torn by a crash ends at a 512-byte boundary (of the file) with nothing but zeros
    /// after it (journal files are preallocated with zeros and never reused). So a record that
    /// fails its check is a torn tail when its written bytes (`writtenLength` from `offset`, up
    /// to the last non-zero byte of the file) stop, rounded up to such a boundary, inside its
    /// declared `recordLength`; anything else (a complete record with a flipped bit, written
    /// records after it) is damage.
    static func isTornTail(recordLength: Int, writtenLength: Int, offset: Int) -> Bool {
        let sector = 512
        let writtenEnd = offset + writtenLength
        let boundary = (writtenEnd + sector - 1) / sector * sector
        return boundary < offset + recordLength || writtenLength == 0
    }

    /// The bytes the record at the front of `buffer` claims (framing and body), at most what remains.
    static func declaredExtent(of buffer: ByteBuffer) -> Int {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return buffer.readableBytes }
        return min(JournalRecord.framingLength + Int(length), buffer.readableBytes)
    }
}
