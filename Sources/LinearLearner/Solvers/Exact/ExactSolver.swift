import LinearAlgebra
import MLCore

/// Full-batch solvers that minimize the Linear Learner objective to a stated tolerance.
///
/// The objective is the one documented on `Regularization`:
/// `F(W, b) = (1/S) Σ s_i ℓ(x_i·Wᵀ + b, y_i) + (l2/2)(‖W‖² + m‖b‖²) + l1‖W‖₁`.
/// The method depends on the loss (reported in `SolverReport.method`):
///
/// | loss | l1 = 0 | l1 > 0 |
/// |---|---|---|
/// | squared | `normal-equations` (Cholesky; `+eigen-fallback` when singular) | `normal-equations+coordinate-descent` |
/// | logistic, huber, ε-insensitive squared | `newton` when d ≤ `newtonMaxFeatures`, else `lbfgs` | `owlqn` |
/// | softmax | `lbfgs` | `owlqn` |
/// | absolute, quantile, ε-insensitive absolute, hinge | `irls` | `irls+coordinate-descent` |
///
/// Everything runs on `options.threads` threads: data passes split rows among workers (OpenBLAS at
/// one thread inside them); the monitor is called on the calling thread.
public enum ExactSolver {
    /// Fits `problem` under `loss` and `regularization`.
    ///
    /// Returns coefficients with `loss.outputs` rows and a report. `monitor`, when given, is called
    /// after every iteration with the current objective and coefficients; returning false stops
    /// the solver, which then returns those coefficients with `stoppedByMonitor = true` (the
    /// normal equations call it once, with the solution).
    ///
    /// Throws `OptmlError.user` for inputs that cannot define the objective (no rows, negative or
    /// all-zero weights, softmax labels outside `0 ..< k`, non-finite labels or weights) and
    /// `OptmlError.algorithm` for numerical failures (non-finite values reached, LAPACK errors).
    public static func fit(
        _ problem: LinearProblem, loss: LinearLoss, regularization: Regularization,
        options: ExactSolverOptions = ExactSolverOptions(), monitor: SolverMonitor? = nil
    ) throws(OptmlError) -> (LinearCoefficients, SolverReport) {
        let n = problem.features.rows
        let d = problem.features.columns
        let k = loss.outputs
        try validate(problem, loss: loss)
        let totalWeight = problem.totalWeight
        let intercept = problem.fitIntercept
        let threads = options.threads

        func coefficients(_ theta: [Double]) -> LinearCoefficients {
            unpack(theta, outputs: k, features: d, intercept: intercept)
        }
        func report(_ iteration: Int, _ value: Double, _ theta: [Double]) -> Bool {
            ExactSolver.report(to: monitor, iteration, value, unpack: { coefficients(theta) })
        }

        return try problem.features.storage.withUnsafeBufferPointer { xBuffer throws(OptmlError) in
            try problem.labels.withUnsafeBufferPointer { yBuffer throws(OptmlError) in
                try withOptionalBuffer(problem.weights) { sPointer throws(OptmlError) in
                    // A zero-size matrix has no base address; any valid pointer serves for d = 0.
                    let x = xBuffer.baseAddress ?? UnsafePointer(yBuffer.baseAddress!)
                    let y = yBuffer.baseAddress!
                    switch loss {
                    case .squared:
                        let outcome = try NormalEquations(
                            x: x, labels: y, weights: sPointer, rows: n, features: d, intercept: intercept,
                            regularization: regularization, totalWeight: totalWeight, threads: threads,
                            maxIterations: options.maxIterations, tolerance: options.tolerance
                        ).solve()
                        let stopped = !report(1, outcome.objective, outcome.theta)
                        return (coefficients(outcome.theta),
                                SolverReport(method: outcome.method, iterations: outcome.iterations, converged: true,
                                             objective: outcome.objective, history: [outcome.objective], stoppedByMonitor: stopped))

                    case .absolute, .quantile, .epsilonInsensitiveAbsolute, .hinge:
                        let outcome = try ReweightedLeastSquares(
                            x: x, labels: y, weights: sPointer, rows: n, features: d, intercept: intercept, loss: loss,
                            regularization: regularization, totalWeight: totalWeight, threads: threads,
                            maxIterations: options.maxIterations, tolerance: options.tolerance
                        ).minimize(report: report)
                        return (coefficients(outcome.theta),
                                makeReport(regularization.l1 > 0 ? "irls+coordinate-descent" : "irls", outcome))

                    default:
                        let objective = SmoothObjective(
                            x: x, labels: y, weights: sPointer, rows: n, features: d, intercept: intercept,
                            loss: smoothLoss(loss), regularization: regularization, totalWeight: totalWeight, threads: threads)
                        let useNewton = k == 1 && regularization.l1 == 0 && d <= options.newtonMaxFeatures
                        let warm = try warmStart(
                            x: x, labels: y, weights: sPointer, rows: n, features: d, outputs: k, intercept: intercept,
                            loss: smoothLoss(loss), regularization: regularization, options: options, newton: useNewton)
                        let start = warm?.theta ?? [Double](repeating: 0, count: objective.parameterCount)
                        let quasiNewton = QuasiNewton(
                            objective: objective, l1: regularization.l1, penalizedCount: k * d,
                            maxIterations: options.maxIterations, tolerance: options.tolerance, historySize: options.historySize)
                        if useNewton {
                            let (newton, complete) = try NewtonMethod(
                                objective: objective, regularization: regularization, totalWeight: totalWeight, threads: threads,
                                maxIterations: options.maxIterations, tolerance: options.tolerance
                            ).minimize(from: start, report: report)
                            if complete { return (coefficients(newton.theta), makeReport("newton", newton)) }
                            // Newton stalled (singular Hessian in a flat region): finish with L-BFGS.
                            let rest = QuasiNewton(
                                objective: objective, l1: 0, penalizedCount: k * d,
                                maxIterations: max(1, options.maxIterations - newton.iterations), tolerance: options.tolerance,
                                historySize: options.historySize)
                            let offset = newton.iterations
                            var outcome = try rest.minimize(from: newton.theta) { i, v, t in report(offset + i, v, t) }
                            outcome.iterations += offset
                            outcome.history = newton.history + outcome.history
                            return (coefficients(outcome.theta), makeReport("newton+lbfgs", outcome))
                        }
                        let outcome = try quasiNewton.minimize(from: start, curvature: warm?.curvature, report: report)
                        return (coefficients(outcome.theta), makeReport(regularization.l1 > 0 ? "owlqn" : "lbfgs", outcome))
                    }
                }
            }
        }
    }

    /// The minimizer of the objective on every `options.warmStartStride`-th row, as the start of
    /// the full-data method; nil when the data is too small for a sample to help, with L1, or when
    /// the sample's solve fails (the full-data method then starts from zero as usual).
    ///
    /// Rows are taken at a fixed stride (deterministic, and spread over the whole file even when
    /// it is sorted by label). The sample objective has the same form (the loss is a weighted mean,
    /// so the ridge means the same), so its minimizer is within sampling error of the full one and
    /// Newton's method converges from it in about two full passes. L-BFGS also keeps the sample
    /// solve's last curvature pairs: the sample's Hessian is within sampling error of the full one,
    /// so the full solve's first steps are quasi-Newton steps rather than steepest descent.
    private static func warmStart(
        x: UnsafePointer<Double>, labels: UnsafePointer<Double>, weights: UnsafePointer<Double>?,
        rows n: Int, features d: Int, outputs k: Int, intercept: Bool, loss: SmoothObjective.Loss,
        regularization: Regularization, options: ExactSolverOptions, newton: Bool
    ) throws(OptmlError) -> (theta: [Double], curvature: CurvatureMemory?)? {
        let stride = options.warmStartStride
        let parameters = k * d + (intercept ? k : 0)
        guard stride > 1, regularization.l1 == 0 else { return nil }
        let m = n / stride
        guard m >= 10_000, m >= 20 * parameters else { return nil }
        var xs = [Double](repeating: 0, count: m * d)
        var ys = [Double](repeating: 0, count: m)
        var ws: [Double]? = weights == nil ? nil : [Double](repeating: 0, count: m)
        var total = 0.0
        xs.withUnsafeMutableBufferPointer { xb in
            for i in 0 ..< m {
                let source = i * stride
                (xb.baseAddress! + i * d).update(from: x + source * d, count: d)
                ys[i] = labels[source]
                if let weights { ws![i] = weights[source]; total += weights[source] }
            }
        }
        if weights == nil { total = Double(m) }
        guard total > 0 else { return nil }
        typealias Warm = (theta: [Double], curvature: CurvatureMemory?)
        return try xs.withUnsafeBufferPointer { xb throws(OptmlError) -> Warm? in
            try ys.withUnsafeBufferPointer { yb throws(OptmlError) -> Warm? in
                try withOptionalBuffer(ws) { wp throws(OptmlError) -> Warm? in
                    let sample = SmoothObjective(
                        x: xb.baseAddress!, labels: yb.baseAddress!, weights: wp, rows: m, features: d, intercept: intercept,
                        loss: loss, regularization: regularization, totalWeight: total, threads: options.threads)
                    let zero = [Double](repeating: 0, count: parameters)
                    // A looser tolerance: the sample's own optimum is only within sampling error
                    // of the full one anyway.
                    let tolerance = max(options.tolerance, 1e-5)
                    if newton {
                        let (outcome, complete) = try NewtonMethod(
                            objective: sample, regularization: regularization, totalWeight: total, threads: options.threads,
                            maxIterations: options.maxIterations, tolerance: tolerance
                        ).minimize(from: zero) { _, _, _ in true }
                        return complete && outcome.objective.isFinite ? (outcome.theta, nil) : nil
                    }
                    let outcome = try QuasiNewton(
                        objective: sample, l1: 0, penalizedCount: k * d, maxIterations: options.maxIterations,
                        tolerance: tolerance, historySize: options.historySize
                    ).minimize(from: zero) { _, _, _ in true }
                    return outcome.objective.isFinite ? (outcome.theta, outcome.memory) : nil
                }
            }
        }
    }

    /// The coefficients in a flat parameter vector `θ = [W (k × d), b (k, with an intercept)]`.
    static func unpack(_ theta: [Double], outputs k: Int, features d: Int, intercept: Bool) -> LinearCoefficients {
        let weights = DenseMatrix(rows: k, columns: d, storage: Array(theta[0 ..< k * d]))
        let intercepts = intercept ? Array(theta[(k * d) ..< (k * d + k)]) : [Double](repeating: 0, count: k)
        return LinearCoefficients(weights: weights, intercepts: intercepts)
    }

    /// Passes one iteration to `monitor` (true, go on, when there is none).
    static func report(to monitor: SolverMonitor?, _ iteration: Int, _ value: Double, unpack: () -> LinearCoefficients) -> Bool {
        guard let monitor else { return true }
        return monitor(SolverProgress(iteration: iteration, objective: value, coefficients: unpack()))
    }

    static func makeReport(_ method: String, _ outcome: QuasiNewton.Outcome) -> SolverReport {
        SolverReport(method: method, iterations: outcome.iterations, converged: outcome.converged,
                     objective: outcome.objective, history: outcome.history, stoppedByMonitor: outcome.stoppedByMonitor)
    }

    static func smoothLoss(_ loss: LinearLoss) -> SmoothObjective.Loss {
        switch loss {
        case .squared: return .squared
        case .logistic: return .logistic
        case .huber(let delta): return .huber(delta)
        case .epsilonInsensitiveSquared(let eps): return .epsilonInsensitiveSquared(eps)
        case .softmax(let k): return .softmax(k)
        case .absolute, .quantile, .epsilonInsensitiveAbsolute, .hinge:
            preconditionFailure("\(loss) is not smooth")
        }
    }

    private static func validate(_ problem: LinearProblem, loss: LinearLoss) throws(OptmlError) {
        try validate(labels: problem.labels, weights: problem.weights, totalWeight: problem.totalWeight, loss: loss)
    }

    static func validate(labels: [Double], weights: [Double]?, totalWeight: Double, loss: LinearLoss) throws(OptmlError) {
        let n = labels.count
        guard n > 0 else { throw OptmlError.user("cannot fit a linear model on zero rows") }
        if let weights {
            for (i, s) in weights.enumerated() where !(s >= 0 && s.isFinite) {
                throw OptmlError.user("example \(i) has weight \(s); weights must be finite and non-negative")
            }
            guard totalWeight > 0 else {
                throw OptmlError.user("all \(n) example weights are zero; at least one example needs a positive weight")
            }
        }
        for (i, y) in labels.enumerated() where !y.isFinite {
            throw OptmlError.user("example \(i) has label \(y); labels must be finite")
        }
        if case .softmax(let k) = loss {
            guard k >= 2 else { throw OptmlError.user("softmax needs at least 2 classes, got \(k)") }
            for (i, y) in labels.enumerated() where !(y >= 0 && y < Double(k) && y == y.rounded()) {
                throw OptmlError.user("example \(i) has label \(y); softmax with \(k) classes needs integer labels 0 … \(k - 1)")
            }
        }
    }
}

/// Calls `body` with the array's base address, or nil for a nil array.
func withOptionalBuffer<R>(
    _ array: [Double]?, _ body: (UnsafePointer<Double>?) throws(OptmlError) -> R
) throws(OptmlError) -> R {
    guard let array else { return try body(nil) }
    return try array.withUnsafeBufferPointer { buffer throws(OptmlError) in try body(buffer.baseAddress) }
}
