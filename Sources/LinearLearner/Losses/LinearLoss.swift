import Foundation

/// A per-example loss of a linear model, as Linear Learner's `loss` hyperparameter names them.
///
/// For single-output losses the model's raw output is `p = x·w + b`. Binary labels are 0/1; the
/// margin losses use `s = 2y − 1 ∈ {−1, +1}`. `softmax` is the multi-output cross entropy and is
/// evaluated by the solvers directly on the output vector.
public enum LinearLoss: Sendable, Equatable, Codable {
    /// ½ (p − y)²
    case squared
    /// |p − y|
    case absolute
    /// ½ r² for |r| ≤ δ, δ(|r| − ½δ) beyond (r = p − y)
    case huber(delta: Double)
    /// ½ max(0, |r| − ε)²
    case epsilonInsensitiveSquared(epsilon: Double)
    /// max(0, |r| − ε)
    case epsilonInsensitiveAbsolute(epsilon: Double)
    /// Pinball loss: τ·r⁺ + (1 − τ)·r⁻ with r = y − p
    case quantile(tau: Double)
    /// log(1 + exp(−s·p)), the binary cross entropy of sigmoid(p)
    case logistic
    /// max(0, m − s·p)
    case hinge(margin: Double)
    /// −log softmax(p)_y over `classes` outputs
    case softmax(classes: Int)

    /// Whether the loss has a continuous first derivative everywhere (quasi-Newton friendly).
    public var isSmooth: Bool {
        switch self {
        case .squared, .huber, .epsilonInsensitiveSquared, .logistic, .softmax: return true
        case .absolute, .epsilonInsensitiveAbsolute, .quantile, .hinge: return false
        }
    }

    /// Number of model outputs (1, or the class count for softmax).
    public var outputs: Int {
        if case .softmax(let k) = self { return k }
        return 1
    }

    /// Loss of one single-output example. Not defined for `softmax`.
    @inlinable public func value(prediction p: Double, label y: Double) -> Double {
        switch self {
        case .squared:
            let r = p - y
            return 0.5 * r * r
        case .absolute:
            return abs(p - y)
        case .huber(let delta):
            let a = abs(p - y)
            return a <= delta ? 0.5 * a * a : delta * (a - 0.5 * delta)
        case .epsilonInsensitiveSquared(let eps):
            let e = max(0, abs(p - y) - eps)
            return 0.5 * e * e
        case .epsilonInsensitiveAbsolute(let eps):
            return max(0, abs(p - y) - eps)
        case .quantile(let tau):
            let r = y - p
            return r >= 0 ? tau * r : (tau - 1) * r
        case .logistic:
            let z = (y > 0.5 ? 1.0 : -1.0) * p
            // log(1 + e^{-z}) computed without overflow.
            return z > 0 ? log1p(exp(-z)) : -z + log1p(exp(z))
        case .hinge(let margin):
            return max(0, margin - (y > 0.5 ? 1.0 : -1.0) * p)
        case .softmax:
            preconditionFailure("softmax is a multi-output loss")
        }
    }

    /// d loss / d p for one single-output example (a subgradient where the loss has a kink).
    @inlinable public func derivative(prediction p: Double, label y: Double) -> Double {
        switch self {
        case .squared:
            return p - y
        case .absolute:
            let r = p - y
            return r > 0 ? 1 : (r < 0 ? -1 : 0)
        case .huber(let delta):
            let r = p - y
            return abs(r) <= delta ? r : (r > 0 ? delta : -delta)
        case .epsilonInsensitiveSquared(let eps):
            let r = p - y
            let e = abs(r) - eps
            return e <= 0 ? 0 : (r > 0 ? e : -e)
        case .epsilonInsensitiveAbsolute(let eps):
            let r = p - y
            return abs(r) <= eps ? 0 : (r > 0 ? 1 : -1)
        case .quantile(let tau):
            let r = y - p
            return r > 0 ? -tau : (r < 0 ? 1 - tau : 0)
        case .logistic:
            let s = y > 0.5 ? 1.0 : -1.0
            // −s · sigmoid(−s·p)
            return -s / (1 + exp(s * p))
        case .hinge(let margin):
            let s = y > 0.5 ? 1.0 : -1.0
            return margin - s * p > 0 ? -s : 0
        case .softmax:
            preconditionFailure("softmax is a multi-output loss")
        }
    }

    /// d² loss / d p² (0 where the loss is piecewise linear; used by Newton and IRLS-style solvers).
    @inlinable public func secondDerivative(prediction p: Double, label y: Double) -> Double {
        switch self {
        case .squared:
            return 1
        case .huber(let delta):
            return abs(p - y) <= delta ? 1 : 0
        case .epsilonInsensitiveSquared(let eps):
            return abs(p - y) > eps ? 1 : 0
        case .logistic:
            let q = 1 / (1 + exp(-p))
            return q * (1 - q)
        case .absolute, .epsilonInsensitiveAbsolute, .quantile, .hinge:
            return 0
        case .softmax:
            preconditionFailure("softmax is a multi-output loss")
        }
    }
}
