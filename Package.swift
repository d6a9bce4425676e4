// swift-tools-version: 6.2
import PackageDescription

let strictSwift: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "mentor-kiosk",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "mentor-kiosk", targets: ["mentor-kiosk"]),
        .executable(name: "mentor-bench", targets: ["mentor-bench"]),
        .executable(name: "mentor-hub", targets: ["mentor-hub"]),
        .library(name: "KioskCore", targets: ["KioskCore"]),
        .library(name: "ProgramFiles", targets: ["ProgramFiles"]),
        .library(name: "KioskStore", targets: ["KioskStore"]),
        .library(name: "KioskSystem", targets: ["KioskSystem"]),
        .library(name: "KioskTUI", targets: ["KioskTUI"]),
        .library(name: "KioskHardware", targets: ["KioskHardware"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // Floor 0: C shims for what Swift cannot import.
        .target(name: "CKioskSystem"),
        .target(name: "CNCurses", linkerSettings: [.linkedLibrary("ncursesw")]),
        .target(name: "CGPIO", linkerSettings: [.linkedLibrary("gpiod")]),
        // Floor 1: pure domain rules.
        .target(
            name: "KioskCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSwift),
        // Floor 2: edges.
        .target(
            name: "ProgramFiles",
            dependencies: ["KioskCore", .product(name: "CSV", package: "CSV.swift")],
            swiftSettings: strictSwift),
        .target(
            name: "KioskStore",
            dependencies: [
                "KioskCore", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: strictSwift),
        .target(
            name: "KioskTUI",
            dependencies: ["KioskCore", "CNCurses"],
            swiftSettings: strictSwift),
        .target(
            name: "KioskHardware",
            dependencies: ["KioskCore", "CGPIO", "CKioskSystem"],
            swiftSettings: strictSwift),
        .target(
            name: "KioskSystem",
            dependencies: ["KioskCore", "CKioskSystem", "TOMLKit"],
            swiftSettings: strictSwift),
        .target(
            name: "HubProtocol",
            dependencies: ["KioskCore"],
            swiftSettings: strictSwift),
        // Floor 3: the appliance's main loop, the hub's storage and server, the hub client.
        .target(
            name: "HubStore",
            dependencies: [
                "HubProtocol", "KioskCore", "KioskStore", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSwift),
        .target(
            name: "HubPostgres",
            dependencies: [
                "HubProtocol", "HubStore", "KioskCore", "KioskStore", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strictSwift),
        .target(
            name: "HubServer",
            dependencies: [
                "HubProtocol", "HubStore", "KioskCore", "ProgramFiles", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"), .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "CompressNIO", package: "compress-nio"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"), .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "MultipartKit", package: "multipart-kit"),
            ],
            swiftSettings: strictSwift),
        .target(
            name: "KioskSync",
            dependencies: [
                "HubProtocol", "KioskCore", "KioskStore", .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "CompressNIO", package: "compress-nio"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
            ],
            swiftSettings: strictSwift),
        .target(
            name: "KioskApp",
            dependencies: ["KioskCore", "KioskStore", "KioskTUI", "KioskSystem", "KioskHardware", "CKioskSystem"],
            swiftSettings: strictSwift),
        // Floor 4: executables, argument parsing and wiring only (and their shared arguments).
        .target(
            name: "ReportArguments",
            dependencies: ["KioskCore", "ProgramFiles", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strictSwift),
        .executableTarget(
            name: "mentor-kiosk",
            dependencies: [
                "KioskCore", "ProgramFiles", "KioskStore", "KioskSystem", "KioskHardware", "KioskApp", "KioskSync", "HubProtocol", "ReportArguments",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSwift),
        .target(
            name: "HubNotify",
            dependencies: [
                "HubStore", "KioskCore", "ProgramFiles", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"), .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"), .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift),
        .executableTarget(
            name: "mentor-hub",
            dependencies: [
                "HubServer", "HubNotify", "HubStore", "HubPostgres", "HubProtocol", "KioskCore", "KioskStore", "KioskSystem", "ProgramFiles", "ReportArguments",
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSwift),
        .executableTarget(
            name: "mentor-bench",
            dependencies: [
                "KioskCore", "KioskHardware", "KioskStore", "KioskSystem", "KioskTUI", "KioskApp", "CKioskSystem", "HubProtocol", "HubStore", "ProgramFiles",
                "HubPostgres", "HubServer", "KioskSync", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"), .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSwift),
        .testTarget(
            name: "KioskCoreTests",
            dependencies: ["KioskCore"],
            swiftSettings: strictSwift),
        .testTarget(
            name: "ProgramFilesTests",
            dependencies: ["ProgramFiles", "KioskCore"],
            swiftSettings: strictSwift),
        .testTarget(
            name: "KioskStoreTests",
            dependencies: ["KioskStore", "KioskCore", "ProgramFiles", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSwift),
        .testTarget(
            name: "KioskTUITests",
            dependencies: ["KioskTUI", "KioskCore"],
            exclude: ["Snapshots"],
            swiftSettings: strictSwift),
        .testTarget(
            name: "KioskHardwareTests",
            dependencies: ["KioskHardware", "KioskCore"],
            swiftSettings: strictSwift),
        .testTarget(
            name: "KioskSystemTests",
            dependencies: ["KioskSystem", "KioskCore"],
            swiftSettings: strictSwift),
        .testTarget(
            name: "HubTests",
            dependencies: [
                "HubProtocol", "HubStore", "HubPostgres", "HubServer", "HubNotify", "KioskSync", "KioskCore", "ProgramFiles",
                .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift),
        .testTarget(
            name: "MentorKioskCLITests",
            dependencies: [
                "mentor-kiosk", "mentor-hub", "KioskStore", "KioskSystem", "KioskSync", "HubProtocol", "ProgramFiles",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            exclude: ["fault_proxy.py"],
            swiftSettings: strictSwift),
    ],
    swiftLanguageModes: [.v6]
)
