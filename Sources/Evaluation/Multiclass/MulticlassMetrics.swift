import Foundation
import MLCore

/// Multiclass classification metrics, matching scikit-learn 1.x with `labels=range(k)`.
///
/// Conventions shared by every function:
/// - `labels` and `predicted` are class indices `0 ..< k` stored as `Double`;
///   `probabilities` is an n × k matrix whose row i scores the classes of example i.
/// - `weights` are per-example, finite and non-negative; `nil` means every weight is 1.
/// - Empty input, mismatched shapes and labels outside `0 ..< k` trap (`precondition`).
///   Ratios with a zero denominator are 0 (`zero_division=0`); means over a zero total weight
///   are NaN. Callers must not print NaN; `MetricLines.format` refuses it.
public enum MulticlassMetrics {
    /// The predicted class of each row: the index of the largest probability, the lowest index
    /// among ties (NumPy's `argmax`).
    public static func predictedLabels(probabilities: DenseMatrix<Double>) -> [Double] {
        let k = probabilities.columns
        precondition(k >= 1, "predictedLabels: the probability matrix has no columns")
        var out = [Double](repeating: 0, count: probabilities.rows)
        probabilities.storage.withUnsafeBufferPointer { p in
            for i in 0 ..< probabilities.rows {
                let row = i * k
                var best = 0
                for j in 1 ..< k where p[row + j] > p[row + best] { best = j }
                out[i] = Double(best)
            }
        }
        return out
    }

    /// Weighted fraction of examples whose predicted class equals the label.
    public static func accuracy(labels: [Double], predicted: [Double], weights: [Double]? = nil) -> Double {
        InputChecks.sizes(labels: labels.count, other: predicted.count, otherName: "predictions", weights: weights)
        return weightedAverage(count: labels.count, weights: weights) { labels[$0] == predicted[$0] ? 1 : 0 }
    }

    /// Accuracy of the arg-max predictions (`predictedLabels`: lowest index wins a tie).
    public static func accuracy(labels: [Double], probabilities: DenseMatrix<Double>, weights: [Double]? = nil) -> Double {
        checkProbabilityShape(labels, probabilities, weights)
        return accuracy(labels: labels, predicted: predictedLabels(probabilities: probabilities), weights: weights)
    }

    /// The 1-based rank of each example's true class when its classes are sorted by decreasing
    /// probability.
    ///
    /// Ties are ordered as scikit-learn's `top_k_accuracy_score` orders them (a stable ascending
    /// sort, reversed): among equal probabilities the higher class index ranks first. So
    /// `rank = 1 + #{j : p_j > p_y} + #{j > y : p_j == p_y}`. O(k) per row, no sort.
    public static func trueClassRanks(labels: [Double], probabilities: DenseMatrix<Double>) -> [Int] {
        checkProbabilityShape(labels, probabilities, nil)
        let k = probabilities.columns
        var ranks = [Int](repeating: 0, count: labels.count)
        probabilities.storage.withUnsafeBufferPointer { p in
            for i in labels.indices {
                let row = i * k
                let y = Int(labels[i])
                let py = p[row + y]
                var rank = 1
                for j in 0 ..< k where p[row + j] > py || (p[row + j] == py && j > y) { rank += 1 }
                ranks[i] = rank
            }
        }
        return ranks
    }

    /// Weighted fraction of examples whose true class is among the `k` highest-scored classes,
    /// as scikit-learn's `top_k_accuracy_score` (including its tie rule, see `trueClassRanks`).
    ///
    /// Note the tie rule differs from `accuracy`'s arg-max: with `k = 1` a row whose top
    /// probability is tied counts as correct only if its label is the highest tied index.
    public static func topKAccuracy(k: Int, labels: [Double], probabilities: DenseMatrix<Double>, weights: [Double]? = nil) -> Double {
        precondition(k >= 1, "topKAccuracy: k must be positive, got \(k)")
        let ranks = trueClassRanks(labels: labels, probabilities: probabilities)
        return weightedAverage(count: labels.count, weights: weights) { ranks[$0] <= k ? 1 : 0 }
    }

    /// Discounted cumulative gain of the true class, as Linear Learner's multiclass `dcg`.
    ///
    /// Definition: the weighted mean over examples of `1 / log2(1 + rank)`, where `rank` is the
    /// 1-based position of the true class when the classes are sorted by decreasing
    /// probability (ties as in `trueClassRanks`). With one relevant class the ideal DCG is 1, so
    /// this equals NDCG; without ties it equals scikit-learn's
    /// `ndcg_score(one_hot(labels), probabilities)`. A correct top prediction scores 1; the
    /// value lies in (0, 1].
    public static func dcg(labels: [Double], probabilities: DenseMatrix<Double>, weights: [Double]? = nil) -> Double {
        let ranks = trueClassRanks(labels: labels, probabilities: probabilities)
        return weightedAverage(count: labels.count, weights: weights) { 1 / log2(1 + Double(ranks[$0])) }
    }

    /// Mean cross entropy, −log p(true class), in nats.
    ///
    /// As scikit-learn ≥ 1.5: each probability is clipped to `[ε, 1 − ε]` with
    /// ε = `Double.ulpOfOne` and rows are not renormalised (only the true class's probability
    /// matters). Probabilities must lie in [0, 1] (precondition).
    public static func logLoss(labels: [Double], probabilities: DenseMatrix<Double>, weights: [Double]? = nil) -> Double {
        checkProbabilityShape(labels, probabilities, weights)
        for p in probabilities.storage {
            precondition(p >= 0 && p <= 1, "logLoss: probabilities must lie in [0, 1], found \(p)")
        }
        let eps = Double.ulpOfOne
        let k = probabilities.columns
        return weightedAverage(count: labels.count, weights: weights) { i in
            let p = probabilities.storage[i * k + Int(labels[i])]
            return -log(min(max(p, eps), 1 - eps))
        }
    }

    /// The weighted `classCount × classCount` confusion matrix: entry (actual, predicted).
    public static func confusionMatrix(labels: [Double], predicted: [Double], classCount: Int, weights: [Double]? = nil) -> DenseMatrix<Double> {
        InputChecks.sizes(labels: labels.count, other: predicted.count, otherName: "predictions", weights: weights)
        InputChecks.classLabels(labels, classCount: classCount)
        InputChecks.classLabels(predicted, classCount: classCount)
        var matrix = DenseMatrix<Double>(rows: classCount, columns: classCount)
        for i in labels.indices {
            matrix[Int(labels[i]), Int(predicted[i])] += weights?[i] ?? 1
        }
        return matrix
    }

    /// Precision combined over classes by `average`; per class tp / predicted, 0 when a class is
    /// never predicted.
    public static func precision(average: MulticlassAverage, labels: [Double], predicted: [Double], classCount: Int,
                                 weights: [Double]? = nil) -> Double {
        ClassCounts(labels: labels, predicted: predicted, classCount: classCount, weights: weights)
            .combine(average) { tp, predictedWeight, _ in BinaryConfusion.ratio(tp, predictedWeight) }
    }

    /// Recall combined over classes by `average`; per class tp / support, 0 when a class is
    /// absent from the labels.
    public static func recall(average: MulticlassAverage, labels: [Double], predicted: [Double], classCount: Int,
                              weights: [Double]? = nil) -> Double {
        ClassCounts(labels: labels, predicted: predicted, classCount: classCount, weights: weights)
            .combine(average) { tp, _, support in BinaryConfusion.ratio(tp, support) }
    }

    /// F-beta combined over classes by `average`; per class
    /// `(1 + β²)·tp / (β²·support + predicted)`, 0 when that denominator is zero.
    public static func fBeta(beta: Double, average: MulticlassAverage, labels: [Double], predicted: [Double],
                             classCount: Int, weights: [Double]? = nil) -> Double {
        precondition(beta > 0, "fBeta: beta must be positive, got \(beta)")
        let b2 = beta * beta
        return ClassCounts(labels: labels, predicted: predicted, classCount: classCount, weights: weights)
            .combine(average) { tp, predictedWeight, support in
                BinaryConfusion.ratio((1 + b2) * tp, b2 * support + predictedWeight)
            }
    }

    /// Unweighted mean of the per-class precisions over all `classCount` classes (Linear
    /// Learner's `macro_precision`).
    public static func macroPrecision(labels: [Double], predicted: [Double], classCount: Int, weights: [Double]? = nil) -> Double {
        precision(average: .macro, labels: labels, predicted: predicted, classCount: classCount, weights: weights)
    }

    /// Unweighted mean of the per-class recalls over all `classCount` classes (`macro_recall`).
    public static func macroRecall(labels: [Double], predicted: [Double], classCount: Int, weights: [Double]? = nil) -> Double {
        recall(average: .macro, labels: labels, predicted: predicted, classCount: classCount, weights: weights)
    }

    /// Unweighted mean of the per-class F-beta scores over all `classCount` classes
    /// (`macro_f_beta`).
    public static func macroFBeta(beta: Double, labels: [Double], predicted: [Double], classCount: Int,
                                  weights: [Double]? = nil) -> Double {
        fBeta(beta: beta, average: .macro, labels: labels, predicted: predicted, classCount: classCount, weights: weights)
    }

    /// Per-class precision weighted by class support (Model Monitor's `weighted_precision`).
    public static func weightedPrecision(labels: [Double], predicted: [Double], classCount: Int, weights: [Double]? = nil) -> Double {
        precision(average: .weighted, labels: labels, predicted: predicted, classCount: classCount, weights: weights)
    }

    /// Per-class recall weighted by class support (Model Monitor's `weighted_recall`).
    public static func weightedRecall(labels: [Double], predicted: [Double], classCount: Int, weights: [Double]? = nil) -> Double {
        recall(average: .weighted, labels: labels, predicted: predicted, classCount: classCount, weights: weights)
    }

    /// Per-class F-beta weighted by class support (Model Monitor's `weighted_f1` and friends).
    public static func weightedFBeta(beta: Double, labels: [Double], predicted: [Double], classCount: Int,
                                     weights: [Double]? = nil) -> Double {
        fBeta(beta: beta, average: .weighted, labels: labels, predicted: predicted, classCount: classCount, weights: weights)
    }

    /// Precision from the totals over all classes (equals accuracy for single-label data).
    public static func microPrecision(labels: [Double], predicted: [Double], classCount: Int, weights: [Double]? = nil) -> Double {
        precision(average: .micro, labels: labels, predicted: predicted, classCount: classCount, weights: weights)
    }

    /// Recall from the totals over all classes (equals accuracy for single-label data).
    public static func microRecall(labels: [Double], predicted: [Double], classCount: Int, weights: [Double]? = nil) -> Double {
        recall(average: .micro, labels: labels, predicted: predicted, classCount: classCount, weights: weights)
    }

    /// F-beta from the totals over all classes (equals accuracy for single-label data).
    public static func microFBeta(beta: Double, labels: [Double], predicted: [Double], classCount: Int,
                                  weights: [Double]? = nil) -> Double {
        fBeta(beta: beta, average: .micro, labels: labels, predicted: predicted, classCount: classCount, weights: weights)
    }

    static func checkProbabilityShape(_ labels: [Double], _ probabilities: DenseMatrix<Double>, _ weights: [Double]?,
                                      function: StaticString = #function) {
        InputChecks.sizes(labels: labels.count, other: probabilities.rows, otherName: "probability rows",
                          weights: weights, function: function)
        InputChecks.classLabels(labels, classCount: probabilities.columns, function: function)
    }
}

/// Per-class weighted true positives, predicted weight and support, from one pass.
struct ClassCounts {
    var truePositives: [Double]
    var predicted: [Double]
    var support: [Double]

    init(truePositives: [Double], predicted: [Double], support: [Double]) {
        self.truePositives = truePositives
        self.predicted = predicted
        self.support = support
    }

    init(labels: [Double], predicted labelsPredicted: [Double], classCount: Int, weights: [Double]?,
         function: StaticString = #function) {
        InputChecks.sizes(labels: labels.count, other: labelsPredicted.count, otherName: "predictions",
                          weights: weights, function: function)
        InputChecks.classLabels(labels, classCount: classCount, function: function)
        InputChecks.classLabels(labelsPredicted, classCount: classCount, function: function)
        truePositives = [Double](repeating: 0, count: classCount)
        predicted = truePositives
        support = truePositives
        for i in labels.indices {
            let w = weights?[i] ?? 1
            let y = Int(labels[i])
            let p = Int(labelsPredicted[i])
            support[y] += w
            predicted[p] += w
            if y == p { truePositives[y] += w }
        }
    }

    /// Combines the per-class metric `perClass(tp, predicted, support)` as `average` says.
    func combine(_ average: MulticlassAverage, _ perClass: (Double, Double, Double) -> Double) -> Double {
        let k = truePositives.count
        switch average {
        case .macro:
            var sum = 0.0
            for c in 0 ..< k { sum += perClass(truePositives[c], predicted[c], support[c]) }
            return sum / Double(k)
        case .weighted:
            var sum = 0.0
            var totalSupport = 0.0
            for c in 0 ..< k {
                sum += support[c] * perClass(truePositives[c], predicted[c], support[c])
                totalSupport += support[c]
            }
            return BinaryConfusion.ratio(sum, totalSupport)
        case .micro:
            return perClass(truePositives.reduce(0, +), predicted.reduce(0, +), support.reduce(0, +))
        }
    }
}
