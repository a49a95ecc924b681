import Foundation

/// A single-output loss specialised for the data-pass kernels: value, derivative and curvature of
/// `ℓ(p, y)` with respect to the raw output `p`, computed together so shared work (one `exp` for
/// logistic) is done once per row.
///
/// The passes are generic over this protocol so each loss gets its own specialised loop instead of
/// a `switch` per row.
protocol ScalarLossKernel {
    /// `(ℓ(p, y), ∂ℓ/∂p)`.
    func valueAndDerivative(_ p: Double, _ y: Double) -> (Double, Double)
    /// `(ℓ(p, y), ∂ℓ/∂p, ∂²ℓ/∂p²)`.
    func valueDerivativeCurvature(_ p: Double, _ y: Double) -> (Double, Double, Double)
}

struct SquaredKernel: ScalarLossKernel {
    @inline(__always) func valueAndDerivative(_ p: Double, _ y: Double) -> (Double, Double) {
        let r = p - y
        return (0.5 * r * r, r)
    }
    @inline(__always) func valueDerivativeCurvature(_ p: Double, _ y: Double) -> (Double, Double, Double) {
        let r = p - y
        return (0.5 * r * r, r, 1)
    }
}

struct LogisticKernel: ScalarLossKernel {
    @inline(__always) func valueAndDerivative(_ p: Double, _ y: Double) -> (Double, Double) {
        let v = valueDerivativeCurvature(p, y)
        return (v.0, v.1)
    }
    @inline(__always) func valueDerivativeCurvature(_ p: Double, _ y: Double) -> (Double, Double, Double) {
        // With s = ±1 and z = s·p: ℓ = log(1 + e^{−z}), ℓ' = −s·σ(−z), ℓ'' = σ(z)σ(−z).
        // One exp of −|z| serves all three without overflow.
        let s: Double = y > 0.5 ? 1 : -1
        let z = s * p
        let e = exp(-abs(z))
        // log(1 + e) rather than log1p(e): e ≤ 1, so rounding 1 + e costs at most 1.1e-16 in
        // absolute terms — the ulp of a typical row's loss — and glibc's log is several times
        // faster than its log1p, which was the most expensive instruction of the data pass.
        let value = max(-z, 0) + log(1 + e)
        let sigmaMinusZ = z >= 0 ? e / (1 + e) : 1 / (1 + e)
        return (value, -s * sigmaMinusZ, sigmaMinusZ * (1 - sigmaMinusZ))
    }
}

struct HuberKernel: ScalarLossKernel {
    let delta: Double
    @inline(__always) func valueAndDerivative(_ p: Double, _ y: Double) -> (Double, Double) {
        let v = valueDerivativeCurvature(p, y)
        return (v.0, v.1)
    }
    @inline(__always) func valueDerivativeCurvature(_ p: Double, _ y: Double) -> (Double, Double, Double) {
        let r = p - y
        let a = abs(r)
        if a <= delta { return (0.5 * r * r, r, 1) }
        return (delta * (a - 0.5 * delta), r > 0 ? delta : -delta, 0)
    }
}

struct EpsilonInsensitiveSquaredKernel: ScalarLossKernel {
    let epsilon: Double
    @inline(__always) func valueAndDerivative(_ p: Double, _ y: Double) -> (Double, Double) {
        let v = valueDerivativeCurvature(p, y)
        return (v.0, v.1)
    }
    @inline(__always) func valueDerivativeCurvature(_ p: Double, _ y: Double) -> (Double, Double, Double) {
        let r = p - y
        let e = abs(r) - epsilon
        if e <= 0 { return (0, 0, 0) }
        return (0.5 * e * e, r > 0 ? e : -e, 1)
    }
}
