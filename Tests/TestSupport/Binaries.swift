import Foundation

/// Paths of the binaries the build produced beside the test bundle.
public enum Binaries {
    /// The `dlctl` executable of this build.
    public static var dlctl: String {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: exe).deletingLastPathComponent()
        // Inside an .xctest bundle directory on some layouts.
        if directory.pathExtension == "xctest" { directory = directory.deletingLastPathComponent() }
        return directory.appendingPathComponent("dlctl").path
    }

    public static var dlctlExists: Bool { FileManager.default.isExecutableFile(atPath: dlctl) }

    /// The package's root directory (the one holding Package.swift), above the build directory.
    public static var packageRoot: String? {
        var directory = URL(fileURLWithPath: dlctl).deletingLastPathComponent()
        while directory.path != "/" {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) { return directory.path }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }
}

/// A temporary directory removed when the value is dropped.
public final class TemporaryDirectory: @unchecked Sendable {
    public let path: String
    public init(_ prefix: String = "dlctl-test") {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        path = base.path
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    public func file(_ name: String) -> String { path + "/" + name }
}
