/// One mutating file operation a `PowerLossDisk` is asked to run: what it does and the file it
/// touches (for a rename, the new name; for an operation on a descriptor, the path it was
/// opened at).
public struct FileOperation: Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case create, write, sync, resize, rename, remove, syncDirectory, makeDirectory
    }

    public let kind: Kind
    public let path: String

    public init(_ kind: Kind, _ path: String) {
        self.kind = kind
        self.path = path
    }

    /// The last component of the path.
    public var name: Substring { path.split(separator: "/").last ?? Substring(path) }

    public var description: String { "\(kind.rawValue) \(path)" }
}
