import NIOCore

/// Back-pressure for a server connection: a read the channel asks for while the connection
/// is over its bound (too much of its work unanswered) is held, and done once it is back under.
/// Used on the connection's event loop only.
public final class ReadGate: @unchecked Sendable {
    private var held = false

    public init() {}

    /// For a handler's `read(context:)`: reads now unless `over`.
    public func read(_ context: ChannelHandlerContext, over: Bool) {
        if over {
            held = true
        } else {
            context.read()
        }
    }

    /// Does the held read, if any (on the event loop, once under the bound again).
    public func resume(_ channel: any Channel) {
        guard held else { return }
        held = false
        channel.read()
    }
}
