import Foundation
import MLCore
import Testing
import TestSupport
@testable import LinearLearner

/// L-BFGS started with the curvature pairs of the same objective on a sample of the rows, as
/// `ExactSolver`'s warm start does for softmax.
@Suite("Exact solvers: L-BFGS seeded with a sample's curvature")
struct CurvatureWarmStartTests {
    @Test("from the sample's minimizer, seeded pairs reach the same optimum in fewer passes")
    func seededCurvature() throws {
        let n = 80_000, d = 12, k = 5, stride = 8
        let regression = SyntheticData.regression(rows: n, features: d, noise: 1, seed: 11)
        let labels = regression.y.map { Double(min(k - 1, max(0, Int(($0 + 2.5).rounded(.down))))) }
        let x = regression.x.storage
        let m = n / stride
        var xs: [Double] = [], ys: [Double] = []
        for i in 0 ..< m {
            xs.append(contentsOf: x[(i * stride * d) ..< (i * stride * d + d)])
            ys.append(labels[i * stride])
        }
        let regularization = Regularization(l2: 1e-4)
        let parameters = k * d + k
        func solver(_ objective: SmoothObjective, tolerance: Double) -> QuasiNewton {
            QuasiNewton(objective: objective, l1: 0, penalizedCount: k * d, maxIterations: 1000, tolerance: tolerance, historySize: 10)
        }
        try xs.withUnsafeBufferPointer { xsb in
            try ys.withUnsafeBufferPointer { ysb in
                try x.withUnsafeBufferPointer { xb in
                    try labels.withUnsafeBufferPointer { yb in
                        let sample = SmoothObjective(x: xsb.baseAddress!, labels: ysb.baseAddress!, weights: nil, rows: m, features: d,
                                                     intercept: true, loss: .softmax(k), regularization: regularization,
                                                     totalWeight: Double(m), threads: 1)
                        let warm = try solver(sample, tolerance: 1e-5).minimize(from: [Double](repeating: 0, count: parameters)) { _, _, _ in true }
                        let memory = try #require(warm.memory)
                        let full = { SmoothObjective(x: xb.baseAddress!, labels: yb.baseAddress!, weights: nil, rows: n, features: d,
                                                     intercept: true, loss: .softmax(k), regularization: regularization,
                                                     totalWeight: Double(n), threads: 2) }
                        let plainObjective = full(), seededObjective = full()
                        let plain = try solver(plainObjective, tolerance: 1e-9).minimize(from: warm.theta) { _, _, _ in true }
                        let seeded = try solver(seededObjective, tolerance: 1e-9).minimize(from: warm.theta, curvature: memory) { _, _, _ in true }
                        #expect(plain.converged && seeded.converged)
                        #expect(abs(plain.objective - seeded.objective) <= 1e-10 * abs(plain.objective))
                        for j in 0 ..< parameters { #expect(abs(plain.theta[j] - seeded.theta[j]) < 1e-4) }
                        #expect(seededObjective.evaluations < plainObjective.evaluations,
                                "seeded \(seededObjective.evaluations) vs plain \(plainObjective.evaluations) passes")
                    }
                }
            }
        }
    }
}
