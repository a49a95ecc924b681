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
