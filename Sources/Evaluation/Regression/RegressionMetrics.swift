import Foundation

/// Regression metrics, matching scikit-learn 1.x (`sklearn.metrics`, single output).
///
/// `labels` are the true targets, `predictions` the model outputs; `weights` are per-example,
/// finite and non-negative, `nil` meaning all ones. Empty input and mismatched lengths trap
/// (`precondition`). A zero total weight makes the means NaN (scikit-learn raises there);
/// callers must not print NaN, and `MetricLines.format` refuses it.
public enum RegressionMetrics {
    /// Mean squared error, Σ w (y − ŷ)² / Σ w.
    public static func mse(labels: [Double], predictions: [Double], weights: [Double]? = nil) -> Double {
        check(labels, predictions, weights)
        return weightedAverage(count: labels.count, weights: weights) { i in
            let r = labels[i] - predictions[i]
            return r * r
        }
    }

    /// Root mean squared error, √mse (scikit-learn's `root_mean_squared_error`).
    public static func rmse(labels: [Double], predictions: [Double], weights: [Double]? = nil) -> Double {
        mse(labels: labels, predictions: predictions, weights: weights).squareRoot()
    }

    /// Mean absolute error, Σ w |y − ŷ| / Σ w: what Linear Learner reports as `absolute_loss`.
    public static func mae(labels: [Double], predictions: [Double], weights: [Double]? = nil) -> Double {
        check(labels, predictions, weights)
        return weightedAverage(count: labels.count, weights: weights) { i in abs(labels[i] - predictions[i]) }
    }

    /// Coefficient of determination, 1 − Σ w (y − ŷ)² / Σ w (y − ȳ_w)².
    ///
    /// As scikit-learn with `force_finite=True`: when the targets are constant (zero
    /// denominator) the result is 1 for a perfect fit and 0 otherwise. NaN for fewer than two
    /// examples (scikit-learn's rule) or a zero total weight.
    public static func r2(labels: [Double], predictions: [Double], weights: [Double]? = nil) -> Double {
        check(labels, predictions, weights)
        guard labels.count >= 2 else { return .nan }
        let mean = weightedAverage(count: labels.count, weights: weights) { labels[$0] }
        guard !mean.isNaN else { return .nan }
        var numerator = 0.0
        var denominator = 0.0
        for i in labels.indices {
            let w = weights?[i] ?? 1
            let r = labels[i] - predictions[i]
            let d = labels[i] - mean
            numerator += w * r * r
            denominator += w * d * d
        }
        return fractionOfExplainedDeviance(numerator: numerator, denominator: denominator)
    }

    /// Explained variance, 1 − Var_w(y − ŷ) / Var_w(y) (ignores a constant bias, unlike r2).
    ///
    /// Constant targets give 1 for a residual of zero variance and 0 otherwise (scikit-learn's
    /// `force_finite=True`). NaN for a zero total weight.
    public static func explainedVariance(labels: [Double], predictions: [Double], weights: [Double]? = nil) -> Double {
        check(labels, predictions, weights)
        let n = labels.count
        let meanResidual = weightedAverage(count: n, weights: weights) { labels[$0] - predictions[$0] }
        let meanLabel = weightedAverage(count: n, weights: weights) { labels[$0] }
        guard !meanLabel.isNaN else { return .nan }
        let numerator = weightedAverage(count: n, weights: weights) { i in
            let d = labels[i] - predictions[i] - meanResidual
            return d * d
        }
        let denominator = weightedAverage(count: n, weights: weights) { i in
            let d = labels[i] - meanLabel
            return d * d
        }
        return fractionOfExplainedDeviance(numerator: numerator, denominator: denominator)
    }

    /// The largest absolute error, max |y − ŷ| (unweighted, as in scikit-learn).
    public static func maxError(labels: [Double], predictions: [Double]) -> Double {
        check(labels, predictions, nil)
        var worst = 0.0
        for i in labels.indices { worst = max(worst, abs(labels[i] - predictions[i])) }
        return worst
    }

    /// Mean absolute percentage error, Σ w |y − ŷ| / max(|y|, ε) / Σ w, as a fraction (not %).
    ///
    /// ε = `Double.ulpOfOne` as in scikit-learn, so a zero target with a non-zero prediction
    /// contributes a huge but finite term (about 4.5e15 per unit of error).
    public static func mape(labels: [Double], predictions: [Double], weights: [Double]? = nil) -> Double {
        check(labels, predictions, weights)
        return weightedAverage(count: labels.count, weights: weights) { i in
            abs(predictions[i] - labels[i]) / max(abs(labels[i]), Double.ulpOfOne)
        }
    }

    /// 1 − numerator/denominator, forced finite as scikit-learn does.
    private static func fractionOfExplainedDeviance(numerator: Double, denominator: Double) -> Double {
        if denominator != 0 { return 1 - numerator / denominator }
        return numerator == 0 ? 1 : 0
    }

    private static func check(_ labels: [Double], _ predictions: [Double], _ weights: [Double]?, function: StaticString = #function) {
        InputChecks.sizes(labels: labels.count, other: predictions.count, otherName: "predictions", weights: weights, function: function)
    }
}
