import ArgumentParser
import DLCore

/// A log benchmark: measures against a cluster, then prints its result as a table or JSON.
protocol LogWorkload: AsyncParsableCommand, Sendable {
    associatedtype Result: Encodable & Sendable
    var cluster: ClusterOptions { get }
    var output: OutputFormat { get }
    func measure(store: any MetadataStore) async throws -> Result
    func tableLines(_ result: Result) -> [String]
}

extension LogWorkload {
    func run() async throws {
        let options = self
        try await reportingErrors(timeout: nil) {
            let result = try await options.cluster.withStore { try await options.measure(store: $0) }
            switch options.output {
            case .json: try JSONOutput.print(result)
            case .table: options.tableLines(result).forEach { print($0) }
            }
        }
    }
}
