import NIOCore

/// The header every dlctl frame body starts with (bookie and proxy protocols alike): version,
/// kind (0 request, 1 response), opcode, flags, request id.
enum FrameHeader {
    /// Reads and checks the header of a `what` frame of `kind` (`0` request, `1` response); the
    /// opcode is left to the protocol to name (not generic: this runs for every frame).
    static func read(_ body: inout ByteBuffer, version: UInt8, kind: UInt8, what: String)
        throws(ModelError) -> (opcode: UInt8, flags: UInt8, requestId: UInt64)
    {
        let frameVersion = try body.readChecked(UInt8.self, "frame version")
        guard frameVersion == version else { throw .unsupportedVersion(what: what, found: Int(frameVersion)) }
        let rawKind = try body.readChecked(UInt8.self, "frame kind")
        guard rawKind == kind else { throw .invalid(what: what, reason: "kind \(rawKind), expected \(kind)") }
        let opcode = try body.readChecked(UInt8.self, "opcode")
        let flags = try body.readChecked(UInt8.self, "flags")
        let requestId = try body.readChecked(UInt64.self, "request id")
        return (opcode, flags, requestId)
    }
}
