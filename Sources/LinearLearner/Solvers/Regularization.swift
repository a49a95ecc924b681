/// The penalty terms of the objective every Linear Learner solver minimizes.
///
/// For coefficients `W` (outputs × d) and intercepts `b` the objective is
///
///     F(W, b) = (1/S) Σ_i s_i ℓ(x_i·Wᵀ + b, y_i)
///             + (l2/2) (‖W‖² + interceptL2Multiplier · ‖b‖²)
///             + l1 ‖W‖₁,                                        S = Σ_i s_i
///
/// so `l2` and `l1` are per-example-average strengths (scikit-learn's `C = 1 / (l2 · n)` for
/// unweighted data). The intercept is never L1-penalized.
public struct Regularization: Sendable, Equatable {
    /// Ridge strength (≥ 0) on the weights.
    public var l2: Double
    /// Lasso strength (≥ 0) on the weights.
    public var l1: Double
    /// Fraction of `l2` applied to the intercepts (0 = unpenalized intercept).
    public var interceptL2Multiplier: Double

    public init(l2: Double = 0, l1: Double = 0, interceptL2Multiplier: Double = 0) {
        precondition(l2 >= 0 && l1 >= 0 && interceptL2Multiplier >= 0, "regularization strengths must be non-negative")
        self.l2 = l2
        self.l1 = l1
        self.interceptL2Multiplier = interceptL2Multiplier
    }

    /// `(l2/2)(‖W‖² + m‖b‖²) + l1‖W‖₁` for the given coefficients.
    public func penalty(_ coefficients: LinearCoefficients) -> Double {
        var squares = 0.0
        var absolutes = 0.0
        for w in coefficients.weights.storage {
            squares += w * w
            absolutes += abs(w)
        }
        var interceptSquares = 0.0
        for b in coefficients.intercepts { interceptSquares += b * b }
        return 0.5 * l2 * (squares + interceptL2Multiplier * interceptSquares) + l1 * absolutes
    }
}
