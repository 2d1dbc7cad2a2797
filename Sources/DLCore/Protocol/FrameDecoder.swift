import NIOCore

/// Splits a byte stream into frame bodies (without their 4-byte length prefix), refusing any
/// frame longer than `WireCodec.maxFrameLength` before buffering it.
public struct FrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = ByteBuffer

    public init() {}

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return .needMoreData }
        guard Int(length) <= WireCodec.maxFrameLength else {
            throw ModelError.tooLarge(what: "frame", size: Int(length), limit: WireCodec.maxFrameLength)
        }
        guard length >= UInt32(WireCodec.headerLength) else {
            throw ModelError.invalid(what: "frame", reason: "length \(length) is shorter than a frame header")
        }
        guard buffer.readableBytes >= 4 + Int(length) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 4)
        let body = buffer.readSlice(length: Int(length))!
        context.fireChannelRead(wrapInboundOut(body))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        try decode(context: context, buffer: &buffer)
    }
}
