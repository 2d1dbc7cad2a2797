import DLCore
import Foundation
import NIOCore

/// Reads journal files back: for replay on start and for `dlctl bookie readjournal`.
public enum JournalReader {
    /// Where and why reading a file stopped early.
    public struct Cut: Sendable, Equatable, CustomStringConvertible {
        public var fileId: UInt64
        public var offset: Int64
        public var reason: JournalRecord.ReadFailure
        public var bytesDropped: Int64
        public var description: String {
            "\(JournalFiles.name(fileId)) at offset \(offset): \(reason); cut \(bytesDropped) bytes"
        }
    }

    public struct Summary: Sendable {
        public var records = 0
        public var bytes: Int64 = 0
        public var cuts: [Cut] = []
        /// The position after the last valid record read.
        public var end = JournalMark.start
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
            guard start <= buffer.readableBytes else { continue }
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
                case let .failure(reason):
                    let nonZero = buffer.readableBytesView.lastIndex(where: { $0 != 0 }).map { $0 - buffer.readerIndex + 1 } ?? 0
                    summary.cuts.append(Cut(fileId: fileId, offset: offset, reason: reason, bytesDropped: Int64(nonZero)))
                    summary.end = max(summary.end, JournalMark(fileId: fileId, offset: offset))
                }
                break
            }
        }
        return summary
    }
}
