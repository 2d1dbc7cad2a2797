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
        var from: DLSN?
        /// It started at the end before the reader knew where that was: told once it does.
        var awaitsEnd = false
    }
    /// The members, and how far the reader has got, under one lock: a member added while the
    /// reader reads is either given the record just read or told it starts after it.
    private struct Cohort {
        var members: [Member] = []
        /// The last record read; nil before the first.
        var position: DLSN?
        /// Where the reader started (`.end` resolved); nil until it is open.
        var started: DLSN?
    }
    private let cohort = Mutex(Cohort())
    /// Members still following.
    var memberCount: Int { cohort.withLock { $0.members.filter { !$0.follower.ended }.count } }
    private let start: LogReader.Start
    private let follow: Bool
    /// Strong: a cohort outlives the feed's place in the proxy (a feed replaced when this proxy
    /// takes the log) until its reader ends.
    private let feed: LogFeed
    private let task = Mutex<Task<Void, Never>?>(nil)

    init(feed: LogFeed, start: LogReader.Start, follow: Bool) {
        self.feed = feed
        self.start = start
        self.follow = follow
    }

    /// Whether a follower starting at `start` can share this cohort: it has not read past it.
    func accepts(_ start: LogReader.Start) -> Bool {
        let position = cohort.withLock { $0.position }
        guard let position else { return start == self.start }
        switch start {
        case let .dlsn(dlsn): return dlsn > position
        case let .after(dlsn): return dlsn >= position
        // A following reader that started at the end stays about there; one that started
        // earlier may still be reading records older than this follower's start.
        case .end: return follow && self.start == .end
        case .beginning, .txid: return false
        }
    }

    /// Adds a member; one that starts at the end is told where that is (after the last record
    /// read, or where the reader started), so that a follow that moves before its first record
    /// resumes there.
    func add(_ follower: Follower, from start: LogReader.Start) {
        enum Announcement { case none, after(DLSN), from(DLSN) }
        let announcement = cohort.withLock { cohort -> Announcement in
            var member = Member(follower: follower)
            var announcement = Announcement.none
            switch start {
            case let .dlsn(dlsn): member.from = dlsn
            case .after, .beginning, .txid: break  // `.after`: `follower.last` is set to it
            case .end:
                if let position = cohort.position {
                    announcement = .after(position)
                } else if let started = cohort.started {
                    member.from = started
                    announcement = .from(started)
                } else {
                    member.awaitsEnd = true
                }
            }
            cohort.members.append(member)
            return announcement
        }
        switch announcement {
        case .none: break
        case let .after(position): follower.announce(after: position)
        case let .from(position): follower.announce(from: position)
        }
    }

    /// The reader is open at `position`: the members that started at the end start there.
    private func opened(at position: DLSN) {
        let waiting = cohort.withLock { cohort -> [Follower] in
            cohort.started = position
            var waiting: [Follower] = []
            for index in cohort.members.indices where cohort.members[index].awaitsEnd {
                cohort.members[index].awaitsEnd = false
                cohort.members[index].from = position
                waiting.append(cohort.members[index].follower)
            }
            return waiting
        }
        for follower in waiting { follower.announce(from: position) }
    }

    func run(store: any MetadataStore, connections: BookieConnections) {
        let (start, follow, log) = (self.start, self.follow, feed.log)
        task.withLock {
            $0 = Task { [self] in
                do {
                    let reader = try await LogReader(log, store: store, connections: connections, from: start, follow: follow)
                    opened(at: reader.startPosition)
                    var batch: [PositionedRecord] = []
                    while let record = try await reader.next() {
                        if batch.isEmpty, !follow, feed.joinIfInWindow(joiners(at: record.dlsn), at: record.dlsn) { return finished() }
                        batch.append(record)
                        cohort.withLock { $0.position = record.dlsn }
                        if reader.hasBufferedRecords && batch.count < 1024 { continue }
                        if await !deliver(batch) { return finished() }
                        batch.removeAll(keepingCapacity: true)
                    }
                    if !batch.isEmpty, await !deliver(batch) { return finished() }
                    if follow {
                        // A following reader ends only at the end of a sealed log.
                        for member in live() { member.finish(.endOfStream, "\(log) is sealed") }
                    } else if !feed.joinIfInWindow(joiners(at: nil), at: nil) {
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

    /// The members joining the feed's window where the reader is, `next` (the record it read
    /// and has not sent; nil at the end of what the bookies hold), each with where its records
    /// start if it has had none yet: where it asked to start, else `next`, else where the reader
    /// started (a member that started at a txid or the beginning wants nothing before them).
    private func joiners(at next: DLSN?) -> [(follower: Follower, from: DLSN?)] {
        cohort.withLock { cohort in
            cohort.members.removeAll { $0.follower.ended }
            return cohort.members.map { ($0.follower, $0.from ?? next ?? cohort.position.map(\.next) ?? cohort.started) }
        }
    }

    private func live() -> [Follower] {
        cohort.withLock { cohort in
            cohort.members.removeAll { $0.follower.ended }
            return cohort.members.map(\.follower)
        }
    }

    /// Sends `batch` to the members that want it, then waits until the member that takes
    /// records fastest has taken most of what it was sent: the cohort reads at its pace, and a
    /// member slower than it falls behind until it is cut off. False when no member is left.
    private func deliver(_ batch: [PositionedRecord]) async -> Bool {
        let members = cohort.withLock { cohort in
            cohort.members.removeAll { $0.follower.ended }
            return cohort.members
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
