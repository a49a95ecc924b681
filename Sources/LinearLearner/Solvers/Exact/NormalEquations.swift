import LinearAlgebra
import MLCore

/// Squared loss through the normal equations: one pass builds `Zᵀ diag(s) Z` and `Zᵀ diag(s) y`
/// (`Z = [X 1]`) with `dsyrk`/`dgemv`, then a d × d solve.
///
/// The stationarity conditions of `F` are `(Zᵀ S Z / S + R) θ = Zᵀ S y / S` with
/// `R = diag(l2, …, l2, l2·interceptL2Multiplier)`. They are solved by Cholesky; a singular or
/// numerically rank-deficient system (collinear columns, `l2 = 0` with `d ≥ n`) gets the
/// minimum-norm least-squares solution from the eigen-decomposition instead. With L1 the same
/// quadratic is minimized by coordinate descent (exact lasso / elastic net). Cost O(n·d²) for the
/// Gram plus O(d³).
struct NormalEquations {
    let x: UnsafePointer<Double>
    let labels: UnsafePointer<Double>
    let weights: UnsafePointer<Double>?
    let rows: Int
    let features: Int
    let intercept: Bool
    let regularization: Regularization
    let totalWeight: Double
    let threads: Int
    let maxIterations: Int
    let tolerance: Double

    struct Outcome {
        var theta: [Double]
        var objective: Double
        var method: String
        var iterations: Int
    }

    func solve() throws(OptmlError) -> Outcome {
        let n = rows
        // u = s ∘ y (the labels themselves when unweighted; no copy then).
        var weightedLabels: [Double] = []
        var labelSquares = 0.0
        if let weights {
            weightedLabels = [Double](unsafeUninitializedCapacity: n) { buffer, count in
                for i in 0 ..< n { buffer[i] = weights[i] * labels[i] }
                count = n
            }
            for i in 0 ..< n { labelSquares += weightedLabels[i] * labels[i] }
        } else {
            for i in 0 ..< n { labelSquares += labels[i] * labels[i] }
        }
        let system: WeightedGram
        if weights != nil {
            system = weightedLabels.withUnsafeBufferPointer { u in
                WeightedGram(x: x, rows: n, columns: features, intercept: intercept, rowWeights: weights,
                             linearWeights: u.baseAddress!, threads: threads)
            }
        } else {
            system = WeightedGram(x: x, rows: n, columns: features, intercept: intercept, rowWeights: nil,
                                  linearWeights: labels, threads: threads)
        }
        return try Self.solve(gram: system.gram, linear: system.linear, dimension: system.dimension, labelSquares: labelSquares,
                              totalWeight: totalWeight, features: features, regularization: regularization,
                              tolerance: tolerance, maxIterations: maxIterations)
    }

    /// The solve once the Gram `Zᵀ diag(s) Z` (upper triangle, `dz × dz`) and `Zᵀ diag(s) y` are
    /// summed, however they were (one pass over rows in memory, or block by block from a stream);
    /// `labelSquares` is `Σ s y²`.
    static func solve(gram: [Double], linear: [Double], dimension dz: Int, labelSquares: Double, totalWeight: Double,
                      features: Int, regularization: Regularization, tolerance: Double,
                      maxIterations: Int) throws(OptmlError) -> Outcome {
        let inverseS = 1 / totalWeight
        var h = gram
        for i in 0 ..< dz {
            for j in i ..< dz { h[i * dz + j] *= inverseS }
            h[i * dz + i] += i < features ? regularization.l2 : regularization.l2 * regularization.interceptL2Multiplier
        }
        let q = linear.map { $0 * inverseS }
        let solution: QuadraticSolver.Solution
        let method: String
        if regularization.l1 > 0 {
            solution = try QuadraticSolver.solveL1(
                hessian: h, rhs: q, n: dz, penalized: features, l1: regularization.l1,
                start: [Double](repeating: 0, count: dz), tolerance: min(tolerance, 1e-9), maxSweeps: max(maxIterations, 10_000))
            method = "normal-equations+coordinate-descent"
        } else {
            solution = try QuadraticSolver.solve(hessian: h, rhs: q, n: dz)
            method = solution.usedEigenFallback ? "normal-equations+eigen-fallback" : "normal-equations"
        }
        // F = ½θᵀHθ − qᵀθ + ½ Σ s y² / S + l1‖w‖₁ (H includes the ridge, so this is the whole
        // objective). It cancels when the fit is near perfect: an absolute error ≈ ε·Σ s y² / S.
        let theta = solution.theta
        var quadratic = 0.0
        for i in 0 ..< dz {
            var row = h[i * dz + i] * theta[i] * 0.5
            for j in (i + 1) ..< dz { row += h[i * dz + j] * theta[j] }
            quadratic += theta[i] * row
        }
        var linear = 0.0
        for i in 0 ..< dz { linear += q[i] * theta[i] }
        var absolutes = 0.0
        for j in 0 ..< features { absolutes += abs(theta[j]) }
        let objective = max(0, quadratic - linear + 0.5 * labelSquares * inverseS) + regularization.l1 * absolutes
        return Outcome(theta: theta, objective: objective, method: method, iterations: max(1, solution.sweeps))
    }
}
