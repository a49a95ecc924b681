/// XGBoost's leaf weight and gain formulas under `lambda`, `alpha`, `max_delta_step`,
/// `min_child_weight` and monotone bounds.
///
/// For a node with gradient sum G and hessian sum H:
/// - weight w = −T(G) / (H + λ), where T is soft thresholding by α, clipped to ±max_delta_step
///   when that is set, 0 when H < min_child_weight, and clamped into the node's monotone bounds;
/// - gain = T(G)² / (H + λ) when neither max_delta_step nor monotone constraints are in play,
///   otherwise the loss reduction at the chosen weight, −(2·G·w + (H + λ)·w²);
/// - a split's loss change is gain(left) + gain(right) − gain(parent), and a split whose
///   children's weights break a monotone constraint is worth −∞.
struct SplitRules: Sendable {
    var lambda: Double
    var alpha: Double
    var maxDeltaStep: Double
    var minChildWeight: Double
    /// Whether any feature has a monotone constraint (switches to the weight-based gain).
    var constrained: Bool

    /// Smallest loss change a split must exceed (XGBoost's `kRtEps`).
    static let minimumLossChange = 1e-6

    @inline(__always) func thresholdL1(_ g: Double) -> Double {
        if g > alpha { return g - alpha }
        if g < -alpha { return g + alpha }
        return 0
    }

    /// The unconstrained weight.
    @inline(__always) func weight(_ g: Double, _ h: Double) -> Double {
        if h < minChildWeight || h <= 0 { return 0 }
        var w = -thresholdL1(g) / (h + lambda)
        if maxDeltaStep != 0 && abs(w) > maxDeltaStep { w = maxDeltaStep * (w < 0 ? -1 : 1) }
        return w
    }

    /// The weight clamped into `[lower, upper]`.
    @inline(__always) func weight(_ g: Double, _ h: Double, lower: Double, upper: Double) -> Double {
        let w = weight(g, h)
        return constrained ? min(max(w, lower), upper) : w
    }

    /// The gain of a node whose weight is `w`.
    @inline(__always) func gain(_ g: Double, _ h: Double, weight w: Double) -> Double {
        if h <= 0 { return 0 }
        if maxDeltaStep == 0 && !constrained {
            let t = thresholdL1(g)
            return t * t / (h + lambda)
        }
        return -(2 * g * w + (h + lambda) * w * w)
    }

    /// The gain of a node at its own (bounded) weight.
    @inline(__always) func gain(_ g: Double, _ h: Double, lower: Double, upper: Double) -> Double {
        gain(g, h, weight: weight(g, h, lower: lower, upper: upper))
    }

    /// The summed gain of two children, or −∞ when their weights break `monotone` (−1, 0, 1).
    @inline(__always) func splitGain(leftG: Double, leftH: Double, rightG: Double, rightH: Double,
                                     lower: Double, upper: Double, monotone: Int) -> Double {
        if !constrained && maxDeltaStep == 0 {
            let l = thresholdL1(leftG), r = thresholdL1(rightG)
            return (leftH > 0 ? l * l / (leftH + lambda) : 0) + (rightH > 0 ? r * r / (rightH + lambda) : 0)
        }
        let wl = weight(leftG, leftH, lower: lower, upper: upper)
        let wr = weight(rightG, rightH, lower: lower, upper: upper)
        let total = gain(leftG, leftH, weight: wl) + gain(rightG, rightH, weight: wr)
        if monotone > 0 && wl > wr { return -.infinity }
        if monotone < 0 && wl < wr { return -.infinity }
        return total
    }
}
