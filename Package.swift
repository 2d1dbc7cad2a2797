// swift-tools-version:6.0
import PackageDescription

// Release builds of the storage and client paths skip dynamic exclusivity checks (measured:
// a few percent of a bookie's CPU per add); debug builds and tests keep them.
let hotPathSettings: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "dlctl",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "dlctl", targets: ["dlctl"]),
        .library(name: "DLCore", targets: ["DLCore"]),
        .library(name: "Bookie", targets: ["Bookie"]),
        .library(name: "Proxy", targets: ["Proxy"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        .systemLibrary(name: "CReadline", path: "Sources/CReadline"),
        .systemLibrary(name: "CNcursesw", path: "Sources/CNcursesw"),
        .systemLibrary(name: "CZooKeeper", path: "Sources/CZooKeeper",
                       providers: [.apt(["libzookeeper-mt-dev"])]),
        .systemLibrary(name: "CLZ4", path: "Sources/CLZ4", pkgConfig: "liblz4",
                       providers: [.apt(["liblz4-dev"])]),
        .systemLibrary(name: "CCRC32C", path: "Sources/CCRC32C"),
        .systemLibrary(name: "CSpawn", path: "Sources/CSpawn"),
        .systemLibrary(name: "CFileSync", path: "Sources/CFileSync"),
        .target(
            name: "DLCore",
            dependencies: [
                "CZooKeeper", "CLZ4", "CCRC32C", "CSpawn", "CFileSync",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: hotPathSettings),
        .target(
            name: "Bookie",
            dependencies: [
                "DLCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: hotPathSettings),
        .target(
            name: "Proxy",
            dependencies: [
                "DLCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: hotPathSettings),
        .executableTarget(
            name: "dlctl",
            dependencies: [
                "DLCore", "Bookie", "Proxy", "CReadline", "CNcursesw",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(name: "TestSupport", dependencies: [
            "DLCore", .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
        ], path: "Tests/TestSupport"),
        .testTarget(name: "DLCoreTests", dependencies: ["DLCore", "TestSupport"]),
        .testTarget(name: "BookieTests", dependencies: [
            "Bookie", "DLCore", "TestSupport",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "dlctlTests", dependencies: ["DLCore", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
