// swift-tools-version: 6.1
// Micro and component benchmarks (ordo-one/benchmark). A nested package so that the benchmark
// framework never enters `swift build` or `swift test` of the product. Run from this folder:
//   swift package benchmark
import PackageDescription

let benchmarkDependencies: [Target.Dependency] = [
    .product(name: "Benchmark", package: "benchmark"),
]

let package = Package(
    name: "optml-benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "optml", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "DataReadersBenchmarks",
            dependencies: benchmarkDependencies + [
                .product(name: "DataReaders", package: "optml"),
                .product(name: "MLCore", package: "optml"),
            ],
            path: "Benchmarks/DataReadersBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "LinearLearnerBenchmarks",
            dependencies: benchmarkDependencies + [
                .product(name: "LinearLearner", package: "optml"),
                .product(name: "LinearAlgebra", package: "optml"),
                .product(name: "MLCore", package: "optml"),
            ],
            path: "Benchmarks/LinearLearnerBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "GradientBoostingBenchmarks",
            dependencies: benchmarkDependencies + [
                .product(name: "GradientBoosting", package: "optml"),
                .product(name: "MLCore", package: "optml"),
            ],
            path: "Benchmarks/GradientBoostingBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
