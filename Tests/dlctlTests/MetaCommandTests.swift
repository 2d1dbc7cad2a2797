import DLCore
import Foundation
import Testing
import TestSupport

/// `dlctl init` and `dlctl meta` through the real binary, on both backends.
@Suite struct MetaCommandTests {
    enum Backend: String, CaseIterable, Sendable { case sqlite, zookeeper }

    func location(_ backend: Backend, _ directory: TemporaryDirectory) async throws -> String {
        switch backend {
        case .sqlite: return directory.file("meta.db")
        case .zookeeper: return "zk://\(try await ZooKeeperTestServer.hosts())/cli-\(UUID().uuidString.prefix(8).lowercased())"
        }
    }

    func dlctl(_ arguments: [String], timeout: TimeInterval = 60) async throws -> CommandResult {
        try await ChildProcess.run(Binaries.dlctl, arguments, timeout: timeout)
    }

    @Test func versionAndHelp() async throws {
        try #require(Binaries.dlctlExists, "build dlctl first: \(Binaries.dlctl)")
        let version = try await dlctl(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
        let help = try await dlctl(["--help"])
        #expect(help.status == 0)
        for command in ["init", "meta", "bench"] { #expect(help.stdout.contains(command)) }
        #expect(help.stdout.contains("Exit status"))
    }

    @Test(arguments: Backend.allCases)
    func initIsIdempotentAndShowsTheLayout(_ backend: Backend) async throws {
        try #require(Binaries.dlctlExists)
        let directory = TemporaryDirectory()
        let uri = try await location(backend, directory)
        let first = try await dlctl(["init", "--uri", uri])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("initialized cluster"))
        let second = try await dlctl(["init", "--uri", uri])
        #expect(second.status == 0)
        #expect(second.stdout.contains("already initialized"))
        let listing = try await dlctl(["meta", "ls", "-R", "/", "--uri", uri])
        #expect(listing.stdoutLines == ["/bookies", "/bookies/available", "/bookies/readonly", "/cookies", "/ledgers",
                                        "/ledgers-idgen", "/namespaces", "/proxies"])
        let json = try await dlctl(["meta", "ls", "/", "-o", "json", "--uri", uri])
        #expect(try JSONDecoder().decode([String].self, from: Data(json.stdout.utf8)) == ["bookies", "cookies", "ledgers", "ledgers-idgen", "namespaces", "proxies"])
        let marker = try await dlctl(["meta", "get", "/", "--uri", uri])
        #expect(marker.stdout.contains("\"layout\":\"dlctl\""))
    }

    @Test(arguments: Backend.allCases)
    func initRefusesALocationHoldingSomethingElse(_ backend: Backend) async throws {
        try #require(Binaries.dlctlExists)
        let directory = TemporaryDirectory()
        let uri = try await location(backend, directory)
        if backend == .zookeeper {
            // Make the chroot exist with foreign content.
            let hosts = uri.dropFirst(5).split(separator: "/")[0]
            let root = "/" + uri.split(separator: "/").last!
            #expect(try await dlctl(["meta", "create", root, "--uri", "zk://\(hosts)"]).status == 0)
        }
        #expect(try await dlctl(["meta", "create", "/someone-elses", "data", "--uri", uri]).status == 0)
        let refused = try await dlctl(["init", "--uri", uri])
        #expect(refused.status == 5)
        #expect(refused.stderr.hasPrefix("dlctl: error: refusing"))
        #expect(refused.stderr.split(separator: "\n").count == 1)

        let other = TemporaryDirectory()
        let foreignRoot = try await location(backend, other)
        if backend == .sqlite {
            #expect(try await dlctl(["meta", "set", "/", "not a marker", "--uri", foreignRoot]).status == 0)
            #expect(try await dlctl(["init", "--uri", foreignRoot]).status == 5)
        }
    }

    @Test(arguments: Backend.allCases)
    func errorsAreOneLineWithDocumentedStatus(_ backend: Backend) async throws {
        try #require(Binaries.dlctlExists)
        let directory = TemporaryDirectory()
        let uri = try await location(backend, directory)
        #expect(try await dlctl(["init", "--uri", uri]).status == 0)
        let cases: [([String], Int32, String)] = [
            (["meta", "get", "/missing"], 2, "no such metadata node: /missing"),
            (["meta", "ls", "/missing/deeper"], 2, "no such metadata node"),
            (["meta", "create", "/bookies"], 3, "already exists"),
            (["meta", "set", "/bookies", "x", "--version", "99"], 3, "version conflict"),
            (["meta", "rm", "/bookies"], 3, "has children"),
            (["meta", "get", "no-slash"], 64, "invalid metadata path"),
        ]
        for (arguments, status, message) in cases {
            let result = try await dlctl(arguments + ["--uri", uri])
            #expect(result.status == status, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
    }

    @Test func badOrMissingURIsAreUsageErrors() async throws {
        try #require(Binaries.dlctlExists)
        for uri in ["bogus://x", "zk://nohostport/x", "zk://", "sqlite://relative"] {
            let result = try await dlctl(["meta", "ls", "--uri", uri])
            #expect(result.status == 64, "\(uri): \(result.stderr)")
            #expect(result.stderr.hasPrefix("dlctl: error: invalid metadata URI"), "\(uri): \(result.stderr)")
        }
        let noURI = try await ChildProcess.run(Binaries.dlctl, ["meta", "ls"], environment: ["DLCTL_METADATA_URI": ""])
        #expect(noURI.status == 64)
        let missingDirectory = try await dlctl(["meta", "ls", "--uri", "/nonexistent-dir-\(UUID())/meta.db"])
        #expect(missingDirectory.status == 2, "no such store, not a lost connection")
        #expect(missingDirectory.stderr.contains("does not exist"))
        let notADatabase = TemporaryDirectory()
        try Data("this is not sqlite".utf8).write(to: URL(fileURLWithPath: notADatabase.file("meta.db")))
        let corrupt = try await dlctl(["meta", "ls", "--uri", notADatabase.file("meta.db")])
        #expect(corrupt.status != 0)
        #expect(corrupt.stderr.split(separator: "\n").count == 1)
    }

    @Test func unreachableZooKeeperFailsWithinTheTimeout() async throws {
        try #require(Binaries.dlctlExists)
        let port = try FreePort.next()
        let started = Date()
        let result = try await dlctl(["meta", "ls", "/", "--uri", "zk://127.0.0.1:\(port)/dl", "--timeout", "2"], timeout: 30)
        let elapsed = Date().timeIntervalSince(started)
        #expect(result.status == 4, "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("ZooKeeper"), "\(result.stderr)")
        #expect(elapsed < 8, "took \(elapsed) s with --timeout 2")
    }
}
