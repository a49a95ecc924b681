/// A line search for the strong Wolfe conditions (Nocedal & Wright, Algorithms 3.5 and 3.6) with
/// safeguarded cubic interpolation.
///
/// `phi(α)` returns `(f(θ + α·p), ∇f(θ + α·p)·p)`. The returned step satisfies
/// `f(α) ≤ f(0) + c1·α·f'(0)` and `|f'(α)| ≤ c2·|f'(0)|` unless `satisfied` is false (then it is
/// the best step found with sufficient decrease, or 0). `lastEvaluated` tells whether the final
/// call of `phi` was at the returned step, so the caller's trial buffers hold its gradient.
struct WolfeLineSearch {
    var c1 = 1e-4
    var c2 = 0.9
    var maxEvaluations = 25

    struct Result {
        var step: Double
        var value: Double
        var satisfied: Bool
        var lastEvaluated: Bool
    }

    func search(initialStep: Double, f0: Double, slope0: Double, phi: (Double) -> (Double, Double)) -> Result {
        var evaluations = 0
        var previousStep = 0.0
        var previousValue = f0
        var previousSlope = slope0
        var step = initialStep
        while evaluations < maxEvaluations {
            let (value, slope) = phi(step)
            evaluations += 1
            if !value.isFinite {
                // Overshot into overflow: shrink towards the last good step.
                step = previousStep + 0.1 * (step - previousStep)
                continue
            }
            if value > f0 + c1 * step * slope0 || (evaluations > 1 && value >= previousValue) {
                return zoom(low: (previousStep, previousValue, previousSlope), high: (step, value, slope),
                            f0: f0, slope0: slope0, evaluations: evaluations, phi: phi)
            }
            if abs(slope) <= -c2 * slope0 {
                return Result(step: step, value: value, satisfied: true, lastEvaluated: true)
            }
            if slope >= 0 {
                return zoom(low: (step, value, slope), high: (previousStep, previousValue, previousSlope),
                            f0: f0, slope0: slope0, evaluations: evaluations, phi: phi)
            }
            // Still descending with a steep slope: extrapolate (cubic step, kept within [2α, 10α]).
            let next = Self.cubicMinimizer(previousStep, previousValue, previousSlope, step, value, slope)
            previousStep = step
            previousValue = value
            previousSlope = slope
            step = next.map { min(max($0, 2 * step), 10 * step) } ?? 2 * step
        }
        return Result(step: previousStep, value: previousValue, satisfied: false, lastEvaluated: false)
    }

    private func zoom(
        low lowIn: (Double, Double, Double), high highIn: (Double, Double, Double),
        f0: Double, slope0: Double, evaluations start: Int, phi: (Double) -> (Double, Double)
    ) -> Result {
        var low = lowIn
        var high = highIn
        var evaluations = start
        while evaluations < maxEvaluations {
            let lo = min(low.0, high.0)
            let hi = max(low.0, high.0)
            let width = hi - lo
            if width <= 1e-14 * max(1, hi) { break }
            var trial = Self.cubicMinimizer(low.0, low.1, low.2, high.0, high.1, high.2) ?? (lo + 0.5 * width)
            // Safeguard: stay well inside the bracket, otherwise bisect.
            if !(trial > lo + 0.1 * width && trial < hi - 0.1 * width) { trial = lo + 0.5 * width }
            let (value, slope) = phi(trial)
            evaluations += 1
            if !value.isFinite || value > f0 + c1 * trial * slope0 || value >= low.1 {
                high = (trial, value, slope)
            } else {
                if abs(slope) <= -c2 * slope0 {
                    return Result(step: trial, value: value, satisfied: true, lastEvaluated: true)
                }
                if slope * (high.0 - low.0) >= 0 { high = low }
                low = (trial, value, slope)
            }
        }
        // Out of evaluations: the low end has sufficient decrease (or is the start, step 0).
        return Result(step: low.0, value: low.1, satisfied: false, lastEvaluated: false)
    }

    /// Minimizer of the cubic interpolating values and slopes at `a` and `b`, or nil when the
    /// cubic has no interior minimum or the arithmetic is not finite.
    static func cubicMinimizer(_ a: Double, _ fa: Double, _ ga: Double, _ b: Double, _ fb: Double, _ gb: Double) -> Double? {
        guard a != b else { return nil }
        let d1 = ga + gb - 3 * (fa - fb) / (a - b)
        let radicand = d1 * d1 - ga * gb
        guard radicand >= 0 else { return nil }
        let d2 = (b > a ? 1.0 : -1.0) * radicand.squareRoot()
        let denominator = gb - ga + 2 * d2
        guard denominator != 0 else { return nil }
        let result = b - (b - a) * (gb + d2 - d1) / denominator
        return result.isFinite ? result : nil
    }
}
