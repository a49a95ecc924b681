import CKernels
import Foundation

/// Every scalar binary metric of one (re)sample in a single pass over the examples sorted by
/// decreasing score: the threshold decisions, the ROC and PR areas, log loss and Brier score.
///
/// Built once (one sort); each resample is then O(n) with no allocation per row. With
/// `UnitCounts` the pass reproduces the metrics of the data itself (the tests check it against the
/// scikit-learn-matched functions of `BinaryMetrics`).
struct BinaryResamplingPass: Sendable {
    /// Sorted position → index in the input order (the key of the resample counts).
    let order: [Int32]
    /// 0/1 label at each sorted position.
    let labels: [Double]
    /// Example weight at each sorted position (all ones when the input had none).
    let weights: [Double]
    /// Per sorted position, what the resampling loop branches on: `endsGroup` (the run of equal
    /// scores ends here: one ROC/PR threshold per run), `groupHasPositive` (that run holds a positive of non-zero weight, so its
    /// PR step can be non-zero) and `positive` (the label).
    let flags: [UInt8]
    static let endsGroup: UInt8 = 1, groupHasPositive: UInt8 = 2, positive: UInt8 = 4
    /// Whether the input had weights (else every weight is 1 and the loop skips the multiply).
    let hasWeights: Bool
    /// Per-example log-loss and Brier terms at each sorted position, when scores are probabilities.
    let logLossTerms: [Double]?
    let brierTerms: [Double]?
    /// Sorted positions `0 ..< positiveCount` have `score >= threshold` (predicted positive).
    let positiveCount: Int

    /// The metric names, in the order `evaluate` returns them.
    let metricNames: [String]

    static let thresholdMetricNames = [
        "accuracy", "precision", "recall", "true_positive_rate", "true_negative_rate", "false_positive_rate",
        "false_negative_rate", "f0_5", "f1", "f2", "balanced_accuracy", "matthews_correlation", "cohen_kappa",
        "accuracy_best_constant_classifier", "precision_best_constant_classifier", "recall_best_constant_classifier",
        "f0_5_best_constant_classifier", "f1_best_constant_classifier", "f2_best_constant_classifier",
        "auc", "average_precision",
    ]
    static let probabilityMetricNames = ["log_loss", "brier_score"]

    /// Sorts the examples once. Inputs must be validated (0/1 labels, finite scores, probabilities
    /// in [0, 1] when `scoresAreProbabilities`, finite non-negative weights).
    init(labels inputLabels: [Double], scores: [Double], weights inputWeights: [Double]?, threshold: Double,
         scoresAreProbabilities: Bool) {
        let n = inputLabels.count
        precondition(n < Int(Int32.max), "BinaryResamplingPass: more than 2³¹ examples")
        // The sort carries the input index in the weight slot: ±(index + 1), signed by the label.
        var items = [SignedWeightedScore]()
        items.reserveCapacity(n)
        for i in 0 ..< n {
            let tag = Double(i + 1)
            items.append(SignedWeightedScore(score: scores[i], signedWeight: inputLabels[i] == 1 ? tag : -tag))
        }
        ScoreSort.sortDescending(&items)

        var order = [Int32](repeating: 0, count: n)
        var labels = [Double](repeating: 0, count: n)
        var weights = [Double](repeating: 1, count: n)
        var groupEnd = [Bool](repeating: false, count: n)
        var logLoss = scoresAreProbabilities ? [Double](repeating: 0, count: n) : nil
        var brier = scoresAreProbabilities ? [Double](repeating: 0, count: n) : nil
        var positiveCount = 0
        let eps = Double.ulpOfOne
        for j in 0 ..< n {
            let item = items[j]
            let i = Int(abs(item.signedWeight)) - 1
            let y: Double = item.signedWeight > 0 ? 1 : 0
            order[j] = Int32(i)
            labels[j] = y
            if let inputWeights { weights[j] = inputWeights[i] }
            groupEnd[j] = j == n - 1 || items[j + 1].score != item.score
            if item.score >= threshold { positiveCount = j + 1 }
            if scoresAreProbabilities {
                let p = item.score
                let q = y == 1 ? p : 1 - p
                logLoss![j] = -Foundation.log(min(max(q, eps), 1 - eps))
                brier![j] = (y - p) * (y - p)
            }
        }
        self.order = order
        self.labels = labels
        var flags = [UInt8](repeating: 0, count: n)
        var runHasPositive = false
        for j in 0 ..< n {
            if labels[j] == 1 {
                flags[j] |= Self.positive
                if weights[j] > 0 { runHasPositive = true }
            }
            if groupEnd[j] {
                flags[j] |= Self.endsGroup | (runHasPositive ? Self.groupHasPositive : 0)
                runHasPositive = false
            }
        }
        self.weights = weights
        self.flags = flags
        self.hasWeights = inputWeights != nil
        self.logLossTerms = logLoss
        self.brierTerms = brier
        self.positiveCount = positiveCount
        metricNames = Self.thresholdMetricNames + (scoresAreProbabilities ? Self.probabilityMetricNames : [])
    }

    /// The metrics (in `metricNames` order) of the data itself.
    func evaluate(_: UnitCounts) -> [Double] { run(keys: nil)[0] }

    /// The metrics of the sixteen resamples of `group`, one vector per lane (the group's
    /// resamples in order). Each lane's arithmetic is the one-resample pass (lanes never mix), in
    /// the same order of IEEE operations whichever instruction set runs it.
    func evaluate(_ group: PoissonGroup) -> [[Double]] { run(keys: group.keys) }

    private func run(keys: [UInt32]?) -> [[Double]] {
        var sums = optml_binary_sums()
        order.withUnsafeBufferPointer { order in
        flags.withUnsafeBufferPointer { flags in
        weights.withUnsafeBufferPointer { weights in
        (logLossTerms ?? []).withUnsafeBufferPointer { logLoss in
        (brierTerms ?? []).withUnsafeBufferPointer { brier in
        PoissonResampler.thresholds.withUnsafeBufferPointer { thresholds in
            func call(_ keys: UnsafePointer<UInt32>?) {
                optml_binary_resample_pass(order.baseAddress, flags.baseAddress, hasWeights ? weights.baseAddress : nil,
                                           logLoss.isEmpty ? nil : logLoss.baseAddress, brier.isEmpty ? nil : brier.baseAddress,
                                           Int64(order.count), Int64(positiveCount), keys, thresholds.baseAddress, &sums)
            }
            if let keys { keys.withUnsafeBufferPointer { call($0.baseAddress) } } else { call(nil) }
        }
        }
        }
        }
        }
        }
        func lanes<T>(_ tuple: T) -> [Double] {
            withUnsafeBytes(of: tuple) { Array($0.bindMemory(to: Double.self)) }
        }
        let tp = lanes(sums.positives), fp = lanes(sums.negatives)
        let tpAt = lanes(sums.tp_at_threshold), fpAt = lanes(sums.fp_at_threshold)
        let area = lanes(sums.area), precisionSum = lanes(sums.precision_sum)
        let logLoss = lanes(sums.log_loss), brier = lanes(sums.brier)
        return (0 ..< (keys == nil ? 1 : PoissonResampler.lanes)).map { k in
            metrics(positives: tp[k], negatives: fp[k], tpAtThreshold: tpAt[k], fpAtThreshold: fpAt[k],
                    area: area[k], precisionSum: precisionSum[k], logLossSum: logLoss[k], brierSum: brier[k])
        }
    }

    private func metrics(positives: Double, negatives: Double, tpAtThreshold: Double, fpAtThreshold: Double,
                         area: Double, precisionSum: Double, logLossSum: Double, brierSum: Double) -> [Double] {
        let atThreshold = BinaryConfusion(tp: tpAtThreshold, fp: fpAtThreshold, tn: negatives - fpAtThreshold,
                                          fn: positives - tpAtThreshold)
        let constant = BinaryConfusion(tp: positives, fp: negatives, tn: 0, fn: 0)
        var out: [Double] = [
            atThreshold.accuracy, atThreshold.precision, atThreshold.recall, atThreshold.recall,
            atThreshold.trueNegativeRate, atThreshold.falsePositiveRate, atThreshold.falseNegativeRate,
            atThreshold.fBeta(0.5), atThreshold.fBeta(1), atThreshold.fBeta(2), atThreshold.balancedAccuracy,
            atThreshold.matthewsCorrelation, atThreshold.cohenKappa,
            constant.accuracy, constant.precision, constant.recall,
            constant.fBeta(0.5), constant.fBeta(1), constant.fBeta(2),
            positives > 0 && negatives > 0 ? area / (2 * positives * negatives) : .nan,
            positives > 0 ? max(0, precisionSum / positives) : .nan,
        ]
        if logLossTerms != nil {
            let total = positives + negatives
            out.append(logLossSum / total)
            out.append(brierSum / total)
        }
        return out
    }
}

extension BinaryResamplingPass {
    /// Cumulative weighted true and false positives after each distinct score, highest first,
    /// skipping scores whose examples all have weight zero (scikit-learn drops those), with the
    /// score of each point.
    func sweepPoints(sortedScores: [Double]) -> (thresholds: [Double], truePositives: [Double], falsePositives: [Double]) {
        var thresholds: [Double] = []
        var tps: [Double] = []
        var fps: [Double] = []
        var tp = 0.0, fp = 0.0, lastTP = 0.0, lastFP = 0.0
        for j in 0 ..< order.count {
            tp += weights[j] * labels[j]
            fp += weights[j] - weights[j] * labels[j]
            if flags[j] & Self.endsGroup != 0 && (tp != lastTP || fp != lastFP) {
                thresholds.append(sortedScores[j])
                tps.append(tp)
                fps.append(fp)
                lastTP = tp
                lastFP = fp
            }
        }
        return (thresholds, tps, fps)
    }
}
