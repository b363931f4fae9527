// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "sroi",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "sroi", targets: ["sroi"]),
        .library(name: "SROICore", targets: ["SROICore"]),
        .library(name: "SROILoad", targets: ["SROILoad"]),
        .library(name: "SROIData", targets: ["SROIData"]),
        .library(name: "SROIReport", targets: ["SROIReport"]),
        .library(name: "SROIAudit", targets: ["SROIAudit"]),
        .library(name: "SROISpreadsheet", targets: ["SROISpreadsheet"]),
        .library(name: "SROIServe", targets: ["SROIServe"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/CoreOffice/XMLCoder", from: "0.18.2"),
        .package(url: "https://github.com/JohnSundell/Ink", from: "0.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // The calculation: scenario values, validation, the SROI chain and its trace. No I/O.
        .target(name: "SROICore"),
        // Files to validated values: scenario and model YAML, conformance cases, file hashes.
        .target(
            name: "SROILoad",
            dependencies: [
                "SROICore",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Recorded outcome data: the SQLite store, validated CSV imports, quantities from records.
        .target(
            name: "SROIData",
            dependencies: [
                "SROICore", "SROILoad",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Results and trace JSON, terminal summary, explanation trees, atomic file output.
        .target(
            name: "SROIReport",
            dependencies: [
                "SROICore", .product(name: "Ink", package: "Ink"), .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Spreadsheets: the value map written as a workbook with live formulas, and read back into a scenario.
        .target(
            name: "SROISpreadsheet",
            dependencies: [
                "SROICore", "SROILoad", "SROIReport",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "XMLCoder", package: "XMLCoder"),
            ]
        ),
        // Audit bundles: writing them, checked ustar archives, and verification from the bundle alone.
        .target(
            name: "SROIAudit",
            dependencies: [
                "SROICore", "SROILoad", "SROIData", "SROIReport", "SROISpreadsheet",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The local web workspace: pages over a folder of scenarios and a record store, what-if
        // through the one calculation, guarded by a token, Host and Origin checks.
        .target(
            name: "SROIServe",
            dependencies: [
                "SROICore", "SROILoad", "SROIData", "SROIReport", "SROIAudit", "SROISpreadsheet",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "sroi",
            dependencies: [
                "SROICore", "SROILoad", "SROIData", "SROIReport", "SROIAudit", "SROISpreadsheet", "SROIServe",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "SROITests",
            dependencies: [
                "SROICore", "SROILoad", "SROIData", "SROIReport", "SROIAudit", "SROISpreadsheet", "sroi",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PropertyBased", package: "swift-property-based"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
    ]
)
