import ArgumentParser
import DLCore
import Foundation
import NIOPosix

struct BenchFanOut: LogWorkload {
    static let configuration = CommandConfiguration(
        commandName: "fanout",
        abstract: "Fan-out through the write proxies: one writer at a fixed rate, N followers of the log.",
        discussion: """
            One client writes --rate records a second through the proxies for --seconds (records due within a \
            millisecond share a write), first alone, then with --readers followers of the log through the tier, each \
            with a connection of its own (in this process, or with --processes a process of its own). Reports \
            the write's acknowledgement latency (from each record's due time) in both phases and their p99 ratio, the records delivered to all \
            followers per second, the delay from a record's acknowledgement to its delivery (p50/p99 over every \
            follower), records missing, out of order or delivered twice, and the bookies' reads while followed \
            against the entries written. Needs proxies (dlctl sandbox starts two).
            """
    )

    @OptionGroup var cluster: ClusterOptions
    @OptionGroup var log: BenchLogOptions
    @Option(help: "Followers of the log (0: the writer alone).") var readers = 100
    @Flag(help: "Each follower is a process of its own (else a connection of this process).") var processes = false
    @Option(name: .customLong("stop-one"), help: "With --processes: one more follower is stopped (SIGSTOP) for this many seconds of the followed phase, then resumes where its cut-off error says.")
    var stopOne: Double?
    @Option(help: "Records written a second.") var rate = 1000
    @Option(help: "Seconds to write for, in each of the two phases.") var seconds = 10.0
    @Option(name: .shortAndLong, help: "Output format: table or json.") var output: OutputFormat = .table

    func validate() throws {
        try Seconds.check(seconds, "--seconds")
        if let stopOne { try Seconds.check(stopOne, "--stop-one") }
        guard readers >= 0, rate >= 1, seconds > 0 else { throw ValidationError("--readers must be at least 0, --rate and --seconds positive") }
        if let stopOne {
            guard processes, stopOne > 0, stopOne < seconds else { throw ValidationError("--stop-one needs --processes and less than --seconds") }
        }
        guard Double(rate) * seconds <= 50_000_000 else { throw ValidationError("--rate times --seconds must be at most 50,000,000 records") }
    }

    struct Result: Encodable {
        var readers: Int
        var processes: Bool
        var rate: Int
        var writeAlone: LatencySummary
        var write: LatencySummary
        var writeP99Ratio: Double
        var delivery: LatencySummary
        var deliveredPerSecond: Double
        var missing: Int
        var outOfOrder: Int
        var duplicates: Int
        var entries: Int
        var bookieReads: Int
        var coresAlone: Cores
        var coresFollowed: Cores
        var stopped: Stopped?
        var errors: [String]
    }

    func tableLines(_ result: Result) -> [String] {
        let kind = processes ? "processes" : "connections"
        var lines = [LatencySummary.header, result.writeAlone.row("write ack, \(rate)/s, alone"),
                     result.write.row("write ack, \(readers) followers"), result.delivery.row("ack -> followers")]
        lines.append(String(format: "write ack p99 beside %d followers (%@): %.2fx the p99 alone", readers, kind, result.writeP99Ratio))
        lines.append(String(format: "delivered %.0f records/s to %d followers; %d deliveries missing, %d out of order, %d twice",
                            result.deliveredPerSecond, readers, result.missing, result.outOfOrder, result.duplicates))
        lines.append(String(format: "bookie reads while followed: %d for %d entries written (%.2f a entry)", result.bookieReads, result.entries,
                            result.entries > 0 ? Double(result.bookieReads) / Double(result.entries) : 0))
        for (phase, cores) in [("alone", result.coresAlone), ("followed", result.coresFollowed)] {
            lines.append(String(format: "cores used %@: bench process %.2f, proxies %.2f, bookies %.2f, follower processes %.2f", phase,
                                cores.bench, cores.proxies, cores.bookies, cores.followerProcesses))
        }
        if let stopped = result.stopped {
            lines.append(String(format: "stopped %.0f s: cut off: %@", stopped.seconds, stopped.cutOff ?? "no"))
            lines.append(String(format: "  then resumed: %d records, %d missing, %d out of order, %d twice", stopped.received, stopped.missing,
                                stopped.outOfOrder, stopped.duplicates))
            lines.append(String(format: "  writer %.0f acks/s while stopped, %.0f otherwise; each other follower %.0f records/s while stopped, %.0f otherwise",
                                stopped.writeRateWhileStopped, stopped.writeRateOtherwise, stopped.followerRateWhileStopped,
                                stopped.followerRateOtherwise))
        }
        lines += result.errors.prefix(5).map { "follower error: \($0)" }
        return lines
    }

    /// The follower stopped with SIGSTOP, and the rates while it was stopped against the rest
    /// of the followed phase.
    struct Stopped: Encodable {
        var seconds: Double
        var cutOff: String?
        var received: Int
        var missing: Int
        var outOfOrder: Int
        var duplicates: Int
        var writeRateWhileStopped: Double
        var writeRateOtherwise: Double
        var followerRateWhileStopped: Double
        var followerRateOtherwise: Double
    }

    /// One phase of writing: `total` records at `rate`, records due within a millisecond in one write.
    struct Phase {
        var latencies: [UInt64]
        /// When each record's acknowledgement came (0: never).
        var acknowledged: [UInt64]
        var elapsed: UInt64
        var entries: Int
        var last: DLSN?
        /// Cores used while writing: this process, the proxies, the bookies.
        var cores: Cores
    }

    /// CPU seconds per second of a phase, by who used them.
    struct Cores: Encodable {
        var bench: Double
        var proxies: Double
        var bookies: Double
        var followerProcesses = 0.0
    }

    func write(_ name: String, client: ProxyClient, total: Int, store: any MetadataStore) async throws -> Phase {
        let servers = await ProcessCPU.Servers.find(store)
        let (serversBefore, ownBefore) = (servers.used, ProcessCPU.ownSeconds)
        let acknowledged = Locked([UInt64](repeating: 0, count: total))
        let latencies = Locked([UInt64](repeating: 0, count: total))
        let entries = Locked(Set<DLSN>())
        let session = ProxyLogWriter(log: name, client: client, timeout: cluster.commandTimeout, flushInterval: .milliseconds(1))
        let schedule = FixedRate(perSecond: rate)
        for index in 0..<total {
            let due = try await schedule.dueTime(of: index)
            try await session.enqueue(log.payload(index)) { result in
                guard case let .success(dlsn) = result else { return }
                let done = MonotonicClock.nanos()
                acknowledged.withLock { $0[index] = done }
                latencies.withLock { $0[index] = done - due }
                entries.withLock { _ = $0.insert(DLSN(dlsn.segmentSequenceNumber, dlsn.entryId, 0)) }
            }
        }
        let last = try await session.close()
        let elapsed = MonotonicClock.nanos() - schedule.start
        let serversAfter = servers.used
        let seconds = Double(elapsed) / 1e9
        return Phase(latencies: latencies.withLock { $0 }, acknowledged: acknowledged.withLock { $0 }, elapsed: elapsed,
                     entries: entries.withLock { $0.count }, last: last,
                     cores: Cores(bench: (ProcessCPU.ownSeconds - ownBefore) / seconds,
                                  proxies: (serversAfter.proxies - serversBefore.proxies) / seconds,
                                  bookies: (serversAfter.bookies - serversBefore.bookies) / seconds))
    }

    /// Reads the cluster's bookies have served so far.
    static func bookieReads(_ store: any MetadataStore) async -> Int {
        var total = 0
        for registration in (try? await BookieRegistration.available(in: store)) ?? [] {
            guard let client = try? await BookieClient.connect(registration.address, group: MultiThreadedEventLoopGroup.singleton,
                                                               timeout: .seconds(5)) else { continue }
            if case let .info(.ok, json)? = try? await client.send(.info, timeout: .seconds(5)),
               let info = try? JSONDecoder().decode(BookieInfo.self, from: Data(json)) {
                total += Int(info.stats.reads)
            }
            await client.close()
        }
        return total
    }

    /// Waits until the proxies serve `count` followers (or a minute passes).
    static func waitForFollowers(_ count: Int, store: any MetadataStore) async {
        let client = ProxyClient(store: store)
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let addresses = ((try? await ProxyRegistration.all(in: store)) ?? []).map(\.address)
            let infos = await client.handshakes(addresses, client: "bench fanout", timeout: .seconds(5))
            if infos.values.reduce(0, { $0 + $1.followers }) >= count { break }
            try? await Task.sleep(for: .milliseconds(100))
        }
        await client.close()
    }

    func measure(store: any MetadataStore) async throws -> Result {
        guard try await !ProxyRegistration.all(in: store).isEmpty else { throw ProxyClient.Failure.noProxies }
        let names = try await log.createLogs("fanout", count: 1, store: store)
        let name = names[0].description
        let total = Int(Double(rate) * seconds)
        let writeClient = ProxyClient(store: store)
        // The log's owner is taken before the followers come, so they are pushed to from the start.
        let warmUp = ProxyLogWriter(log: name, client: writeClient, timeout: cluster.commandTimeout, flushInterval: .zero)
        try await warmUp.enqueue(Array("warm-up".utf8)) { _ in }
        _ = try await warmUp.close()
        BenchLogOptions.progress("\(rate) records/s for \(seconds) s alone", when: output == .table)
        let alone = try await write(name, client: writeClient, total: total, store: store)
        let from = alone.last ?? DLSN(1, 0, 0)
        let readsBefore = await Self.bookieReads(store)
        BenchLogOptions.progress("\(readers) followers (\(processes ? "processes" : "connections")) joining", when: output == .table)
        var tally = FollowerProcesses.Tally()
        let clients = processes ? [] : (0..<readers).map { _ in ProxyClient(store: store) }
        let followers = clients.map { ProxyLogFollower(log: name, client: $0, from: .after(from), reconnectTimeout: cluster.commandTimeout) }
        let children = processes
            ? try FollowerProcesses.launch(readers + (stopOne == nil ? 0 : 1), resuming: stopOne == nil ? 0 : 1, uri: try cluster.metadataURI().description, log: name, after: from, records: total,
                                           deadline: seconds + 120)
            : nil
        defer { children?.remove() }
        let reading = Task { () -> FollowerProcesses.Tally in
            await withTaskGroup(of: FollowerProcesses.Tally.self) { group in
                for follower in followers {
                    group.addTask {
                        var arrivals = Arrivals(records: total)
                        while arrivals.received < total, let batch = try? await follower.nextBatch() {
                            arrivals.arrived(batch, at: MonotonicClock.nanos())
                        }
                        return FollowerProcesses.Tally(arrivals: [arrivals.times], received: arrivals.received,
                                                       outOfOrder: arrivals.outOfOrder, duplicates: arrivals.duplicates)
                    }
                }
                return await group.reduce(into: FollowerProcesses.Tally()) { all, one in
                    all.arrivals += one.arrivals
                    all.outOfOrder += one.outOfOrder
                    all.duplicates += one.duplicates
                }
            }
        }
        await Self.waitForFollowers(readers + (stopOne == nil ? 0 : 1), store: store)
        BenchLogOptions.progress("\(rate) records/s for \(seconds) s to \(readers) followers", when: output == .table)
        // The stopped follower: from a quarter into the phase, for --stop-one seconds.
        let stopping = Task { () -> (from: UInt64, to: UInt64)? in
            guard let stopOne, let child = children?.children.last else { return nil }
            try? await Task.sleep(for: .milliseconds(Int64((seconds - stopOne) * 250)))
            let from = MonotonicClock.nanos()
            kill(child.pid, SIGSTOP)
            try? await Task.sleep(for: .milliseconds(Int64(stopOne * 1000)))
            kill(child.pid, SIGCONT)
            return (from, MonotonicClock.nanos())
        }
        let followed = try await write(name, client: writeClient, total: total, store: store)
        let stopWindow = await stopping.value
        // Every follower gets every record, or the bench stops waiting after a while.
        let waited = Task {
            try? await Task.sleep(for: .seconds(60))
            followers.forEach { $0.close() }
        }
        if let children {
            await children.waitForAll()
            tally = children.tally(0..<readers)
        } else {
            tally = await reading.value
        }
        waited.cancel()
        let readsAfter = await Self.bookieReads(store)
        followers.forEach { $0.close() }
        for client in clients { await client.close() }
        await writeClient.close()
        await log.cleanUp(names, store: store)
        var delays: [UInt64] = []
        delays.reserveCapacity(total * readers)
        for arrived in tally.arrivals {
            for (index, at) in arrived.enumerated() where at > 0 {
                let ack = followed.acknowledged[index]
                delays.append(ack > 0 && at > ack ? at - ack : 0)
            }
        }
        let delivered = delays.count
        let firstAck = followed.acknowledged.filter { $0 > 0 }.min() ?? 0
        let deliveredAt = tally.arrivals.joined().max() ?? 0
        let span = deliveredAt > firstAck ? deliveredAt - firstAck : 1
        var coresFollowed = followed.cores
        // The follower processes' CPU over the time they ran (joining, the phase, the wait for the last record).
        coresFollowed.followerProcesses = tally.cpuSeconds / (Double(followed.elapsed) / 1e9)
        let writeAlone = LatencySummary(nanos: alone.latencies, elapsedNanos: alone.elapsed)
        let write = LatencySummary(nanos: followed.latencies, elapsedNanos: followed.elapsed)
        var stopped: Stopped?
        if let stopOne, let children, let window = stopWindow {
            let one = children.tally(readers..<readers + 1)
            let inWindow = { (at: UInt64) in at >= window.from && at < window.to }
            let windowSeconds = Double(window.to - window.from) / 1e9
            let otherSeconds = max(Double(followed.elapsed) / 1e9 - windowSeconds, 1e-3)
            let acks = followed.acknowledged.filter { $0 > 0 }
            let acksIn = acks.filter(inWindow).count
            let deliveries = tally.arrivals.joined().filter { $0 > 0 }
            let deliveriesIn = deliveries.filter(inWindow).count
            // Deliveries outside the window: within the writing phase only (not the wait for stragglers).
            let phaseEnd = (acks.max() ?? 0) + 1
            let deliveriesOut = deliveries.filter { !inWindow($0) && $0 < phaseEnd }.count
            stopped = Stopped(seconds: stopOne, cutOff: one.cutOff.first, received: one.received, missing: total - one.received,
                              outOfOrder: one.outOfOrder, duplicates: one.duplicates,
                              writeRateWhileStopped: Double(acksIn) / windowSeconds, writeRateOtherwise: Double(acks.count - acksIn) / otherSeconds,
                              followerRateWhileStopped: Double(deliveriesIn) / windowSeconds / Double(max(readers, 1)),
                              followerRateOtherwise: Double(deliveriesOut) / otherSeconds / Double(max(readers, 1)))
            tally.errors += one.errors
        }
        return Result(readers: readers, processes: processes, rate: rate, writeAlone: writeAlone, write: write,
                      writeP99Ratio: writeAlone.p99Micros > 0 ? write.p99Micros / writeAlone.p99Micros : 0,
                      delivery: LatencySummary(nanos: delays, elapsedNanos: span),
                      deliveredPerSecond: readers > 0 ? Double(delivered) / (Double(span) / 1e9) : 0,
                      missing: total * readers - delivered, outOfOrder: tally.outOfOrder, duplicates: tally.duplicates,
                      entries: followed.entries, bookieReads: max(0, readsAfter - readsBefore), coresAlone: alone.cores,
                      coresFollowed: coresFollowed, stopped: stopped, errors: tally.errors)
    }
}
