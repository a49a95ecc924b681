import Foundation

/// One optimizer's state and its in-place update of `θ = [W, b]`, followed by the L1 proximal step.
///
/// The update rules are those of `StochasticOptimizer`. Intercepts use `η · biasMultiplier`. After
/// each update every weight (never an intercept) is soft-thresholded,
/// `w ← sign(w) · max(0, |w| − τ)`, the proximal step of `l1‖W‖₁` for the coordinate's effective
/// step size, so that weights the data does not support become exactly 0:
///
/// - `sgd`: `τ = η·l1 / (1 − μ)`. A heavy-ball step moves a coordinate with a steady gradient by
///   `η·g / (1 − μ)`; scaling the threshold the same way makes the fixed points the L1 optimum's
///   (`0 ∈ g + l1·∂|w|`) instead of one with `l1` shrunk by `1 − μ`.
/// - `adam`: `τ = η·l1 / (√v̂ + ε)`, `rmsprop`: `τ = η·l1 / (√v + ε)`: the proximal step in the
///   diagonal metric the preconditioner uses (as in proximal AdaGrad/Adam), with the same
///   fixed-point property.
struct StochasticUpdateRule {
    let optimizer: StochasticOptimizer
    let momentum: Double
    let beta1: Double
    let beta2: Double
    let epsilon: Double
    let biasMultiplier: Double
    let l1: Double
    /// Entries `0 ..< weightCount` of `θ` are weights (L1-penalized).
    let weightCount: Int
    /// Entries `weightCount ..< parameterCount` are the intercepts that are updated (none without one).
    let parameterCount: Int
    /// Momentum velocity (`sgd`) or first moment (`adam`); unused by `rmsprop`.
    private var first: [Double]
    /// Second moment (`adam`, `rmsprop`); unused by `sgd`.
    private var second: [Double]
    /// Updates applied so far.
    private(set) var updates = 0

    init(options: StochasticSolverOptions, l1: Double, weightCount: Int, interceptCount: Int) {
        optimizer = options.optimizer
        momentum = options.momentum
        beta1 = options.beta1
        beta2 = options.beta2
        epsilon = options.epsilon
        biasMultiplier = options.biasLearningRateMultiplier
        self.l1 = l1
        self.weightCount = weightCount
        parameterCount = weightCount + interceptCount
        first = [Double](repeating: 0, count: optimizer == .rmsprop ? 0 : parameterCount)
        second = [Double](repeating: 0, count: optimizer == .sgd ? 0 : parameterCount)
    }

    /// Applies one update with learning rate `rate` and gradient `gradient` (same layout as `theta`).
    mutating func apply(rate: Double, gradient: UnsafeBufferPointer<Double>, to theta: UnsafeMutableBufferPointer<Double>) {
        updates += 1
        let g = gradient.baseAddress!
        let p = theta.baseAddress!
        // Locals, so the closures below do not capture `self` while a moment buffer is borrowed.
        let weightCount = weightCount, parameterCount = parameterCount
        let biasMultiplier = biasMultiplier, l1 = l1
        switch optimizer {
        case .sgd:
            let mu = momentum
            first.withUnsafeMutableBufferPointer { velocity in
                let v = velocity.baseAddress!
                // The threshold follows the stationary heavy-ball step η/(1 − μ); see the type.
                let threshold = rate * l1 / (1 - mu)
                for j in 0 ..< weightCount {
                    v[j] = mu * v[j] + g[j]
                    p[j] = softThreshold(p[j] - rate * v[j], threshold)
                }
                let biasRate = rate * biasMultiplier
                for j in weightCount ..< parameterCount {
                    v[j] = mu * v[j] + g[j]
                    p[j] -= biasRate * v[j]
                }
            }
        case .adam:
            let b1 = beta1, b2 = beta2, eps = epsilon
            let t = Double(updates)
            let firstCorrection = 1 - pow(b1, t)
            let secondCorrection = 1 - pow(b2, t)
            first.withUnsafeMutableBufferPointer { mBuffer in
                second.withUnsafeMutableBufferPointer { vBuffer in
                    let m = mBuffer.baseAddress!, v = vBuffer.baseAddress!
                    // Weights (rate η, proximal L1) then intercepts (rate η·bias_lr_mult, no L1): two
                    // loops so neither carries a per-coordinate branch.
                    for j in 0 ..< weightCount {
                        m[j] = b1 * m[j] + (1 - b1) * g[j]
                        v[j] = b2 * v[j] + (1 - b2) * g[j] * g[j]
                        let step = rate / ((v[j] / secondCorrection).squareRoot() + eps)
                        p[j] = softThreshold(p[j] - step * (m[j] / firstCorrection), step * l1)
                    }
                    let biasRate = rate * biasMultiplier
                    for j in weightCount ..< parameterCount {
                        m[j] = b1 * m[j] + (1 - b1) * g[j]
                        v[j] = b2 * v[j] + (1 - b2) * g[j] * g[j]
                        p[j] -= biasRate / ((v[j] / secondCorrection).squareRoot() + eps) * (m[j] / firstCorrection)
                    }
                }
            }
        case .rmsprop:
            let rho = beta2, eps = epsilon
            second.withUnsafeMutableBufferPointer { vBuffer in
                let v = vBuffer.baseAddress!
                for j in 0 ..< weightCount {
                    v[j] = rho * v[j] + (1 - rho) * g[j] * g[j]
                    let step = rate / (v[j].squareRoot() + eps)
                    p[j] = softThreshold(p[j] - step * g[j], step * l1)
                }
                let biasRate = rate * biasMultiplier
                for j in weightCount ..< parameterCount {
                    v[j] = rho * v[j] + (1 - rho) * g[j] * g[j]
                    p[j] -= biasRate / (v[j].squareRoot() + eps) * g[j]
                }
            }
        }
    }
}

/// `sign(w) · max(0, |w| − τ)`: the proximal map of `τ|w|`; returns exactly 0 inside `[−τ, τ]`
/// and passes NaN through, so a diverging run is still detected.
@inline(__always)
private func softThreshold(_ w: Double, _ threshold: Double) -> Double {
    if w > threshold { return w - threshold }
    if w < -threshold { return w + threshold }
    return w.isNaN ? w : 0
}
