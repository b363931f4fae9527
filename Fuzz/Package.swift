// swift-tools-version: 6.0
// libFuzzer targets for the readers of untrusted input. Built and run by scripts/fuzz, with
// -sanitize=fuzzer,address; not part of the main package's build.
import PackageDescription

let package = Package(
    name: "sroi-fuzz",
    platforms: [.macOS(.v13)],
    // scripts/fuzz links .root/sroi to the repository, so that the package is known as sroi
    // whatever the folder of the clone is called.
    dependencies: [.package(path: ".root/sroi")],
    targets: [
        .target(name: "FuzzSupport"),
        .executableTarget(
            name: "FuzzYAML", dependencies: ["FuzzSupport", .product(name: "SROILoad", package: "sroi")]),
        .executableTarget(
            name: "FuzzFormula", dependencies: ["FuzzSupport", .product(name: "SROICore", package: "sroi")]),
        .executableTarget(
            name: "FuzzCSV", dependencies: ["FuzzSupport", .product(name: "SROIData", package: "sroi")]),
        .executableTarget(
            name: "FuzzTar", dependencies: ["FuzzSupport", .product(name: "SROIAudit", package: "sroi")]),
        .executableTarget(
            name: "FuzzWorkbook",
            dependencies: ["FuzzSupport", .product(name: "SROISpreadsheet", package: "sroi")]),
    ]
)
