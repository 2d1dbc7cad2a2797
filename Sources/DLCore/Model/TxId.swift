/// Transaction ids: application-assigned 64-bit numbers, non-decreasing within a log.
public enum TxId {
    /// Marks no transaction id (DistributedLog's INVALID_TXID).
    public static let invalid: Int64 = -999
    /// Reserved for the end-of-stream record.
    public static let endOfStream: Int64 = .max
    /// The smallest id a user may write.
    public static let minimum: Int64 = 0

    public enum Violation: Error, Equatable, Sendable, CustomStringConvertible {
        case negative(Int64)
        case reserved(Int64)
        case outOfOrder(previous: Int64, attempted: Int64)

        public var description: String {
            switch self {
            case let .negative(txid): return "txid \(txid) is negative; txids start at 0"
            case let .reserved(txid): return "txid \(txid) is reserved for the end-of-stream marker"
            case let .outOfOrder(previous, attempted):
                return "txid \(attempted) is out of order: the log is already at txid \(previous) (txids must not decrease)"
            }
        }
    }

    /// Checks that a user record may carry `txid` after a log whose highest txid is `previous`
    /// (nil for an empty log). Equal txids are allowed, as in DistributedLog.
    public static func validate(_ txid: Int64, after previous: Int64?) throws(Violation) {
        if txid < minimum { throw .negative(txid) }
        if txid == endOfStream { throw .reserved(txid) }
        if let previous, txid < previous { throw .outOfOrder(previous: previous, attempted: txid) }
    }
}
