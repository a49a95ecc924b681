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
        .library(name: "BuiltinAlgorithms", targets: ["BuiltinAlgorithms"]),
        .library(name: "ContainerRuntime", targets: ["ContainerRuntime"]),
        .library(name: "GradientBoosting", targets: ["GradientBoosting"]),
        .library(name: "Inference", targets: ["Inference"]),
        .library(name: "InferenceServer", targets: ["InferenceServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
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
        // Kernels cloned per instruction set (AVX-512, AVX2, baseline) and chosen at load time.
        .target(name: "CKernels"),
        .target(name: "LinearAlgebra", dependencies: ["CLinearAlgebra", "CKernels"]),
        .target(name: "MLCore", dependencies: ["CKernels"]),
        .target(name: "DataReaders", dependencies: [
            "MLCore", "CZlib", .product(name: "SwiftProtobuf", package: "swift-protobuf"),
        ], exclude: ["Protobuf/record.proto"]),
        .target(name: "Evaluation", dependencies: ["MLCore", "CKernels"]),
        .target(name: "LinearLearner", dependencies: ["MLCore", "Evaluation", "LinearAlgebra", "CKernels"]),
        .target(name: "GradientBoosting", dependencies: ["MLCore", "Evaluation"]),
        .target(name: "BuiltinAlgorithms", dependencies: ["MLCore", "Evaluation", "LinearLearner", "GradientBoosting"]),
        .target(name: "ContainerRuntime", dependencies: [
            "MLCore", "DataReaders", "Evaluation", "BuiltinAlgorithms", "LinearLearner", "GradientBoosting",
        ]),
        .target(name: "Inference", dependencies: ["MLCore", "DataReaders", "BuiltinAlgorithms"]),
        .target(name: "InferenceServer", dependencies: [
            "Inference", .product(name: "Hummingbird", package: "hummingbird"),
        ]),
        .executableTarget(
            name: "optml",
            dependencies: [
                "MLCore",
                "ContainerRuntime",
                "Inference",
                "InferenceServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "TestSupport", dependencies: ["MLCore"], path: "Tests/TestSupport"),
        .testTarget(name: "MLCoreTests", dependencies: ["MLCore", "TestSupport"]),
        .testTarget(name: "DataReadersTests", dependencies: ["DataReaders", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra", "TestSupport"]),
        .testTarget(name: "LinearLearnerTests", dependencies: ["LinearLearner", "TestSupport"],
                    exclude: ["ExactSolvers/Fixtures", "ExactSolvers/make_fixtures.py"]),
        .testTarget(name: "BuiltinAlgorithmsTests", dependencies: ["BuiltinAlgorithms", "TestSupport"], exclude: ["Golden"]),
        .testTarget(name: "ContainerRuntimeTests", dependencies: ["ContainerRuntime", "TestSupport"]),
        .testTarget(name: "GradientBoostingTests", dependencies: ["GradientBoosting", "Evaluation", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "InferenceTests", dependencies: ["Inference", "DataReaders", "TestSupport",
                                                      .product(name: "SwiftProtobuf", package: "swift-protobuf")], exclude: ["Fixtures"]),
        // Server tests start a real server on loopback (HummingbirdTesting would pull in
        // AsyncHTTPClient and BoringSSL, minutes of build for every CI run).
        .testTarget(name: "InferenceServerTests", dependencies: ["InferenceServer", "TestSupport"]),
        // Fixtures and golden files are read by path (relative to #filePath), not as bundle resources.
        .testTarget(name: "EndToEndTests", dependencies: ["TestSupport", "DataReaders"], exclude: ["Fixtures"]),
    ]
)
