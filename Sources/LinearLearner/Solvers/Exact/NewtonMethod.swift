import LinearAlgebra
import MLCore

/// Newton's method for single-output smooth losses (logistic, Huber, ε-insensitive squared)
/// without L1, with a backtracking (Armijo) line search.
///
/// Each iteration makes one fused pass for `F`, `∇F` and the per-row curvature `s_i ℓ''(p_i)`,
/// then builds the Hessian `Zᵀ diag(s ℓ'') Z / S + ridge` with `dsyrk` (the same weighted Gram
/// as the normal equations) and solves it by Cholesky: O(n·d²) per iteration, so it is chosen for
/// small `d`, where it needs far fewer passes than L-BFGS. For the piecewise-quadratic losses it
/// is the semismooth Newton method. Returns nil when the Newton direction stops being a descent
/// direction (singular Hessian in a flat region), so the caller can continue with L-BFGS.
struct NewtonMethod {
    let objective: SmoothObjective
    let regularization: Regularization
    let totalWeight: Double
    let threads: Int
    let maxIterations: Int
    let tolerance: Double

    func minimize(from start: [Double], report: (Int, Double, [Double]) -> Bool) throws(OptmlError) -> (QuasiNewton.Outcome, complete: Bool) {
        let n = objective.rows
        let d = objective.features
        let p = objective.parameterCount
        var theta = start
        var gradient = [Double](repeating: 0, count: p)
        var trial = [Double](repeating: 0, count: p)
        var trialGradient = [Double](repeating: 0, count: p)
        var curvature = [Double](repeating: 0, count: n)
        var value = evaluate(theta, &gradient, &curvature)
        guard value.isFinite else {
            throw OptmlError.algorithm(
                "the objective is not finite at the starting point: the features or labels contain NaN or infinite values, or are too large (normalize the data)")
        }
        var history: [Double] = []
        var iteration = 0
        var converged = infinityNorm(gradient) <= tolerance * max(1, abs(value))
        var stopped = false
        var complete = true
        let inverseS = 1 / totalWeight
        while !converged && iteration < maxIterations {
            let hessian = curvature.withUnsafeBufferPointer { c in
                WeightedGram(x: objective.x, rows: n, columns: d, intercept: objective.intercept,
                             rowWeights: c.baseAddress!, linearWeights: nil, threads: threads,
                             singlePrecisionProducts: false)
            }
            var h = hessian.gram
            let dz = hessian.dimension
            for i in 0 ..< dz {
                for j in i ..< dz { h[i * dz + j] *= inverseS }
                h[i * dz + i] += i < d ? regularization.l2 : regularization.l2 * regularization.interceptL2Multiplier
            }
            let step = try QuadraticSolver.solve(hessian: h, rhs: gradient.map { -$0 }, n: dz)
            let direction = step.theta
            let slope = BLAS.dot(direction, gradient)
            guard slope < 0 else { complete = false; break }
            // Backtracking from the full Newton step; the last evaluation is the accepted point,
            // so `curvature` ends up describing it.
            var alpha = 1.0
            var accepted = false
            var newValue = value
            for _ in 0 ..< 30 {
                for j in 0 ..< p { trial[j] = theta[j] + alpha * direction[j] }
                newValue = evaluate(trial, &trialGradient, &curvature)
                if newValue.isFinite && newValue <= value + 1e-4 * alpha * slope {
                    accepted = true
                    break
                }
                alpha *= 0.5
            }
            guard accepted else { complete = false; break }
            iteration += 1
            let previous = value
            swap(&theta, &trial)
            swap(&gradient, &trialGradient)
            value = newValue
            history.append(value)
            if !report(iteration, value, theta) { stopped = true; break }
            if infinityNorm(gradient) <= tolerance * max(1, abs(value))
                || abs(previous - value) <= 64 * Double.ulpOfOne * max(1, abs(value)) {
                converged = true
            }
        }
        if !complete && !converged && !stopped {
            // The caller continues from θ with L-BFGS; the curvature buffer no longer matters.
            return (QuasiNewton.Outcome(theta: theta, objective: value, iterations: iteration, converged: false,
                                        stoppedByMonitor: false, history: history), false)
        }
        return (QuasiNewton.Outcome(theta: theta, objective: value, iterations: iteration, converged: converged,
                                    stoppedByMonitor: stopped, history: history), true)
    }

    private func evaluate(_ theta: [Double], _ gradient: inout [Double], _ curvature: inout [Double]) -> Double {
        theta.withUnsafeBufferPointer { t in
            gradient.withUnsafeMutableBufferPointer { g in
                curvature.withUnsafeMutableBufferPointer { c in
                    objective.evaluate(t.baseAddress!, gradient: g.baseAddress!, curvature: c.baseAddress!)
                }
            }
        }
    }

    private func infinityNorm(_ v: [Double]) -> Double {
        var m = 0.0
        for x in v { m = max(m, abs(x)) }
        return m
    }
}
