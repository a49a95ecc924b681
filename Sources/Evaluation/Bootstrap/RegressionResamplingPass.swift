/// Every scalar regression metric of one (re)sample in a single pass over the examples.
///
/// Sums are taken of values centred on the full-data means (targets and residuals), so the
/// one-pass variances behind R² and explained variance do not cancel catastrophically when the
/// targets sit far from zero.
struct RegressionResamplingPass: Sendable {
    let residuals: [Double]
    /// Target minus the weighted mean target of the data.
    let centredTargets: [Double]
    /// Residual minus the weighted mean residual of the data.
    let centredResiduals: [Double]
    /// |residual| / max(|target|, ε) (the MAPE term).
    let percentageErrors: [Double]
    let weights: [Double]

    static let metricNames = ["mae", "mse", "rmse", "r2", "explained_variance", "max_error", "mape"]
    var metricNames: [String] { Self.metricNames }

    /// Precomputes the per-example terms. Inputs must be validated (finite, equal lengths).
    init(labels: [Double], predictions: [Double], weights inputWeights: [Double]?) {
        let n = labels.count
        weights = inputWeights ?? [Double](repeating: 1, count: n)
        var residuals = [Double](repeating: 0, count: n)
        var percentage = residuals
        for i in 0 ..< n {
            residuals[i] = labels[i] - predictions[i]
            percentage[i] = abs(residuals[i]) / max(abs(labels[i]), Double.ulpOfOne)
        }
        let meanTarget = weightedAverage(count: n, weights: inputWeights) { labels[$0] }
        let meanResidual = weightedAverage(count: n, weights: inputWeights) { residuals[$0] }
        centredTargets = labels.map { $0 - meanTarget }
        centredResiduals = residuals.map { $0 - meanResidual }
        self.residuals = residuals
        percentageErrors = percentage
    }

    /// The metrics (in `metricNames` order) of the sample whose multiplicities `counts` gives.
    func evaluate<Counts: ResampleCounts>(_ counts: Counts) -> [Double] {
        var total = 0.0, squared = 0.0, absolute = 0.0, percentage = 0.0
        var targetSum = 0.0, targetSquares = 0.0, residualSum = 0.0, residualSquares = 0.0
        var maxError = 0.0
        residuals.withUnsafeBufferPointer { r in
        centredTargets.withUnsafeBufferPointer { d in
        centredResiduals.withUnsafeBufferPointer { e in
        percentageErrors.withUnsafeBufferPointer { p in
        weights.withUnsafeBufferPointer { w in
            for i in 0 ..< r.count {
                let drawn = counts.count(i)
                let c = drawn * w[i]
                let a = abs(r[i])
                total += c
                squared += c * r[i] * r[i]
                absolute += c * a
                percentage += c * p[i]
                targetSum += c * d[i]
                targetSquares += c * d[i] * d[i]
                residualSum += c * e[i]
                residualSquares += c * e[i] * e[i]
                // max_error ignores weights (as scikit-learn) but only sees drawn examples.
                maxError = max(maxError, drawn > 0 ? a : 0)
            }
        }
        }
        }
        }
        }
        let mse = squared / total
        let totalDeviance = targetSquares - targetSum * targetSum / total
        let targetVariance = targetSquares / total - (targetSum / total) * (targetSum / total)
        let residualVariance = residualSquares / total - (residualSum / total) * (residualSum / total)
        return [absolute / total, mse, mse.squareRoot(),
                Self.explained(squared, totalDeviance), Self.explained(residualVariance, targetVariance),
                maxError, percentage / total]
    }

    /// 1 − numerator / denominator, forced finite as scikit-learn does (constant targets).
    static func explained(_ numerator: Double, _ denominator: Double) -> Double {
        if denominator.isNaN || numerator.isNaN { return .nan }
        if denominator > 0 { return 1 - numerator / denominator }
        return numerator <= 0 ? 1 : 0
    }
}
