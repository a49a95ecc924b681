import Foundation

/// Binary classification metrics, matching scikit-learn 1.x (the fixtures were made by 1.9).
///
/// Conventions shared by every function:
/// - `labels` are exactly 0 or 1; `scores` are probabilities of the positive class or raw
///   margins; `predicted` are 0/1 decisions.
/// - `weights` are per-example, finite and non-negative; `nil` means every weight is 1.
/// - Empty input, mismatched lengths and labels other than 0/1 are programming errors and trap
///   (`precondition`). Data-dependent undefined results are values: ratios with a zero
///   denominator are 0 (scikit-learn's `zero_division=0`), means over a zero total weight are
///   NaN, and ranking metrics return `nil` when one class is absent. Callers must not print
///   NaN; `MetricLines.format` refuses it.
public enum BinaryMetrics {
    /// The 0/1 decisions "positive iff score >= threshold".
    public static func predictions(scores: [Double], threshold: Double) -> [Double] {
        scores.map { $0 >= threshold ? 1 : 0 }
    }

    /// Weighted confusion counts of 0/1 `predicted` against 0/1 `labels`.
    public static func confusion(labels: [Double], predicted: [Double], weights: [Double]? = nil) -> BinaryConfusion {
        InputChecks.sizes(labels: labels.count, other: predicted.count, otherName: "predictions", weights: weights)
        InputChecks.binaryLabels(labels)
        InputChecks.binaryLabels(predicted)
        var c = BinaryConfusion(tp: 0, fp: 0, tn: 0, fn: 0)
        for i in labels.indices {
            let w = weights?[i] ?? 1
            switch (labels[i] == 1, predicted[i] == 1) {
            case (true, true): c.tp += w
            case (false, true): c.fp += w
            case (false, false): c.tn += w
            case (true, false): c.fn += w
            }
        }
        return c
    }

    /// Weighted confusion counts of the decisions "positive iff score >= threshold".
    public static func confusion(labels: [Double], scores: [Double], threshold: Double, weights: [Double]? = nil) -> BinaryConfusion {
        confusion(labels: labels, predicted: predictions(scores: scores, threshold: threshold), weights: weights)
    }

    /// Weighted fraction of correct decisions; NaN when the total weight is zero.
    public static func accuracy(labels: [Double], predicted: [Double], weights: [Double]? = nil) -> Double {
        confusion(labels: labels, predicted: predicted, weights: weights).accuracy
    }

    /// tp / (tp + fp); 0 when nothing is predicted positive.
    public static func precision(labels: [Double], predicted: [Double], weights: [Double]? = nil) -> Double {
        confusion(labels: labels, predicted: predicted, weights: weights).precision
    }

    /// tp / (tp + fn); 0 when there are no positives.
    public static func recall(labels: [Double], predicted: [Double], weights: [Double]? = nil) -> Double {
        confusion(labels: labels, predicted: predicted, weights: weights).recall
    }

    /// F-beta score `(1 + β²)·tp / ((1 + β²)·tp + β²·fn + fp)`; 0 when the denominator is zero.
    ///
    /// `beta` > 0 weighs recall `beta` times as much as precision (`beta = 1` is F1).
    public static func fBeta(beta: Double, labels: [Double], predicted: [Double], weights: [Double]? = nil) -> Double {
        precondition(beta > 0, "fBeta: beta must be positive, got \(beta)")
        return confusion(labels: labels, predicted: predicted, weights: weights).fBeta(beta)
    }

    /// Mean binary cross entropy of positive-class probabilities, in nats.
    ///
    /// As scikit-learn ≥ 1.5: `p` and `1 − p` are each clipped to `[ε, 1 − ε]` with
    /// ε = `Double.ulpOfOne` (2.22e-16), so a confident mistake costs at most −log ε ≈ 36.04;
    /// nothing is renormalised. Probabilities must lie in [0, 1] (precondition). NaN when the
    /// total weight is zero.
    public static func logLoss(labels: [Double], probabilities: [Double], weights: [Double]? = nil) -> Double {
        InputChecks.sizes(labels: labels.count, other: probabilities.count, otherName: "probabilities", weights: weights)
        InputChecks.binaryLabels(labels)
        checkProbabilities(probabilities)
        let eps = Double.ulpOfOne
        return weightedAverage(count: labels.count, weights: weights) { i in
            let p = labels[i] == 1 ? probabilities[i] : 1 - probabilities[i]
            return -log(min(max(p, eps), 1 - eps))
        }
    }

    /// Brier score, the weighted mean of (label − probability)²; NaN when the total weight is zero.
    public static func brier(labels: [Double], probabilities: [Double], weights: [Double]? = nil) -> Double {
        InputChecks.sizes(labels: labels.count, other: probabilities.count, otherName: "probabilities", weights: weights)
        InputChecks.binaryLabels(labels)
        checkProbabilities(probabilities)
        return weightedAverage(count: labels.count, weights: weights) { i in
            let r = labels[i] - probabilities[i]
            return r * r
        }
    }

    static func checkProbabilities(_ probabilities: [Double], function: StaticString = #function) {
        for p in probabilities {
            precondition(p >= 0 && p <= 1, "\(function): probabilities must lie in [0, 1], found \(p)")
        }
    }
}
