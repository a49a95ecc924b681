import MLCore

extension MulticlassMetrics {
    /// Multiclass Matthews correlation coefficient (scikit-learn's `matthews_corrcoef`); 0 when
    /// every label or every prediction falls in one class. In [−1, 1].
    public static func matthewsCorrelation(labels: [Double], predicted: [Double], classCount: Int,
                                           weights: [Double]? = nil) -> Double {
        let matrix = confusionMatrix(labels: labels, predicted: predicted, classCount: classCount, weights: weights)
        return matrix.storage.withUnsafeBufferPointer { ConfusionAgreement.matthewsCorrelation($0, classCount: classCount) }
    }

    /// Cohen's kappa between labels and predictions (scikit-learn's unweighted
    /// `cohen_kappa_score`); NaN when the chance disagreement is zero.
    public static func cohenKappa(labels: [Double], predicted: [Double], classCount: Int, weights: [Double]? = nil) -> Double {
        let matrix = confusionMatrix(labels: labels, predicted: predicted, classCount: classCount, weights: weights)
        return matrix.storage.withUnsafeBufferPointer { ConfusionAgreement.cohenKappa($0, classCount: classCount) }
    }

    /// Mean per-class recall over the classes present in the labels (scikit-learn's
    /// `balanced_accuracy_score`); NaN when the total weight is zero.
    public static func balancedAccuracy(labels: [Double], predicted: [Double], classCount: Int, weights: [Double]? = nil) -> Double {
        let matrix = confusionMatrix(labels: labels, predicted: predicted, classCount: classCount, weights: weights)
        return matrix.storage.withUnsafeBufferPointer { ConfusionAgreement.balancedAccuracy($0, classCount: classCount) }
    }

    /// Multiclass Brier score, the weighted mean over examples of `Σ_c (p_c − [y = c])²`
    /// (scikit-learn's `brier_score_loss` for more than two classes, not halved). In [0, 2].
    public static func brier(labels: [Double], probabilities: DenseMatrix<Double>, weights: [Double]? = nil) -> Double {
        checkProbabilityShape(labels, probabilities, weights)
        let k = probabilities.columns
        return probabilities.storage.withUnsafeBufferPointer { p in
            weightedAverage(count: labels.count, weights: weights) { i in
                let y = Int(labels[i])
                var sum = 0.0
                for c in 0 ..< k {
                    let d = p[i * k + c] - (c == y ? 1 : 0)
                    sum += d * d
                }
                return sum
            }
        }
    }

    /// One-vs-rest ROC AUC: each class's scores against the rest, combined by `average`
    /// (`.macro`: plain mean over classes; `.weighted`: weighted by class support), as
    /// scikit-learn's `roc_auc_score(multi_class="ovr")`. `.micro` is not defined for this metric
    /// and traps. Returns `nil` when a class has no examples or every example is in it (its AUC
    /// is undefined; scikit-learn raises). One sort per class.
    public static func rocAUCOneVsRest(average: MulticlassAverage, labels: [Double], probabilities: DenseMatrix<Double>,
                                       weights: [Double]? = nil) -> Double? {
        precondition(average != .micro, "rocAUCOneVsRest: micro averaging is not defined for one-vs-rest AUC")
        checkProbabilityShape(labels, probabilities, weights)
        let k = probabilities.columns
        var total = 0.0
        var totalSupport = 0.0
        var column = [Double](repeating: 0, count: labels.count)
        var binary = column
        for c in 0 ..< k {
            var support = 0.0
            for i in labels.indices {
                column[i] = probabilities.storage[i * k + c]
                binary[i] = labels[i] == Double(c) ? 1 : 0
                support += binary[i] * (weights?[i] ?? 1)
            }
            guard let auc = BinaryMetrics.rocAUC(labels: binary, scores: column, weights: weights) else { return nil }
            switch average {
            case .macro: total += auc
            case .weighted: total += support * auc
            case .micro: break
            }
            totalSupport += support
        }
        return average == .macro ? total / Double(k) : total / totalSupport
    }
}
