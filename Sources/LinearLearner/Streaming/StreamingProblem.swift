import Foundation
import LinearAlgebra
import MLCore

/// One fit of a `StreamingDesign`: the design with the labels and weights of this solve.
struct StreamingProblem {
    let design: StreamingDesign
    let labels: [Double]
    let weights: [Double]?
    let fitIntercept: Bool
    let totalWeight: Double
    private let failure = FailureBox()

    init(design: StreamingDesign, labels: [Double], weights: [Double]?, fitIntercept: Bool, totalWeight: Double) {
        self.design = design
        self.labels = labels
        self.weights = weights
        self.fitIntercept = fitIntercept
        self.totalWeight = totalWeight
    }

    func checkFailure() throws {
        if let error = failure.error { throw error }
    }

    private var d: Int { design.featureCount }

    private func coefficients(_ theta: [Double], outputs k: Int) -> LinearCoefficients {
        ExactSolver.unpack(theta, outputs: k, features: d, intercept: fitIntercept)
    }

    // MARK: - Normal equations

    /// Squared loss: `Zᵀ S Z` and `Zᵀ S y` summed over the blocks (`WeightedGram` per block, one
    /// pass), then the normal equations' d × d solve, as `NormalEquations` does on dense rows.
    func normalEquations(regularization: Regularization, options: ExactSolverOptions,
                         monitor: SolverMonitor?) throws -> (LinearCoefficients, SolverReport) {
        let n = design.count, features = d
        var labelSquares = 0.0
        // u = s ∘ y, the linear weights of Zᵀ S y.
        let linearWeights: [Double]
        if let weights {
            linearWeights = (0 ..< n).map { weights[$0] * labels[$0] }
            for i in 0 ..< n { labelSquares += linearWeights[i] * labels[i] }
        } else {
            linearWeights = labels
            for i in 0 ..< n { labelSquares += labels[i] * labels[i] }
        }
        let dz = fitIntercept ? features + 1 : features
        var gram = [Double](repeating: 0, count: dz * dz)
        var linear = [Double](repeating: 0, count: dz)
        try design.forEachBlock { first, block in
            let part = block.features.storage.withUnsafeBufferPointer { x in
                linearWeights.withUnsafeBufferPointer { u in
                    withOptionalPointer(weights) { s in
                        WeightedGram(x: x.baseAddress ?? u.baseAddress!, rows: block.count, columns: features, intercept: fitIntercept,
                                     rowWeights: s.map { $0 + first }, linearWeights: u.baseAddress! + first, threads: options.threads)
                    }
                }
            }
            for i in 0 ..< dz * dz { gram[i] += part.gram[i] }
            for i in 0 ..< dz { linear[i] += part.linear[i] }
        }
        let outcome = try NormalEquations.solve(gram: gram, linear: linear, dimension: dz, labelSquares: labelSquares,
                                                 totalWeight: totalWeight, features: features, regularization: regularization,
                                                 tolerance: options.tolerance, maxIterations: options.maxIterations)
        let (theta, objective, method) = (outcome.theta, outcome.objective, outcome.method)
        let result = coefficients(theta, outputs: 1)
        let stopped = !ExactSolver.report(to: monitor, 1, objective, unpack: { result })
        return (result, SolverReport(method: method, iterations: outcome.iterations, converged: true, objective: objective,
                                     history: [objective], stoppedByMonitor: stopped))
    }

    // MARK: - Quasi-Newton

    /// Smooth losses: L-BFGS (OWL-QN with L1) with one pass over the blocks per evaluation, from
    /// the minimizer on the first block (without L1, when that block has at least `20 ×` as many
    /// rows as parameters; the full-data method still runs to the tolerance).
    func quasiNewton(loss: LinearLoss, regularization: Regularization, options: ExactSolverOptions,
                     monitor: SolverMonitor?) throws -> (LinearCoefficients, SolverReport) {
        let k = loss.outputs
        let smooth = ExactSolver.smoothLoss(loss)
        let objective = StreamingObjective(problem: self, loss: smooth, outputs: k, regularization: regularization,
                                           threads: options.threads, failure: failure)
        let start = try warmStart(loss: smooth, outputs: k, regularization: regularization, options: options)
            ?? [Double](repeating: 0, count: objective.parameterCount)
        let outcome = try QuasiNewton(
            objective: objective, l1: regularization.l1, penalizedCount: k * d,
            maxIterations: options.maxIterations, tolerance: options.tolerance, historySize: options.historySize
        ).minimize(from: start) { iteration, value, theta in
            ExactSolver.report(to: monitor, iteration, value, unpack: { coefficients(theta, outputs: k) })
        }
        try checkFailure()
        return (coefficients(outcome.theta, outputs: k),
                ExactSolver.makeReport(regularization.l1 > 0 ? "owlqn" : "lbfgs", outcome))
    }

    /// The minimizer of the same objective on the first block alone, or nil (L1, a small block,
    /// a failed solve).
    private func warmStart(loss: SmoothObjective.Loss, outputs k: Int, regularization: Regularization,
                           options: ExactSolverOptions) throws -> [Double]? {
        guard regularization.l1 == 0, options.warmStartStride > 1 else { return nil }
        let parameters = k * d + (fitIntercept ? k : 0)
        var start: [Double]?
        struct FirstBlockDone: Error {}
        do {
            try design.forEachBlock { first, block in
                let m = block.count
                guard m >= 1_000, m >= 20 * parameters, m < design.count else { throw FirstBlockDone() }
                let total = weights.map { $0[0 ..< m].reduce(0, +) } ?? Double(m)
                guard total > 0 else { throw FirstBlockDone() }
                start = block.features.storage.withUnsafeBufferPointer { x in
                    labels.withUnsafeBufferPointer { y in
                        withOptionalPointer(weights) { s in
                            let sample = SmoothObjective(
                                x: x.baseAddress!, labels: y.baseAddress!, weights: s, rows: m, features: d, intercept: fitIntercept,
                                loss: loss, regularization: regularization, totalWeight: total, threads: options.threads)
                            let outcome = try? QuasiNewton(
                                objective: sample, l1: 0, penalizedCount: k * d, maxIterations: options.maxIterations,
                                tolerance: max(options.tolerance, 1e-5), historySize: options.historySize
                            ).minimize(from: [Double](repeating: 0, count: parameters)) { _, _, _ in true }
                            return outcome.flatMap { $0.objective.isFinite ? $0.theta : nil }
                        }
                    }
                }
                throw FirstBlockDone()
            }
        } catch is FirstBlockDone {}
        return start
    }
}

/// The smooth objective over a streamed design: each evaluation is one pass, a `SmoothObjective`
/// (without the ridge, which is added once) per block, its loss and gradient summed.
final class StreamingObjective: DifferentiableObjective {
    let problem: StreamingProblem
    let loss: SmoothObjective.Loss
    let outputs: Int
    let l2: Double
    let interceptL2: Double
    let threads: Int
    let parameterCount: Int
    let failure: FailureBox
    private var blockGradient: [Double]

    init(problem: StreamingProblem, loss: SmoothObjective.Loss, outputs: Int, regularization: Regularization, threads: Int,
         failure: FailureBox) {
        self.problem = problem
        self.loss = loss
        self.outputs = outputs
        l2 = regularization.l2
        interceptL2 = regularization.l2 * regularization.interceptL2Multiplier
        self.threads = threads
        self.failure = failure
        parameterCount = outputs * problem.design.featureCount + (problem.fitIntercept ? outputs : 0)
        blockGradient = [Double](repeating: 0, count: parameterCount)
    }

    func evaluate(_ theta: UnsafePointer<Double>, gradient: UnsafeMutablePointer<Double>) -> Double {
        let p = parameterCount, d = problem.design.featureCount
        for i in 0 ..< p { gradient[i] = 0 }
        guard failure.error == nil else { return .nan }
        var value = 0.0
        do {
            try problem.design.forEachBlock { first, block in
                let m = block.count
                let part = block.features.storage.withUnsafeBufferPointer { x in
                    problem.labels.withUnsafeBufferPointer { y in
                        withOptionalPointer(problem.weights) { s in
                            blockGradient.withUnsafeMutableBufferPointer { g in
                                // Zero regularization per block: the value is Σ_block s ℓ / S.
                                SmoothObjective(
                                    x: x.baseAddress!, labels: y.baseAddress! + first, weights: s.map { $0 + first }, rows: m,
                                    features: d, intercept: problem.fitIntercept, loss: loss, regularization: Regularization(),
                                    totalWeight: problem.totalWeight, threads: threads
                                ).evaluate(theta, gradient: g.baseAddress!, curvature: nil)
                            }
                        }
                    }
                }
                value += part
                blockGradient.withUnsafeBufferPointer { g in BLAS.axpy(p, 1, g.baseAddress!, gradient) }
            }
        } catch {
            failure.record(error)
            return .nan
        }
        let weightCount = outputs * d
        var squares = 0.0
        for j in 0 ..< weightCount {
            squares += theta[j] * theta[j]
            gradient[j] += l2 * theta[j]
        }
        var interceptSquares = 0.0
        if problem.fitIntercept {
            for c in 0 ..< outputs {
                let b = theta[weightCount + c]
                interceptSquares += b * b
                gradient[weightCount + c] += interceptL2 * b
            }
        }
        return value + 0.5 * (l2 * squares + interceptL2 * interceptSquares)
    }
}

/// Calls `body` with the array's base address, or nil for a nil array.
private func withOptionalPointer<R>(_ array: [Double]?, _ body: (UnsafePointer<Double>?) throws -> R) rethrows -> R {
    guard let array else { return try body(nil) }
    return try array.withUnsafeBufferPointer { try body($0.baseAddress) }
}
