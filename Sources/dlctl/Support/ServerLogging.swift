import ArgumentParser
import Logging

/// Logging of the server commands (`bookie start`, `proxy start`): to stderr, at `--log-level`.
enum ServerLogging {
    static func bootstrap(_ level: String) {
        let level = Logger.Level(rawValue: level) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }

    static func validate(_ level: String) throws {
        guard Logger.Level(rawValue: level) != nil else { throw ValidationError("unknown --log-level \(level)") }
    }
}
