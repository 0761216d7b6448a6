// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "secor",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "secor", targets: ["secor"]),
        .library(name: "SECORCore", targets: ["SECORCore"]),
        .library(name: "SECORServer", targets: ["SECORServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor", from: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-kit", from: "1.57.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver", from: "2.14.0"),
        .package(url: "https://github.com/vapor/leaf", from: "4.5.2"),
        .package(url: "https://github.com/vapor/leaf-kit", from: "1.14.3"),
        .package(url: "https://github.com/vapor/sql-kit", from: "3.36.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-openapi-generator", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime", from: "1.13.4"),
        .package(url: "https://github.com/vapor/swift-openapi-vapor", from: "1.2.0"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
    ],
    targets: [
        // The program and its rules as values and pure functions. Foundation and the
        // Yams parser only: no I/O, no clock ("today" is always a parameter).
        .target(
            name: "SECORCore",
            dependencies: [.product(name: "Yams", package: "Yams")],
            resources: [.copy("Profiles"), .copy("Protocols")]
        ),
        .target(
            name: "SECORServer",
            dependencies: [
                "SECORCore",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "Leaf", package: "leaf"),
                .product(name: "LeafKit", package: "leaf-kit"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIVapor", package: "swift-openapi-vapor"),
                // Signed public verification answers (Ed25519 compact JWS) and their JWKS.
                .product(name: "JWTKit", package: "jwt-kit"),
            ],
            resources: [.copy("Views"), .copy("Public"), .copy("openapi.yaml"), .copy("Accounts/common-passwords.txt")],
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        .executableTarget(
            name: "secor",
            dependencies: ["SECORServer"]
        ),
        .testTarget(name: "SECORCoreTests", dependencies: ["SECORCore"]),
        .testTarget(
            name: "SECORServerTests",
            dependencies: [
                "SECORServer",
                .product(name: "XCTVapor", package: "vapor"),
                // A contractor's check of a signed verification answer (V2).
                .product(name: "JWTKit", package: "jwt-kit"),
            ]
        ),
    ]
)
