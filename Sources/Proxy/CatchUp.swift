import DLCore
import NIOCore
import Synchronization

/// A reader of a log's bookies shared by the followers that start at about the same place
/// (one bookie read per entry, however many of them): each record goes to every member that
/// has not had it, encoded once per batch. On the log's owner it ends where the feed's window
/// takes over; elsewhere it follows the log itself.
final class CatchUp: Sendable {
    private struct Member {
        let follower: Follower
        /// Records before this are not for it (it started later in the log than the cohort).
        let from: DLSN?
    }
    private let members = Mutex<[Member]>([])
    /// Members still following.
    var memberCount: Int { members.withLock { $0.filter { !$0.follower.ended }.count } }
    private let start: LogReader.Start
    private let follow: Bool
    /// Strong: a cohort outlives the feed's place in the proxy (a feed replaced when this proxy
    /// takes the log) until its reader ends.
    private let feed: LogFeed
    /// The last record read; nil before the first.
    private let position = Mutex<DLSN?>(nil)
    private let task = Mutex<Task<Void, Never>?>(nil)

    init(feed: LogFeed, start: LogReader.Start, follow: Bool) {
        self.feed = feed
        self.start = start
        self.follow = follow
    }

    /// Whether a follower starting at `start` can share this cohort: it has not read past it.
    func accepts(_ start: LogReader.Start) -> Bool {
        let position = self.position.withLock { $0 }
        guard let position else { return start == self.start }
        switch start {
        case let .dlsn(dlsn): return dlsn > position
        case let .after(dlsn): return dlsn >= position
        case .end: return follow
        case .beginning, .txid: return false
        }
    }

    func add(_ follower: Follower, from start: LogReader.Start) {
        let from: DLSN?
        switch start {
        case let .dlsn(dlsn): from = dlsn
        case .after: from = nil  // `follower.last` is set to it
        case .end: from = position.withLock { $0 }.map { DLSN($0.segmentSequenceNumber, $0.entryId, $0.slotId + 1) }
        case .beginning, .txid: from = nil
        }
        members.withLock { $0.append(Member(follower: follower, from: from)) }
    }

    func run(store: any MetadataStore, connections: BookieConnections) {
        let (start, follow, log) = (self.start, self.follow, feed.log)
        task.withLock {
            $0 = Task { [self] in
                do {
                    let reader = try await LogReader(log, store: store, connections: connections, from: start, follow: follow)
                    var batch: [PositionedRecord] = []
                    while let record = try await reader.next() {
                        if batch.isEmpty, !follow, feed.joinIfInWindow(live(), at: record.dlsn) { return finished() }
                        batch.append(record)
                        position.withLock { $0 = record.dlsn }
                        if reader.hasBufferedRecords && batch.count < 1024 { continue }
                        if await !deliver(batch) { return finished() }
                        batch.removeAll(keepingCapacity: true)
                    }
                    if !batch.isEmpty, await !deliver(batch) { return finished() }
                    if follow {
                        // A following reader ends only at the end of a sealed log.
                        for member in live() { member.finish(.endOfStream, "\(log) is sealed") }
                    } else if !feed.joinIfInWindow(live(), at: nil) {
                        // Caught up, but the feed closed meanwhile (this proxy let the log go):
                        // the members follow it again wherever it is served now.
                        for member in live() { member.finish(.unavailable, "\(log) moved while its followers caught up") }
                    }
                } catch is CancellationError {
                } catch {
                    for member in live() { member.finish(ProxyService.refusal(error), "\(error)") }
                }
                finished()
            }
        }
    }

    private func live() -> [Follower] {
        members.withLock { members in
            members.removeAll { $0.follower.ended }
            return members.map(\.follower)
        }
    }

    /// Sends `batch` to the members that want it, then waits until the member that takes
    /// records fastest has taken most of what it was sent: the cohort reads at its pace, and a
    /// member slower than it falls behind until it is cut off. False when no member is left.
    private func deliver(_ batch: [PositionedRecord]) async -> Bool {
        let members = self.members.withLock { members in
            members.removeAll { $0.follower.ended }
            return members
        }
        guard let first = members.first else { return false }
        var shared: ByteBuffer?
        for member in members {
            let after = member.follower.last
            let wanted = batch.drop { record in
                (after.map { record.dlsn <= $0 } ?? false) || (member.from.map { record.dlsn < $0 } ?? false)
            }
            guard !wanted.isEmpty else { continue }
            if wanted.count == batch.count {
                if shared == nil { shared = Follower.body(batch[...], allocator: first.follower.channel.allocator) }
                member.follower.send(wanted, body: shared!)
            } else {
                member.follower.send(wanted, body: Follower.body(wanted, allocator: member.follower.channel.allocator))
            }
        }
        if let fastest = members.map(\.follower).filter({ !$0.ended }).min(by: { $0.pendingBytes < $1.pendingBytes }) {
            await fastest.waitForDrain(below: fastest.maxPendingBytes / 2)
        }
        return true
    }

    private func finished() {
        feed.cohortEnded(self)
    }

    /// The feed closed (this proxy let the log go): every member gets `status`.
    func stop(_ status: ProxyStatus, _ why: String) {
        task.withLock { $0 }?.cancel()
        for member in live() { member.finish(status, why) }
    }
}
