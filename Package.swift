// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "optml",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "optml", targets: ["optml"]),
        .library(name: "MLCore", targets: ["MLCore"]),
        .library(name: "DataReaders", targets: ["DataReaders"]),
        .library(name: "Evaluation", targets: ["Evaluation"]),
        .library(name: "LinearAlgebra", targets: ["LinearAlgebra"]),
        .library(name: "LinearLearner", targets: ["LinearLearner"]),
        .library(name: "Algorithms", targets: ["Algorithms"]),
        .library(name: "ContainerRuntime", targets: ["ContainerRuntime"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CLinearAlgebra",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(name: "LinearAlgebra", dependencies: ["CLinearAlgebra"]),
        .target(name: "MLCore"),
        .target(name: "DataReaders", dependencies: ["MLCore", "CZlib"]),
        .target(name: "Evaluation", dependencies: ["MLCore"]),
        .target(name: "LinearLearner", dependencies: ["MLCore", "Evaluation", "LinearAlgebra"]),
        .target(name: "Algorithms", dependencies: ["MLCore", "Evaluation", "LinearLearner"]),
        .target(name: "ContainerRuntime", dependencies: ["MLCore", "DataReaders", "Evaluation", "Algorithms"]),
        .executableTarget(
            name: "optml",
            dependencies: [
                "ContainerRuntime",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "TestSupport", dependencies: ["MLCore"], path: "Tests/TestSupport"),
        .testTarget(name: "MLCoreTests", dependencies: ["MLCore", "TestSupport"]),
        .testTarget(name: "DataReadersTests", dependencies: ["DataReaders", "TestSupport"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra", "TestSupport"]),
        .testTarget(name: "LinearLearnerTests", dependencies: ["LinearLearner", "TestSupport"],
                    exclude: ["ExactSolvers/Fixtures", "ExactSolvers/make_fixtures.py"]),
        .testTarget(name: "AlgorithmsTests", dependencies: ["Algorithms", "TestSupport"], exclude: ["Golden"]),
        .testTarget(name: "ContainerRuntimeTests", dependencies: ["ContainerRuntime", "TestSupport"]),
        // Fixtures and golden files are read by path (relative to #filePath), not as bundle resources.
        .testTarget(name: "EndToEndTests", dependencies: ["TestSupport"], exclude: ["Fixtures"]),
    ]
)
