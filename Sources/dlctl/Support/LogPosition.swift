import ArgumentParser
import DLCore

/// A position in a log as users write it: start, end, a DLSN ('seq,entry,slot' or base64)
/// or txid:N.
enum LogPosition: Equatable {
    case start
    case end
    case dlsn(DLSN)
    case txid(Int64)

    init(parsing text: String) throws(CommandFailure) {
        switch text {
        case "start", "beginning": self = .start
        case "end": self = .end
        default:
            if text.hasPrefix("txid:") {
                guard let txid = Int64(text.dropFirst(5)), txid >= 0 else {
                    throw CommandFailure(.usage, "'\(text)' is not txid:N with N a non-negative integer")
                }
                self = .txid(txid)
                return
            }
            let dlsn: DLSN
            do { dlsn = try DLSN(parsing: text) } catch {
                throw CommandFailure(.usage, "'\(text)' is not start, end, txid:N or a DLSN: \(error)")
            }
            guard dlsn.segmentSequenceNumber >= 1, dlsn.entryId >= 0, dlsn.slotId >= 0 else {
                throw CommandFailure(.usage, "'\(text)' is not a DLSN: the segment is 1 or more, the entry and slot 0 or more")
            }
            self = .dlsn(dlsn)
        }
    }

    var readerStart: LogReader.Start {
        switch self {
        case .start: return .beginning
        case .end: return .end
        case let .dlsn(dlsn): return .dlsn(dlsn)
        case let .txid(txid): return .txid(txid)
        }
    }
}
