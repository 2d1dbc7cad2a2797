import ArgumentParser
import DLCore
import Foundation

struct AutorecoveryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "autorecovery",
        abstract: "Show autorecovery (auditor, workers, under-replicated ledgers) and switch it on or off cluster-wide.",
        discussion: """
            Every bookie stands for auditor (one is elected through the metadata) and runs a replication worker \
            unless started with --no-replication-worker. The auditor marks the ledgers of a bookie gone for longer \
            than --lost-bookie-delay; workers copy what it held to other bookies and replace it in the ledgers' \
            metadata. 'disable' stops new work at once (a copy under way finishes its ledger's current step); \
            'enable' resumes it.
            """,
        subcommands: [AutorecoveryStatus.self, AutorecoveryEnable.self, AutorecoveryDisable.self, AutorecoveryCheck.self],
        defaultSubcommand: AutorecoveryStatus.self
    )
}

struct AutorecoveryStatus: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "The auditor, the workers, and what is under-replicated or in progress.")

    @OptionGroup var cluster: ClusterOptions
    @Option(name: .shortAndLong, help: "Output format: table or json.") var output: OutputFormat = .table

    struct Status: Encodable {
        var enabled: Bool
        var auditor: String?
        var workers: [String]
        var underReplicated: Int
        /// Ledger id -> the worker re-replicating it.
        var inProgress: [String: String]
        /// Ledger id -> the entry no surviving replica holds, as the worker found it.
        var lost: [String: String]
    }

    func run() async throws {
        let (cluster, output) = (self.cluster, self.output)
        try await reportingErrors(timeout: cluster.commandTimeout) {
            let status = try await cluster.withStore(sessionless: true) { store in
                let auditor = try await store.getIfExists(AutorecoveryLayout.auditor).map { String(decoding: $0.data, as: UTF8.self) }
                let workers = (try? await store.children(AutorecoveryLayout.workers))?.sorted() ?? []
                var inProgress: [String: String] = [:]
                for name in (try? await store.children(AutorecoveryLayout.locks)) ?? [] {
                    guard let id = ClusterLayout.ledgerId(ofName: name),
                          let node = try await store.getIfExists(AutorecoveryLayout.lock(id)) else { continue }
                    inProgress[String(id)] = String(decoding: node.data, as: UTF8.self)
                }
                var lost: [String: String] = [:]
                for name in (try? await store.children(AutorecoveryLayout.lost)) ?? [] {
                    guard let id = ClusterLayout.ledgerId(ofName: name),
                          let node = try await store.getIfExists(AutorecoveryLayout.lost(id)) else { continue }
                    lost[String(id)] = String(decoding: node.data, as: UTF8.self)
                }
                return Status(enabled: try await AutorecoveryLayout.enabled(store), auditor: auditor, workers: workers,
                              underReplicated: try await UnderReplication(store: store).all().count, inProgress: inProgress, lost: lost)
            }
            switch output {
            case .json: try JSONOutput.print(status)
            case .table:
                Table.print(["FIELD", "VALUE"], [
                    ["autorecovery", status.enabled ? "enabled" : "disabled"],
                    ["auditor", status.auditor ?? "none elected"],
                    ["workers", status.workers.isEmpty ? "none" : status.workers.joined(separator: ", ")],
                    ["under-replicated ledgers", String(status.underReplicated)],
                ] + status.inProgress.sorted { $0.key < $1.key }.map { ["re-replicating ledger \($0.key)", "by \($0.value)"] }
                  + status.lost.sorted { $0.key < $1.key }.map { ["DATA LOST in ledger \($0.key)", $0.value] })
            }
        }
    }
}

extension AsyncParsableCommand {
    /// Sets the cluster-wide switch.
    func setAutorecovery(_ enabled: Bool, cluster: ClusterOptions) async throws {
        try await reportingErrors(timeout: cluster.commandTimeout) {
            try await cluster.withStore(sessionless: true) { store in
                try await store.createIfAbsent(AutorecoveryLayout.root)
                _ = try await store.set(AutorecoveryLayout.root, data: AutorecoverySettings(enabled: enabled).encoded(), expectedVersion: nil)
            }
            print("autorecovery \(enabled ? "enabled" : "disabled")")
        }
    }
}

struct AutorecoveryEnable: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "enable", abstract: "Let the auditor and the workers run again.")
    @OptionGroup var cluster: ClusterOptions
    func run() async throws { try await setAutorecovery(true, cluster: cluster) }
}

struct AutorecoveryDisable: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "disable", abstract: "Stop new autorecovery work cluster-wide, at once.")
    @OptionGroup var cluster: ClusterOptions
    func run() async throws { try await setAutorecovery(false, cluster: cluster) }
}

struct AutorecoveryCheck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check closed ledgers now (as the auditor does periodically) and mark the ones a replica lacks entries of.",
        discussion: """
            Samples \(Auditor.sampledEntries) entries of each closed ledger; --full reads every entry. Only a replica's \
            explicit answer that it lacks an entry counts: a bookie that is down is the lost-bookie delay's business. \
            Exit status 0; the marked ledgers are then listed by 'dlctl ledger underreplicated'.
            """
    )

    @OptionGroup var cluster: ClusterOptions
    @Flag(help: "Read every entry of every closed ledger instead of a sample.") var full = false

    func run() async throws {
        let (cluster, full) = (self.cluster, self.full)
        try await reportingErrors(timeout: nil) {
            let marked = try await cluster.withStore(sessionless: true) { store in
                let connections = BookieConnections()
                do {
                    let marked = try await Auditor.checkClosedLedgers(store, connections: connections, sample: full ? nil : Auditor.sampledEntries)
                    await connections.closeAll()
                    return marked
                } catch {
                    await connections.closeAll()
                    throw error
                }
            }
            print("checked closed ledgers\(full ? "" : " (sampled)"): \(marked) marked under-replicated")
        }
    }
}
