#if canImport(Glibc)
import Glibc
#endif

/// A failed file operation: what was attempted, on which path, and the system's reason.
public struct FileError: Error, Equatable, Sendable, CustomStringConvertible {
    public var operation: String
    public var path: String
    public var code: Int32

    public init(_ operation: String, _ path: String, code: Int32) {
        self.operation = operation
        self.path = path
        self.code = code
    }

    /// The system's reason alone, for callers that name the file themselves.
    public var reason: String { String(cString: strerror(code)) }

    /// The system's reason when `error` is a `FileError`, else the error itself.
    public static func reason(_ error: any Error) -> String { (error as? FileError)?.reason ?? "\(error)" }

    public var description: String { "cannot \(operation) \(path): \(reason)" }
}
