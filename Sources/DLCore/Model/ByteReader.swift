import NIOCore

/// Bounds-checked reads on a `ByteBuffer` that report `ModelError.truncated` instead of
/// returning nil, so decoders stay linear and never trap on short input.
extension ByteBuffer {
    @inlinable
    public mutating func readChecked<T: FixedWidthInteger>(_: T.Type, _ what: @autoclosure () -> String) throws(ModelError) -> T {
        guard let value = readInteger(as: T.self) else {
            throw .truncated(what: what(), needed: MemoryLayout<T>.size, available: readableBytes)
        }
        return value
    }

    @inlinable
    public mutating func readBytesChecked(_ count: Int, _ what: @autoclosure () -> String) throws(ModelError) -> [UInt8] {
        guard count >= 0 else { throw .invalid(what: what(), reason: "negative length \(count)") }
        guard let bytes = readBytes(length: count) else {
            throw .truncated(what: what(), needed: count, available: readableBytes)
        }
        return bytes
    }

    public func requireFullyRead(_ what: String) throws(ModelError) {
        if readableBytes != 0 { throw .trailingBytes(what: what, count: readableBytes) }
    }
}
