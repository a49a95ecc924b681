extension BinaryMetrics {
    /// Area under the ROC curve, with ties handled exactly as scikit-learn's `roc_auc_score`.
    ///
    /// Examples with equal scores form one threshold, so a tie contributes a diagonal segment
    /// (the trapezoid rule over the distinct thresholds): a tied positive–negative pair counts
    /// one half. Weighted; examples of weight zero are ignored. Returns `nil` when either class
    /// has zero total weight (scikit-learn returns NaN there). Cost: one O(n log n) sort.
    public static func rocAUC(labels: [Double], scores: [Double], weights: [Double]? = nil) -> Double? {
        let sweep = checkedSweep(labels: labels, scores: scores, weights: weights)
        let positives = sweep.positiveWeight
        let negatives = sweep.negativeWeight
        guard positives > 0, negatives > 0 else { return nil }
        // Trapezoid over the normalised curve, as sklearn.metrics.auc(fpr, tpr).
        var area = 0.0
        var previousFPR = 0.0
        var previousTPR = 0.0
        for i in 0 ..< sweep.count {
            let fpr = sweep.falsePositives[i] / negatives
            let tpr = sweep.truePositives[i] / positives
            area += (fpr - previousFPR) * (tpr + previousTPR) * 0.5
            previousFPR = fpr
            previousTPR = tpr
        }
        return area
    }

    /// Average precision as scikit-learn's `average_precision_score`: the step-function sum
    /// `Σ (Rᵢ − Rᵢ₋₁)·Pᵢ` over the distinct thresholds, without interpolation.
    ///
    /// Weighted; examples of weight zero are ignored. Returns `nil` when the positive class has
    /// zero total weight (scikit-learn then returns a meaningless value with a warning); 1 when
    /// there are positives but no negatives.
    public static func averagePrecision(labels: [Double], scores: [Double], weights: [Double]? = nil) -> Double? {
        let sweep = checkedSweep(labels: labels, scores: scores, weights: weights)
        let positives = sweep.positiveWeight
        guard positives > 0 else { return nil }
        var sum = 0.0
        var previousRecall = 0.0
        for i in 0 ..< sweep.count {
            let tp = sweep.truePositives[i]
            let recall = tp / positives
            sum += (recall - previousRecall) * (tp / (tp + sweep.falsePositives[i]))
            previousRecall = recall
        }
        return max(0, sum)
    }

    /// The ROC curve over every distinct score (scikit-learn's `roc_curve` with
    /// `drop_intermediate=False`; see `ROCCurve` for the layout).
    ///
    /// Returns `nil` when either class has zero total weight (the rates are then undefined).
    public static func rocCurve(labels: [Double], scores: [Double], weights: [Double]? = nil) -> ROCCurve? {
        let sweep = checkedSweep(labels: labels, scores: scores, weights: weights)
        let positives = sweep.positiveWeight
        let negatives = sweep.negativeWeight
        guard positives > 0, negatives > 0 else { return nil }
        var fpr = [0.0]
        var tpr = [0.0]
        var thresholds = [Double.infinity]
        fpr.reserveCapacity(sweep.count + 1)
        tpr.reserveCapacity(sweep.count + 1)
        thresholds.reserveCapacity(sweep.count + 1)
        for i in 0 ..< sweep.count {
            fpr.append(sweep.falsePositives[i] / negatives)
            tpr.append(sweep.truePositives[i] / positives)
            thresholds.append(sweep.thresholds[i])
        }
        return ROCCurve(falsePositiveRates: fpr, truePositiveRates: tpr, thresholds: thresholds)
    }

    /// The precision–recall curve over every distinct score (scikit-learn's
    /// `precision_recall_curve`; see `PrecisionRecallCurve` for the order and the closing point).
    ///
    /// Returns `nil` when the positive class has zero total weight (scikit-learn then sets every
    /// recall to 1, which is not a curve).
    public static func precisionRecallCurve(labels: [Double], scores: [Double], weights: [Double]? = nil) -> PrecisionRecallCurve? {
        let sweep = checkedSweep(labels: labels, scores: scores, weights: weights)
        let positives = sweep.positiveWeight
        guard positives > 0 else { return nil }
        let n = sweep.count
        var precisions: [Double] = []
        var recalls: [Double] = []
        var thresholds: [Double] = []
        precisions.reserveCapacity(n + 1)
        recalls.reserveCapacity(n + 1)
        thresholds.reserveCapacity(n)
        for i in stride(from: n - 1, through: 0, by: -1) {
            let tp = sweep.truePositives[i]
            // Every group holds non-zero weight, so tp + fp > 0.
            precisions.append(tp / (tp + sweep.falsePositives[i]))
            recalls.append(tp / positives)
            thresholds.append(sweep.thresholds[i])
        }
        precisions.append(1)
        recalls.append(0)
        return PrecisionRecallCurve(precisions: precisions, recalls: recalls, thresholds: thresholds)
    }

    /// Validates score inputs and builds the sorted sweep.
    static func checkedSweep(labels: [Double], scores: [Double], weights: [Double]?, function: StaticString = #function) -> ThresholdSweep {
        InputChecks.sizes(labels: labels.count, other: scores.count, otherName: "scores", weights: weights, function: function)
        InputChecks.binaryLabels(labels, function: function)
        InputChecks.finiteScores(scores, function: function)
        return ThresholdSweep(labels: labels, scores: scores, weights: weights)
    }
}
