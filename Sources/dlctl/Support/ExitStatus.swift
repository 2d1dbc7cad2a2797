import ArgumentParser
import Bookie
import DLCore
import Foundation

/// The documented exit statuses of every dlctl command.
enum ExitStatus: Int32, CaseIterable {
    case success = 0
    case failed = 1
    case notFound = 2
    case conflict = 3
    case unavailable = 4
    case invalidData = 5
    case overCapacity = 6
    case usage = 64
    case interrupted = 130
    case readerGone = 141

    var meaning: String {
        switch self {
        case .success: return "success"
        case .failed: return "the operation failed"
        case .notFound: return "a named node, log, ledger or cluster does not exist"
        case .conflict: return "conflict: already exists, changed concurrently, not empty, or held by another owner"
        case .unavailable: return "the cluster could not be reached in time, or the session expired"
        case .invalidData: return "stored data is corrupt or belongs to something else"
        case .overCapacity: return "over capacity: a write limit (dlctl log config) refused the write; it was not retried"
        case .usage: return "bad arguments or URI"
        case .interrupted: return "stopped by Ctrl-C (in the shell)"
        case .readerGone: return "standard output's reader went away (| head): as a pipeline stage ended by SIGPIPE"
        }
    }

    static var table: String {
        "Exit status:\n" + allCases.map { "  \($0.rawValue)  \($0.meaning)" }.joined(separator: "\n")
    }

    /// Classifies an error for the exit status.
    init(for error: any Error) {
        switch error {
        case let error as MetadataError:
            switch error {
            case .noNode: self = .notFound
            case .nodeExists, .badVersion, .notEmpty, .noChildrenForEphemerals: self = .conflict
            case .sessionExpired, .connectionLoss, .timeout, .closed: self = .unavailable
            case .invalidPath, .invalidURI: self = .usage
            case .backend: self = .failed
            case .missing: self = .notFound
            case .foreign: self = .invalidData
            }
        case let error as ClusterLayoutError:
            switch error {
            case .notInitialized: self = .notFound
            case .foreign: self = .invalidData
            }
        case is ModelError: self = .invalidData
        case is BookieClientError: self = .unavailable
        case let error as LedgerError: self = ExitStatus(ledger: error)
        case let error as LogError:
            switch error {
            case .noSuchNamespace, .noSuchLog: self = .notFound
            case .namespaceExists, .logExists, .namespaceNotEmpty, .locked, .endOfStream, .writerClosed: self = .conflict
            case .txidOutOfOrder, .recordTooLarge: self = .usage
            case .positionTruncated, .positionPastEnd: self = .notFound
            case .segmentFailed: self = .unavailable
            case .deletedWhileReading: self = .notFound
            case .unrecoveredSegment: self = .failed
            case .metadataBehindBookies: self = .invalidData
            }
        case let error as ProxyRefusal:
            switch error.status {
            case .noSuchLog: self = .notFound
            case .recordTooLarge, .txidOutOfOrder, .malformed: self = .usage
            case .endOfStream: self = .conflict
            case .overCapacity: self = .overCapacity
            case .unavailable, .notReady, .redirect: self = .unavailable
            case .ok, .behind: self = .failed
            }
        case is ProxyClient.Failure, is ProxyConnectionError: self = .unavailable
        case is WriteLimits.Malformed: self = .invalidData
        case is WriteLimits.Invalid: self = .usage
        case is LogName.Invalid: self = .usage
        case is CookieCheck.Failure: self = .invalidData
        case let error as BookieNode.StartFailure:
            if case .dataDirectoryInUse = error { self = .conflict } else { self = .failed }
        case let error as CommandFailure: self = error.status
        case let error as WriteFailure:
            // (An envelope's own fault reaches here as the input's, with its line.)
            self = error.cause is RecordInput.Malformed ? .usage : ExitStatus(for: error.cause)
        default: self = .failed
        }
    }
}

/// A failure the command itself detected, with the status it maps to.
struct CommandFailure: Error, CustomStringConvertible {
    var status: ExitStatus
    var description: String
    init(_ status: ExitStatus, _ description: String) {
        self.status = status
        self.description = description
    }
}

enum ErrorReporter {
    /// Prints one line for `error` and returns the exit code to end with.
    static func report(_ error: any Error) -> ExitCode {
        let status = ExitStatus(for: error)
        let text = "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
        StandardError.write("dlctl: error: \(text)\n")
        return ExitCode(status.rawValue)
    }
}

extension AsyncParsableCommand {
    /// Runs `body`, bounded by `timeout`, turning any error into one line on stderr and the
    /// documented exit status.
    func reportingErrors(timeout: Duration?, _ body: @escaping @Sendable () async throws -> Void) async throws {
        do {
            if let timeout {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await body() }
                    group.addTask {
                        try await Task.sleep(for: timeout)
                        // Not the metadata store's doing: what was slow says so itself when it can.
                        throw CommandFailure(.unavailable, "the command did not finish within \(timeout) (change with --timeout)")
                    }
                    try await group.next()
                    group.cancelAll()
                }
            } else {
                try await body()
            }
        } catch let error as ExitCode {
            throw error
        } catch is CancellationError {
            // Stopped on purpose (Ctrl-C in the shell): no error line.
            throw ExitCode(ExitStatus.interrupted.rawValue)
        } catch {
            throw ErrorReporter.report(error)
        }
    }
}
