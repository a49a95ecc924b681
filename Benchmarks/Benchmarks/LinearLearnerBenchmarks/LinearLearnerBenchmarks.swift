import Benchmark
import Foundation
import LinearAlgebra
import LinearLearner
import MLCore

/// Seeded logistic data: Gaussian features, labels drawn from a logistic model.
func logisticData(rows: Int, features: Int, seed: UInt64) -> (DenseMatrix<Double>, [Double]) {
    var rng = SeededGenerator(seed: seed)
    let w = (0 ..< features).map { _ in rng.nextGaussian() * 0.5 }
    var x = DenseMatrix<Double>(rows: rows, columns: features)
    var y = [Double](repeating: 0, count: rows)
    for i in 0 ..< rows {
        var s = -0.2
        for j in 0 ..< features {
            let v = rng.nextGaussian()
            x[i, j] = v
            s += v * w[j]
        }
        y[i] = rng.nextUnit() < 1 / (1 + exp(-s)) ? 1 : 0
    }
    return (x, y)
}

let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .cpuTotal, .peakMemoryResident, .mallocCountTotal],
        timeUnits: .milliseconds, warmupIterations: 1, maxDuration: .seconds(10), maxIterations: 20)

    // Component: the exact solvers on 200k rows (one solve per iteration).
    let (x, y) = logisticData(rows: 200_000, features: 28, seed: 2026)
    let logistic = LinearProblem(features: x, labels: y)
    let squared = LinearProblem(features: x, labels: (0 ..< y.count).map { i in y[i] + x[i, 0] })
    for threads in [1, 2] {
        let options = ExactSolverOptions(threads: threads)
        Benchmark("Newton logistic 200k x 28, \(threads) thread\(threads == 1 ? "" : "s")", configuration: configuration) { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try ExactSolver.fit(logistic, loss: .logistic, regularization: Regularization(l2: 1e-6), options: options))
            }
        }
        Benchmark("Normal equations 200k x 28, \(threads) thread\(threads == 1 ? "" : "s")", configuration: configuration) { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try ExactSolver.fit(squared, loss: .squared, regularization: Regularization(l2: 0), options: options))
            }
        }
    }
    Benchmark("Softmax L-BFGS 200k x 28 x 4 classes, 1 thread", configuration: configuration) { benchmark in
        let classes = (0 ..< y.count).map { i in Double((x[i, 1] > 0 ? 2 : 0) + Int(y[i])) }
        let problem = LinearProblem(features: x, labels: classes)
        for _ in benchmark.scaledIterations {
            blackHole(try ExactSolver.fit(problem, loss: .softmax(classes: 4), regularization: Regularization(l2: 1e-5),
                                          options: ExactSolverOptions(threads: 1)))
        }
    }
    Benchmark("BLAS thread count") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(blasThreadCount()) }
    }
}
