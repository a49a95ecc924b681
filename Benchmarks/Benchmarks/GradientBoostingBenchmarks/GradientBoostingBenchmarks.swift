import Benchmark
import Foundation
import GradientBoosting
import MLCore

/// Seeded binary data with interactions (a tree's kind of problem), 5 % missing values.
func boostingData(rows: Int, features: Int, seed: UInt64) -> BoostingData {
    var rng = SeededGenerator(seed: seed)
    var x = DenseMatrix<Float>(rows: rows, columns: features)
    var y = [Float](repeating: 0, count: rows)
    for i in 0 ..< rows {
        var row = [Double](repeating: 0, count: features)
        for j in 0 ..< features {
            row[j] = rng.nextGaussian()
            x[i, j] = rng.nextUnit() < 0.05 ? .nan : Float(row[j])
        }
        let f = row[0] * row[1] + abs(row[2]) - 0.8 + (features > 5 ? 0.5 * row[5] : 0)
        y[i] = rng.nextUnit() < 1 / (1 + exp(-f)) ? 1 : 0
    }
    return BoostingData(features: x, labels: y)
}

let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .cpuTotal, .peakMemoryResident, .mallocCountTotal],
        timeUnits: .milliseconds, warmupIterations: 1, maxDuration: .seconds(10), maxIterations: 20)
    let data = boostingData(rows: 200_000, features: 28, seed: 7)

    // Kernels one at a time (`BoostingKernels`): binning (cuts + codes), a node's histogram (the
    // root's 200k rows, and 25k rows, a depth-3 node's share), the split scan over 28 × 256 slots.
    for threads in [1, 2] {
        var parameters = BoostingParameters(objective: Objective(kind: .binaryLogistic), rounds: 1)
        parameters.threads = threads
        let suffix = "\(threads) thread\(threads == 1 ? "" : "s")"
        Benchmark("Binning 200k x 28, 256 bins, \(suffix)", configuration: configuration) { benchmark in
            for _ in benchmark.scaledIterations { blackHole(BoostingKernels(features: data.features, parameters: parameters)) }
        }
        let kernels = BoostingKernels(features: data.features, parameters: parameters)
        var rng = SeededGenerator(seed: 3)
        let pairs = (0 ..< 2 * data.features.rows).map { i in Float(i % 2 == 0 ? rng.nextGaussian() : 0.05 + 0.2 * rng.nextUnit()) }
        for rows in [200_000, 25_000] {
            Benchmark("Histogram \(rows / 1000)k rows x 28 features, \(suffix)",
                      configuration: .init(metrics: [.wallClock, .cpuTotal, .throughput], timeUnits: .microseconds,
                                           warmupIterations: 2, maxDuration: .seconds(5), maxIterations: 200)) { benchmark in
                for _ in benchmark.scaledIterations { blackHole(kernels.buildHistogram(gradients: pairs, rows: 0 ..< rows)) }
            }
        }
        if threads == 1 {
            Benchmark("Split scan 28 features x 256 bins",
                      configuration: .init(metrics: [.wallClock, .throughput], timeUnits: .microseconds, warmupIterations: 10,
                                           maxDuration: .seconds(3), maxIterations: 10_000)) { benchmark in
                kernels.buildHistogram(gradients: pairs, rows: 0 ..< 200_000)
                benchmark.startMeasurement()
                for _ in benchmark.scaledIterations { blackHole(kernels.bestSplit()) }
            }
        }
    }

    // Component: binning plus one depth-6 tree, then ten trees (binning amortised).
    for (rounds, threads) in [(1, 1), (10, 1), (10, 2)] {
        var parameters = BoostingParameters(objective: Objective(kind: .binaryLogistic), rounds: rounds)
        parameters.maxDepth = 6
        parameters.eta = 0.1
        parameters.threads = threads
        let trainer = BoostingTrainer(parameters: parameters)
        Benchmark("GBDT 200k x 28, \(rounds) tree\(rounds == 1 ? "" : "s") depth 6, \(threads) thread\(threads == 1 ? "" : "s")",
                  configuration: configuration) { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try trainer.train(data, evaluationSets: [], onRound: { _, _ in }, shouldStop: { false }))
            }
        }
    }

    // Prediction: 200k rows through 50 depth-6 trees.
    var parameters = BoostingParameters(objective: Objective(kind: .binaryLogistic), rounds: 50)
    parameters.threads = 2
    let ensemble = try! BoostingTrainer(parameters: parameters).train(data, evaluationSets: [], onRound: { _, _ in }, shouldStop: { false })
    let forest = try! CompiledForest(ensemble)
    for threads in [1, 2] {
        Benchmark("Predict 200k rows x 50 trees, \(threads) thread\(threads == 1 ? "" : "s")", configuration: configuration) { benchmark in
            var out = [Float](repeating: 0, count: data.features.rows)
            for _ in benchmark.scaledIterations {
                data.features.storage.withUnsafeBufferPointer { x in
                    out.withUnsafeMutableBufferPointer { o in
                        forest.predict(features: x, rows: data.features.rows, into: o, threads: threads)
                    }
                }
                blackHole(out)
            }
        }
    }
}
