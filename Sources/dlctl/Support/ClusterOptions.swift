import ArgumentParser
import DLCore
import Foundation

/// Options of every command that talks to the cluster.
struct ClusterOptions: ParsableArguments {
    @Option(name: .long, help: "Metadata URI (file path, sqlite://, zk://, distributedlog://). Default: $DLCTL_METADATA_URI.")
    var uri: String?

    /// Not given: 10 s, or what the command's help says (`dlctl write` through the proxies: 30 s).
    @Option(name: .long, help: "Seconds before the command gives up on the cluster (default: 10).")
    var timeout: Seconds?

    @Option(name: .customLong("session-timeout"), help: .hidden)
    var sessionTimeout: Seconds = 10

    /// What --timeout bounds when it is not given (seconds).
    static let defaultTimeout: Seconds = 10
    /// A write through the write proxies, when --timeout is not given (seconds): outlasts an
    /// owner's failover (its session expiring, then recovery) and a burst of one-liners that keeps
    /// a small machine's CPU busy for longer than 10 s.
    static let defaultProxiedWriteTimeout: Seconds = 30

    var commandTimeout: Duration { (timeout ?? Self.defaultTimeout).duration }
    /// Each write's bound through the write proxies.
    var proxiedWriteTimeout: Duration { (timeout ?? Self.defaultProxiedWriteTimeout).duration }

    var storeOptions: MetadataStoreOptions {
        MetadataStoreOptions(sessionTimeout: sessionTimeout.duration,
                             operationTimeout: Seconds(max((timeout ?? Self.defaultTimeout).value * 0.9, 0.1)).duration)
    }

    func validate() throws {
        if let timeout, timeout.value == 0 { throw ValidationError("--timeout must be positive") }
        guard sessionTimeout.value >= 0.3 else { throw ValidationError("--session-timeout must be at least 0.3 seconds") }
    }

    /// The metadata location: --uri, else DLCTL_METADATA_URI, else the running sandbox.
    func metadataURI() throws -> MetadataURI {
        let environment = ProcessInfo.processInfo.environment["DLCTL_METADATA_URI"].flatMap { $0.isEmpty ? nil : $0 }
        guard let text = uri ?? environment ?? SandboxHome().running()?.metadataURI else {
            throw CommandFailure(.usage, "no cluster given: pass --uri URI, set DLCTL_METADATA_URI, or start one with 'dlctl sandbox --detach'")
        }
        return try MetadataURI(parsing: text)
    }

    /// Opens the store (`sessionless`: see `MetadataStoreOptions.sessionless`), runs `body`,
    /// and closes the store whatever happens.
    func withStore<T: Sendable>(sessionless: Bool = false, _ body: (any MetadataStore) async throws -> T) async throws -> T {
        var options = storeOptions
        options.sessionless = sessionless
        let store = try await metadataURI().open(options: options)
        do {
            let result = try await body(store)
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }
}

/// Output formats of listing and show commands.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case table, json
}

enum JSONOutput {
    static func print(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        StandardOutput.write(data + Data("\n".utf8))
    }
}
