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
    func payload(_ index: Int) -> [UInt8] {
        var bytes = Array("\(index) ".utf8)
        bytes += [UInt8](repeating: 0x61, count: max(0, recordSize - bytes.count))
        return bytes
    }

    static func progress(_ text: String, when shown: Bool) {
        if shown { StandardError.write("running \(text)...\n") }
    }
}
