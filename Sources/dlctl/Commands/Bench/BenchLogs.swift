import ArgumentParser
import DLCore
import Foundation

/// Options and helpers shared by the log benchmarks: fresh logs in the `bench` namespace,
/// deleted afterwards unless --keep.
struct BenchLogOptions: ParsableArguments {
    @OptionGroup var quorum: QuorumOptions
    @Option(name: .customLong("record-size"), help: "Payload bytes per record.") var recordSize = 100
    @Flag(help: "Keep the benchmark logs instead of deleting them.") var keep = false

    func validate() throws {
        if recordSize < 1 || recordSize > Limits.maxRecordSize { throw ValidationError("--record-size must be 1...\(Limits.maxRecordSize)") }
    }

    var writerOptions: LogWriter.Options {
        var options = LogWriter.Options()
        options.ensembleSize = quorum.ensemble
        options.writeQuorum = quorum.writeQuorum
        options.ackQuorum = quorum.ackQuorum
        return options
    }

    var quorumText: String { "\(quorum.ensemble)/\(quorum.writeQuorum)/\(quorum.ackQuorum)" }

    /// `count` new logs named bench/<kind>-<pid>-<n>.
    func createLogs(_ kind: String, count: Int, store: any MetadataStore) async throws -> [LogName] {
        let catalog = LogCatalog(store: store)
        var names: [LogName] = []
        for index in 0..<count {
            let name = try LogName(namespace: "bench", log: "\(kind)-\(getpid())-\(index)")
            try await catalog.createLog(name)
            names.append(name)
        }
        return names
    }

    /// Deletes the benchmark's logs (unless --keep), after a write proxy that still holds one
    /// (its owner until it is idle) lets it go.
    func cleanUp(_ names: [LogName], store: any MetadataStore) async {
        guard !keep else { return }
        if let proxies = try? await ProxyRegistration.all(in: store), !proxies.isEmpty {
            let releaser = ProxyClient(store: store)
            for name in names {
                _ = try? await releaser.send(.release(log: name.description), log: name.description, deadline: .now + .seconds(10))
            }
            await releaser.close()
        }
        for name in names { try? await LogCatalog(store: store).deleteLog(name) }
    }

    /// A payload of `recordSize` bytes that starts with `index` (so a reader can tell records apart).
    func payload(_ index: Int) -> [UInt8] { Self.payload(index, size: recordSize) }

    static func payload(_ index: Int, size: Int) -> [UInt8] {
        var bytes = Array("\(index) ".utf8)
        bytes += [UInt8](repeating: 0x61, count: max(0, size - bytes.count))
        return bytes
    }

    /// Payloads of `recordSize` bytes (at least one) that together fill about `bytes`.
    static func payloads(bytes: Int, recordSize: Int) -> [[UInt8]] {
        (0..<max(1, bytes / recordSize)).map { payload($0, size: recordSize) }
    }

    /// The number a `payload` starts with (nil for a record that is not a bench record).
    static func index(of payload: [UInt8]) -> Int? {
        var value = 0
        var digits = 0
        for byte in payload {
            guard byte >= 0x30 && byte <= 0x39 else { break }
            value = value &* 10 &+ Int(byte - 0x30)
            digits += 1
            if digits > 18 { return nil }
        }
        return digits > 0 ? value : nil
    }

    static func progress(_ text: String, when shown: Bool) {
        if shown { StandardError.write("running \(text)...\n") }
    }
}
