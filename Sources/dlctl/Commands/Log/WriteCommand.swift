import ArgumentParser
import DLCore
import Foundation

struct WriteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "write",
        abstract: "Append records to a log: one per line of standard input, or the given ones.",
        discussion: "Prints the last DLSN; exits 0 only when every record was acknowledged. Creates the log if needed."
    )

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "NAMESPACE/LOG", transform: LogArgument.parse) var log: LogName
    @Argument(help: "Records to write instead of reading standard input.") var records: [String] = []
    @Option(name: .customLong("lock-timeout"), help: "Seconds to wait for another writer's lock.") var lockTimeout = 30.0
    @Flag(help: "Send each record as its own entry at once (no batching).") var immediate = false
    @Option(help: "Compression of record sets: none or lz4.") var codec = "none"

    func run() async throws {
        let options = self
        try await reportingErrors(timeout: nil) {
            try await options.cluster.withStore { store in
                let catalog = LogCatalog(store: store)
                if try await !catalog.exists(options.log) { try await catalog.createLog(options.log) }
                var writerOptions = LogWriter.Options()
                writerOptions.lockTimeout = .milliseconds(Int64(options.lockTimeout * 1000))
                if options.immediate { writerOptions.flushInterval = .zero }
                guard let codec = CompressionCodec(name: options.codec) else {
                    throw CommandFailure(.usage, "unknown codec \(options.codec) (none or lz4)")
                }
                writerOptions.codec = codec
                let connections = BookieConnections()
                let writer = try await LogWriter.open(options.log, store: store, connections: connections, options: writerOptions)
                let lines: AsyncStream<String> = options.records.isEmpty ? StandardInput.lines() : AsyncStream { continuation in
                    for record in options.records { continuation.yield(record) }
                    continuation.finish()
                }
                // Records are queued in input order; acknowledgements come back asynchronously.
                let failure = Locked<(any Error)?>(nil)
                let last = Locked<DLSN?>(nil)
                for await line in lines {
                    if failure.withLock({ $0 }) != nil { break }
                    do {
                        try await writer.enqueue(Array(line.utf8)) { result in
                            switch result {
                            case let .success(dlsn): last.withLock { current in if current.map({ $0 < dlsn }) ?? true { current = dlsn } }
                            case let .failure(error): failure.withLock { if $0 == nil { $0 = error } }
                            }
                        }
                    } catch {
                        failure.withLock { if $0 == nil { $0 = error } }
                        break
                    }
                }
                await writer.flush()
                if let error = failure.withLock({ $0 }) {
                    _ = try? await writer.close()
                    throw error
                }
                _ = try await writer.close()
                await connections.closeAll()
                print(last.withLock { $0 }?.description ?? "no records written")
            }
        }
    }
}

/// Lines of standard input, read on a thread of their own.
enum StandardInput {
    static func lines() -> AsyncStream<String> {
        AsyncStream(bufferingPolicy: .unbounded) { continuation in
            Thread {
                while let line = readLine(strippingNewline: true) { continuation.yield(line) }
                continuation.finish()
            }.start()
        }
    }
}
