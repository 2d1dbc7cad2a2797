import DLCore
import Foundation
import Testing
import TestSupport

/// One contract, every backend: each test runs on SQLite and on a real ZooKeeper server.
@Suite("Metadata store conformance")
struct MetadataConformanceTests {
    @Test(arguments: Backend.allCases)
    func versionsAndCompareAndSet(_ backend: Backend) async throws {
        let fixture = try await MetadataFixture.make(backend)
        try await withStore(fixture) { store in
            #expect(try await store.create("/a", data: Array("one".utf8), mode: .persistent) == "/a")
            #expect(try await store.get("/a") == VersionedData(data: Array("one".utf8), version: 0))
            #expect(try await store.exists("/a") == 0)
            #expect(try await store.exists("/missing") == nil)
            #expect(try await store.set("/a", data: Array("two".utf8), expectedVersion: 0) == 1)
            #expect(await metadataError { try await store.set("/a", data: [], expectedVersion: 0) } == .badVersion("/a"))
            #expect(try await store.get("/a").data == Array("two".utf8))
            #expect(try await store.set("/a", data: Array("three".utf8), expectedVersion: nil) == 2)
            #expect(await metadataError { try await store.delete("/a", expectedVersion: 1) } == .badVersion("/a"))
            try await store.delete("/a", expectedVersion: 2)
            #expect(await metadataError { _ = try await store.get("/a") } == .noNode("/a"))
            #expect(await metadataError { try await store.set("/a", data: [], expectedVersion: nil) } == .noNode("/a"))
            #expect(await metadataError { try await store.delete("/a", expectedVersion: nil) } == .noNode("/a"))
        }
    }

    @Test(arguments: Backend.allCases)
    func structuralErrors(_ backend: Backend) async throws {
        let fixture = try await MetadataFixture.make(backend)
        try await withStore(fixture) { store in
            #expect(await metadataError { try await store.create("/x/y", data: [], mode: .persistent) } == .noNode("/x"))
            try await store.create("/x", data: [], mode: .persistent)
            #expect(await metadataError { try await store.create("/x", data: [], mode: .persistent) } == .nodeExists("/x"))
            try await store.create("/x/y", data: [], mode: .persistent)
            #expect(await metadataError { try await store.delete("/x", expectedVersion: nil) } == .notEmpty("/x"))
            try await store.create("/e", data: [], mode: .ephemeral)
            #expect(await metadataError { try await store.create("/e/child", data: [], mode: .persistent) }
                    == .noChildrenForEphemerals("/e"))
            #expect(await metadataError { _ = try await store.children("/nope") } == .noNode("/nope"))
            #expect(await metadataError { _ = try await store.watchChildren("/nope") } == .noNode("/nope"))
        }
    }

    @Test(arguments: Backend.allCases)
    func multiIsAllOrNothing(_ backend: Backend) async throws {
        let fixture = try await MetadataFixture.make(backend)
        try await withStore(fixture) { store in
            try await store.create("/c", data: [1], mode: .persistent)
            let failure = await metadataError {
                try await store.multi([
                    .create("/m1", data: [], mode: .persistent),
                    .create("/m1/child", data: [], mode: .persistent),
                    .set("/c", data: [2], expectedVersion: 7),
                ])
            }
            #expect(failure == .badVersion("/c"))
            #expect(try await store.exists("/m1") == nil)
            #expect(try await store.get("/c").data == [1])

            let checkFailure = await metadataError {
                try await store.multi([.check("/c", version: 3), .delete("/c", expectedVersion: nil)])
            }
            #expect(checkFailure == .badVersion("/c"))
            #expect(try await store.exists("/c") == 0)

            let results = try await store.multi([
                .create("/m1", data: [], mode: .persistent),
                .create("/m1/s-", data: [], mode: .persistentSequential),
                .check("/c", version: 0),
                .set("/c", data: [3], expectedVersion: 0),
                .delete("/m1/s-0000000000", expectedVersion: 0),
            ])
            #expect(results == [.created("/m1"), .created("/m1/s-0000000000"), .checked, .set(1), .deleted])
            #expect(try await store.children("/m1").isEmpty)
            #expect(try await store.multi([]).isEmpty)
        }
    }

    @Test(arguments: Backend.allCases)
    func childrenAreListedSorted(_ backend: Backend) async throws {
        let fixture = try await MetadataFixture.make(backend)
        try await withStore(fixture) { store in
            try await store.create("/p", data: [], mode: .persistent)
            for name in ["b", "a", "c-10", "c-2", "zz"] {
                try await store.create("/p/\(name)", data: [], mode: .persistent)
            }
            try await store.create("/p/a/deeper", data: [], mode: .persistent)
            #expect(try await store.children("/p") == ["a", "b", "c-10", "c-2", "zz"])
            #expect(try await store.children("/p/a") == ["deeper"])
            #expect(try await store.children("/p/b") == [])
            #expect(try await store.children("/").contains("p"))
        }
    }

    @Test(arguments: Backend.allCases)
    func largeValuesRoundTrip(_ backend: Backend) async throws {
        let fixture = try await MetadataFixture.make(backend)
        try await withStore(fixture) { store in
            var generator = SeededGenerator(seed: 42)
            let value = (0..<(900 * 1024)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            try await store.create("/big", data: value, mode: .persistent)
            #expect(try await store.get("/big").data == value)
            let bigger = value + value.prefix(1000)
            try await store.set("/big", data: bigger, expectedVersion: 0)
            #expect(try await store.get("/big").data == bigger)
            try await store.create("/empty", data: [], mode: .persistent)
            #expect(try await store.get("/empty").data == [])
        }
    }

    @Test(arguments: Backend.allCases)
    func pathsWithOddCharacters(_ backend: Backend) async throws {
        let fixture = try await MetadataFixture.make(backend)
        try await withStore(fixture) { store in
            let odd = ["/with space", "/ünïcødé", "/日本語", "/colon:at@hash#pct%", "/dots...x", "/tab-less_~!$&'()*+,;="]
            for path in odd {
                try await store.create(path, data: Array(path.utf8), mode: .persistent)
                #expect(try await store.get(path).data == Array(path.utf8))
            }
            let names = try await store.children("/")
            for path in odd { #expect(names.contains(String(path.dropFirst()))) }
            for bad in ["relative", "/trailing/", "//double", "/a/./b", "/a/../b", "/ctrl\u{1}", "/nul\u{0}x", "", "/emoji-🚀"] {
                let error = await metadataError { try await store.create(bad, data: [], mode: .persistent) }
                guard case .invalidPath? = error else {
                    Issue.record("\(bad.debugDescription) gave \(String(describing: error)), not invalidPath")
                    continue
                }
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func sequentialNamesUnderConcurrentCreators(_ backend: Backend) async throws {
        let fixture = try await MetadataFixture.make(backend)
        try await withStore(fixture) { store in
            try await store.create("/seq", data: [], mode: .persistent)
        }
        let perClient = 25
        let created = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<6 {
                group.addTask {
                    let store = try await fixture.open()
                    var names: [String] = []
                    for _ in 0..<perClient { names.append(try await store.create("/seq/n-", data: [], mode: .persistentSequential)) }
                    await store.close()
                    return names
                }
            }
            var all: [[String]] = []
            for try await names in group { all.append(names) }
            return all
        }
        for names in created { #expect(names == names.sorted(), "each creator sees its names increase") }
        let all = created.flatMap { $0 }
        #expect(Set(all).count == all.count)
        let expected = (0..<all.count).map { "n-" + MetadataPath.sequentialSuffix(Int64($0)) }
        try await withStore(fixture) { store in
            let names = try await store.children("/seq")
            #expect(names == expected)
        }
    }

    @Test(arguments: Backend.allCases)
    func sequentialNamesAcrossProcesses(_ backend: Backend) async throws {
        try #require(Binaries.dlctlExists, "build dlctl first: \(Binaries.dlctl)")
        let fixture = try await MetadataFixture.make(backend)
        try await withStore(fixture) { store in try await store.create("/seq", data: [], mode: .persistent) }
        let children = try (0..<4).map { _ in
            try ChildProcess(Binaries.dlctl, ["meta", "create", "/seq/p-", "--sequential", "--count", "20", "--uri", fixture.uri])
        }
        var outputs: [[String]] = []
        for child in children {
            child.closeStdin()
            #expect(await child.waitForExit(timeout: 60) == 0, "creator failed: \(child.stderr)")
            outputs.append(child.stdout.split(separator: "\n").map(String.init))
        }
        for lines in outputs {
            #expect(lines.count == 20)
            #expect(lines == lines.sorted())
        }
        let all = outputs.flatMap { $0 }
        #expect(Set(all).count == 80)
        let expected = (0..<80).map { "p-" + MetadataPath.sequentialSuffix(Int64($0)) }
        try await withStore(fixture) { store in
            let names = try await store.children("/seq")
            #expect(names == expected)
        }
    }

    @Test(arguments: Backend.allCases)
    func concurrentCreatorsOfOnePathHaveOneWinner(_ backend: Backend) async throws {
        let fixture = try await MetadataFixture.make(backend)
        let outcomes = try await withThrowingTaskGroup(of: MetadataError?.self) { group in
            for index in 0..<8 {
                group.addTask {
                    let store = try await fixture.open()
                    let error = await metadataError {
                        try await store.create("/contended", data: [UInt8(index)], mode: .persistent)
                    }
                    await store.close()
                    return error
                }
            }
            var all: [MetadataError?] = []
            for try await outcome in group { all.append(outcome) }
            return all
        }
        #expect(outcomes.filter { $0 == nil }.count == 1)
        #expect(outcomes.filter { $0 == .nodeExists("/contended") }.count == 7)

        try #require(Binaries.dlctlExists, "build dlctl first: \(Binaries.dlctl)")
        let children = try (0..<5).map { _ in
            try ChildProcess(Binaries.dlctl, ["meta", "create", "/contended-by-processes", "--uri", fixture.uri])
        }
        var statuses: [Int32?] = []
        for child in children {
            child.closeStdin()
            statuses.append(await child.waitForExit(timeout: 60))
        }
        #expect(statuses.filter { $0 == 0 }.count == 1, "statuses: \(statuses)")
        #expect(statuses.filter { $0 == 3 }.count == 4, "statuses: \(statuses)")
    }

    @Test(arguments: Backend.allCases)
    func watchesDeliverNodeAndChildEvents(_ backend: Backend) async throws {
        let fixture = try await MetadataFixture.make(backend)
        let watcher = try await fixture.open()
        let writer = try await fixture.open()
        let node = EventCollector(try await watcher.watch("/w"))
        try await writer.create("/w", data: [], mode: .persistent)
        #expect(await node.wait(for: .created("/w")))
        try await writer.set("/w", data: [1], expectedVersion: 0)
        #expect(await node.wait(for: .changed("/w")))
        let children = EventCollector(try await watcher.watchChildren("/w"))
        try await writer.create("/w/c", data: [], mode: .persistent)
        #expect(await children.wait(for: .childrenChanged("/w")))
        let countAfterCreate = children.events.count
        try await writer.set("/w/c", data: [9], expectedVersion: nil)
        try await writer.delete("/w/c", expectedVersion: nil)
        #expect(await children.wait(timeout: .seconds(10)) { $0.count > countAfterCreate })
        #expect(children.events.allSatisfy { $0 == .childrenChanged("/w") }, "a child's data change is not a children event")
        try await writer.delete("/w", expectedVersion: nil)
        #expect(await node.wait(for: .deleted("/w")))
        #expect(await children.wait(for: .deleted("/w")))
        // Re-armed after firing: a recreated node is seen again.
        try await writer.create("/w", data: [], mode: .persistent)
        #expect(await node.wait(timeout: .seconds(10)) { $0.filter { $0 == .created("/w") }.count == 2 })
        await writer.close()
        await watcher.close()
    }

    @Test(arguments: Backend.allCases)
    func ephemeralNodesEndWithTheirSession(_ backend: Backend) async throws {
        let fixture = try await MetadataFixture.make(backend)
        let observer = try await fixture.open()
        let owner = try await fixture.open()
        try await owner.create("/eph", data: [], mode: .ephemeral)
        let created = try await owner.create("/eph-seq-", data: [], mode: .ephemeralSequential)
        let watch = EventCollector(try await observer.watch("/eph"))
        await owner.close()
        #expect(await watch.wait(for: .deleted("/eph")))
        #expect(try await observer.exists(created) == nil)
        await observer.close()
    }

    @Test(arguments: Backend.allCases)
    func ephemeralNodesExpireAfterTheirProcessIsKilled(_ backend: Backend) async throws {
        try #require(Binaries.dlctlExists, "build dlctl first: \(Binaries.dlctl)")
        let fixture = try await MetadataFixture.make(backend)
        let observer = try await fixture.open()
        let holder = try ChildProcess(Binaries.dlctl, [
            "meta", "create", "/held", "--ephemeral", "--hold", "--session-timeout", "2", "--uri", fixture.uri,
        ])
        #expect(await holder.waitForOutput(containing: "holding session", timeout: 30), "holder: \(holder.stderr)")
        #expect(try await observer.exists("/held") != nil)
        let watch = EventCollector(try await observer.watch("/held"))
        holder.kill(SIGKILL)
        await holder.waitForExit(timeout: 10)
        // Session timeout 2 s; allow generous slack for a loaded CI machine.
        #expect(await watch.wait(for: .deleted("/held"), timeout: .seconds(20)))
        #expect(try await observer.exists("/held") == nil)
        await observer.close()
    }

    @Test(arguments: Backend.allCases)
    func closedStoreRefusesOperations(_ backend: Backend) async throws {
        let fixture = try await MetadataFixture.make(backend)
        let store = try await fixture.open()
        await store.close()
        #expect(await metadataError { _ = try await store.get("/") } == .closed)
    }
}
