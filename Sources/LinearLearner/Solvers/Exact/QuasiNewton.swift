import LinearAlgebra
import MLCore

/// A smooth objective over a flat parameter vector with its gradient, evaluated in one data pass:
/// `SmoothObjective` over dense rows, `SparseSmoothObjective` over CSR rows.
protocol DifferentiableObjective: AnyObject {
    /// Length of θ.
    var parameterCount: Int { get }
    /// `F(θ)` with `∇F(θ)` written to `gradient` (`parameterCount` values).
    func evaluate(_ theta: UnsafePointer<Double>, gradient: UnsafeMutablePointer<Double>) -> Double
}

extension SmoothObjective: DifferentiableObjective {
    func evaluate(_ theta: UnsafePointer<Double>, gradient: UnsafeMutablePointer<Double>) -> Double {
        evaluate(theta, gradient: gradient, curvature: nil)
    }
}

/// Limited-memory quasi-Newton minimization of a `DifferentiableObjective`: L-BFGS with a strong-Wolfe line
/// search, or OWL-QN (orthant-wise L-BFGS, Andrew & Gao 2007) when an L1 term is present.
///
/// Memory: `historySize` pairs `(s, y)` of `parameterCount` values each. Each iteration costs one
/// data pass in the common case (the line search accepts the first step).
struct QuasiNewton {
    struct Outcome {
        var theta: [Double]
        var objective: Double
        var iterations: Int
        var converged: Bool
        var stoppedByMonitor: Bool
        var history: [Double]
        /// The curvature pairs at the end (L-BFGS without L1), to start a related solve with.
        var memory: CurvatureMemory? = nil
    }

    let objective: any DifferentiableObjective
    /// L1 strength applied to the first `penalizedCount` parameters (the weights, not intercepts).
    let l1: Double
    let penalizedCount: Int
    let maxIterations: Int
    let tolerance: Double
    let historySize: Int

    /// Minimizes from `start`; `report(iteration, F, θ)` is called after every iteration and stops
    /// the solver by returning false.
    ///
    /// Convergence: `‖∇F‖∞ ≤ tolerance · max(1, |F|)` (the pseudo-gradient for OWL-QN), or an
    /// objective that no longer changes in floating point (relative change ≤ 64 ε). Throws
    /// `OptmlError.algorithm` when the objective is not finite at the start.
    ///
    /// `curvature`, when given (L-BFGS only), seeds the memory with pairs from a related objective,
    /// such as the same loss on a sample of the rows (`ExactSolver`'s warm start): the first
    /// directions are then quasi-Newton ones instead of steepest descent. Pairs that stop giving
    /// descent are dropped as stale ones are.
    func minimize(from start: [Double], curvature: CurvatureMemory? = nil,
                  report: (Int, Double, [Double]) -> Bool) throws(OptmlError) -> Outcome {
        let p = objective.parameterCount
        var theta = start
        var gradient = [Double](repeating: 0, count: p)
        var trialTheta = [Double](repeating: 0, count: p)
        var trialGradient = [Double](repeating: 0, count: p)
        var direction = [Double](repeating: 0, count: p)
        var steepest = [Double](repeating: 0, count: p)  // ∇F, or the pseudo-gradient under L1
        var memory = CurvatureMemory(size: historySize, dimension: p)
        if l1 == 0, let curvature { memory = curvature }

        var value = evaluate(theta, into: &gradient) + l1Norm(theta)
        guard value.isFinite else {
            throw OptmlError.algorithm(
                "the objective is not finite at the starting point: the features or labels contain NaN or infinite values, or are too large (normalize the data)")
        }
        var history: [Double] = []
        var iteration = 0
        var converged = false
        var stopped = false
        steepestDirection(theta: theta, gradient: gradient, into: &steepest)
        if infinityNorm(steepest) <= tolerance * max(1, abs(value)) { converged = true }

        while !converged && iteration < maxIterations {
            iteration += 1
            // d = −H·(pseudo-)gradient by the two-loop recursion.
            for j in 0 ..< p { direction[j] = -steepest[j] }
            memory.applyInverseHessian(to: &direction)
            if l1 > 0 {
                // OWL-QN: keep only components that agree in sign with the steepest descent.
                for j in 0 ..< penalizedCount where direction[j] * steepest[j] >= 0 { direction[j] = 0 }
            }
            var slope = BLAS.dot(direction, steepest)
            if !(slope < 0) {
                // Not a descent direction (stale curvature pairs): restart from steepest descent.
                memory.clear()
                for j in 0 ..< p { direction[j] = -steepest[j] }
                slope = BLAS.dot(direction, steepest)
                if !(slope < 0) { converged = true; break }
            }
            // First step (and after a restart): a unit move in Euclidean norm, `1/‖d‖₂`, as L-BFGS-B
            // takes it. (Capping the step at 1 instead made the first moves of a problem with
            // small gradients, such as a wide sparse one, tiny; the line search then accepted a
            // short step and the curvature pairs started badly.)
            let initialStep = memory.isEmpty ? 1 / max(BLAS.dot(direction, direction).squareRoot(), 1e-300) : 1

            let accepted: Bool
            let newValue: Double
            if l1 > 0 {
                (accepted, newValue) = orthantWiseStep(
                    theta: theta, value: value, steepest: steepest, direction: direction, initialStep: initialStep,
                    trialTheta: &trialTheta, trialGradient: &trialGradient)
            } else {
                (accepted, newValue) = wolfeStep(
                    theta: theta, value: value, slope: slope, direction: direction, initialStep: initialStep,
                    trialTheta: &trialTheta, trialGradient: &trialGradient)
            }
            if !accepted {
                if memory.isEmpty {
                    // Even steepest descent makes no progress: we are at the floating-point optimum.
                    converged = infinityNorm(steepest) <= tolerance.squareRoot() * max(1, abs(value))
                    break
                }
                memory.clear()
                iteration -= 1
                continue
            }
            // Curvature pair from the smooth gradients (the L1 term has no curvature).
            memory.push(s: zip(trialTheta, theta).map { $0 - $1 }, y: zip(trialGradient, gradient).map { $0 - $1 })
            swap(&theta, &trialTheta)
            swap(&gradient, &trialGradient)
            let previous = value
            value = newValue
            history.append(value)
            steepestDirection(theta: theta, gradient: gradient, into: &steepest)
            if !report(iteration, value, theta) { stopped = true; break }
            if infinityNorm(steepest) <= tolerance * max(1, abs(value))
                || abs(previous - value) <= 64 * Double.ulpOfOne * max(1, abs(value)) {
                converged = true
            }
        }
        return Outcome(theta: theta, objective: value, iterations: iteration, converged: converged, stoppedByMonitor: stopped, history: history,
                       memory: l1 == 0 ? memory : nil)
    }

    private func evaluate(_ theta: [Double], into gradient: inout [Double]) -> Double {
        theta.withUnsafeBufferPointer { t in
            gradient.withUnsafeMutableBufferPointer { g in objective.evaluate(t.baseAddress!, gradient: g.baseAddress!) }
        }
    }

    private func l1Norm(_ theta: [Double]) -> Double {
        guard l1 > 0 else { return 0 }
        var sum = 0.0
        for j in 0 ..< penalizedCount { sum += abs(theta[j]) }
        return l1 * sum
    }

    /// The gradient, or under L1 the pseudo-gradient: the minimum-norm subgradient of F.
    private func steepestDirection(theta: [Double], gradient: [Double], into out: inout [Double]) {
        for j in 0 ..< gradient.count {
            let g = gradient[j]
            guard l1 > 0, j < penalizedCount else { out[j] = g; continue }
            let w = theta[j]
            if w > 0 {
                out[j] = g + l1
            } else if w < 0 {
                out[j] = g - l1
            } else if g + l1 < 0 {
                out[j] = g + l1
            } else if g - l1 > 0 {
                out[j] = g - l1
            } else {
                out[j] = 0
            }
        }
    }

    /// L-BFGS step: strong-Wolfe line search along `direction`; leaves the accepted point and its
    /// gradient in the trial buffers.
    private func wolfeStep(
        theta: [Double], value: Double, slope: Double, direction: [Double], initialStep: Double,
        trialTheta: inout [Double], trialGradient: inout [Double]
    ) -> (Bool, Double) {
        let p = theta.count
        let result = WolfeLineSearch().search(initialStep: initialStep, f0: value, slope0: slope) { step in
            for j in 0 ..< p { trialTheta[j] = theta[j] + step * direction[j] }
            let f = evaluate(trialTheta, into: &trialGradient)
            return (f, BLAS.dot(trialGradient, direction))
        }
        guard result.step > 0, result.value < value else { return (false, value) }
        if !result.lastEvaluated {
            for j in 0 ..< p { trialTheta[j] = theta[j] + result.step * direction[j] }
            _ = evaluate(trialTheta, into: &trialGradient)
        }
        return (true, result.value)
    }

    /// OWL-QN step: backtracking with projection onto the orthant of θ (or of −pseudo-gradient
    /// where θ_j = 0) and an Armijo test on the pseudo-gradient.
    private func orthantWiseStep(
        theta: [Double], value: Double, steepest: [Double], direction: [Double], initialStep: Double,
        trialTheta: inout [Double], trialGradient: inout [Double]
    ) -> (Bool, Double) {
        let p = theta.count
        var step = initialStep
        for _ in 0 ..< 40 {
            var decrease = 0.0
            for j in 0 ..< p {
                var t = theta[j] + step * direction[j]
                if j < penalizedCount {
                    let orthant = theta[j] != 0 ? theta[j] : -steepest[j]
                    if t * orthant <= 0 { t = 0 }
                }
                trialTheta[j] = t
                decrease += steepest[j] * (t - theta[j])
            }
            let f = evaluate(trialTheta, into: &trialGradient) + l1Norm(trialTheta)
            if f.isFinite && f <= value + 1e-4 * decrease && f < value { return (true, f) }
            step *= 0.5
        }
        return (false, value)
    }

    private func infinityNorm(_ v: [Double]) -> Double {
        var m = 0.0
        for x in v { m = max(m, abs(x)) }
        return m
    }
}

/// The `(s, y)` pairs of L-BFGS in a ring buffer, applied by the two-loop recursion.
struct CurvatureMemory {
    private let size: Int
    private let dimension: Int
    private var s: [[Double]] = []
    private var y: [[Double]] = []
    private var rho: [Double] = []
    private var alpha: [Double]

    init(size: Int, dimension: Int) {
        self.size = max(1, size)
        self.dimension = dimension
        alpha = [Double](repeating: 0, count: max(1, size))
    }

    var isEmpty: Bool { s.isEmpty }

    mutating func clear() {
        s.removeAll(keepingCapacity: true)
        y.removeAll(keepingCapacity: true)
        rho.removeAll(keepingCapacity: true)
    }

    /// Adds a pair unless its curvature `sᵀy` is not safely positive (then the pair would break
    /// the positive definiteness of the implicit inverse Hessian).
    mutating func push(s newS: [Double], y newY: [Double]) {
        let sy = BLAS.dot(newS, newY)
        let yy = BLAS.dot(newY, newY)
        guard sy > 1e-12 * yy, sy > 0 else { return }
        if s.count == size {
            s.removeFirst()
            y.removeFirst()
            rho.removeFirst()
        }
        s.append(newS)
        y.append(newY)
        rho.append(1 / sy)
    }

    /// `v ← H·v` with the implicit inverse Hessian (initial scaling `sᵀy / yᵀy` of the newest pair).
    mutating func applyInverseHessian(to v: inout [Double]) {
        guard !s.isEmpty else { return }
        for i in stride(from: s.count - 1, through: 0, by: -1) {
            alpha[i] = rho[i] * BLAS.dot(s[i], v)
            BLAS.axpy(-alpha[i], y[i], &v)
        }
        let last = s.count - 1
        let gamma = 1 / (rho[last] * BLAS.dot(y[last], y[last]))
        for j in 0 ..< dimension { v[j] *= gamma }
        for i in 0 ..< s.count {
            let beta = rho[i] * BLAS.dot(y[i], v)
            BLAS.axpy(alpha[i] - beta, s[i], &v)
        }
    }
}
