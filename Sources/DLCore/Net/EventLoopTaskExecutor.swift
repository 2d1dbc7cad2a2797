import NIOCore
import NIOPosix

/// Runs a task's jobs on one event loop (SE-0417 task executor preference). A consumer of a
/// connection's records that runs on the connection's own loop is resumed there in the same
/// turn that read them, instead of waking a thread of the global pool for every batch: for a
/// process that follows a log, one wake-up per pushed batch instead of two.
public final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    public let eventLoop: any EventLoop

    public init(_ eventLoop: any EventLoop) { self.eventLoop = eventLoop }

    /// On one loop of NIO's shared group (where `ProxyClient` connects by default).
    public convenience init() { self.init(MultiThreadedEventLoopGroup.singleton.next()) }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
