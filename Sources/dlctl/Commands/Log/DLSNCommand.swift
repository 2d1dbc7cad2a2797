import ArgumentParser
import DLCore

struct DLSNCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dlsn", abstract: "Convert DLSNs between the text form and DistributedLog's base64 form.",
        subcommands: [Decode.self, Encode.self])

    struct Decode: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "decode", abstract: "Base64 (or text) DLSN to 'seq,entry,slot'.")
        @Argument(help: "A DLSN.") var dlsn: String
        func run() async throws {
            do { print(try DLSN(parsing: dlsn).description) } catch { throw ErrorReporter.report(CommandFailure(.usage, "\(error)")) }
        }
    }

    struct Encode: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "encode", abstract: "'seq,entry,slot' to DistributedLog's base64 form.")
        @Argument(help: "A DLSN.") var dlsn: String
        func run() async throws {
            do { print(try DLSN(parsing: dlsn).base64) } catch { throw ErrorReporter.report(CommandFailure(.usage, "\(error)")) }
        }
    }
}
