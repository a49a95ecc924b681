import CKernels
import Foundation
import MLCore

/// Every scalar binary metric of one (re)sample in a single pass over the examples sorted by
/// decreasing score: the threshold decisions, the ROC and PR areas, log loss and Brier score.
///
/// Built once (one sort); each resample is then O(n) with no allocation per row. With
/// `UnitCounts` the pass reproduces the metrics of the data itself (the tests check it against the
/// scikit-learn-matched functions of `BinaryMetrics`).
struct BinaryResamplingPass: Sendable {
    /// Sorted position → index in the input order (the key of the resample counts).
    let order: [Int32]
    /// The scores in decreasing order.
    let sortedScores: [Double]
    /// Example weight at each sorted position; `nil` when the input had none (every weight 1).
    let weights: [Double]?
    /// Per sorted position, what the resampling loop branches on: `endsGroup` (the run of equal
    /// scores ends here: one ROC/PR threshold per run), `groupHasPositive` (that run holds a
    /// positive of non-zero weight, so its PR step can be non-zero), `positive` (the label) and
    /// `singleton` (the run is this example alone, as nearly every run is for continuous scores).
    let flags: [UInt8]
    static let endsGroup: UInt8 = 1, groupHasPositive: UInt8 = 2, positive: UInt8 = 4, singleton: UInt8 = 8
    /// Per-example log-loss and Brier terms at each sorted position, when scores are probabilities.
    let logLossTerms: [Double]?
    let brierTerms: [Double]?
    /// Sorted positions `0 ..< positiveCount` have `score >= threshold` (predicted positive).
    let positiveCount: Int
    /// How many runs of equal scores there are (positions with `endsGroup`).
    let groupCount: Int

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

    /// Sorts the examples once, on up to `threads` threads. Inputs must be validated (0/1 labels,
    /// finite scores, probabilities in [0, 1] when `scoresAreProbabilities`, finite non-negative
    /// weights).
    init(labels inputLabels: [Double], scores: [Double], weights inputWeights: [Double]?, threshold: Double,
         scoresAreProbabilities: Bool, threads: Int = 1) {
        let n = inputLabels.count
        precondition(n < Int(Int32.max), "BinaryResamplingPass: more than 2³¹ examples")
        // The sort carries the input index in the weight slot: ±(index + 1), signed by the label.
        var items = inputLabels.withUnsafeBufferPointer { labels in
            scores.withUnsafeBufferPointer { scores in
                let input = Unshared((labels, scores))
                return JobQueue.array(count: n, workers: threads) { i in
                    let tag = Double(i + 1)
                    return SignedWeightedScore(score: input.value.1[i], signedWeight: input.value.0[i] == 1 ? tag : -tag)
                }
            }
        }
        ScoreSort.sortDescending(&items)

        // The columns in sorted order, each written once into uninitialised storage.
        let sorted = items.withUnsafeBufferPointer { items in
            let items = Unshared(items)
            func column<T>(_ value: @Sendable (SignedWeightedScore, Int) -> T) -> [T] {
                JobQueue.array(count: n, workers: threads) { j in value(items.value[j], j) }
            }
            let order: [Int32] = column { item, _ in Int32(truncatingIfNeeded: Int(abs(item.signedWeight)) - 1) }
            let weights: [Double]? = inputWeights.map { w in
                w.withUnsafeBufferPointer { w in
                    order.withUnsafeBufferPointer { order in
                        let source = Unshared((w, order))
                        return column { _, j in source.value.0[Int(source.value.1[j])] }
                    }
                }
            }
            var losses: (logLoss: [Double], brier: [Double])?
            if scoresAreProbabilities {
                let eps = Double.ulpOfOne
                losses = (column { item, _ in
                    let p = item.score
                    return -Foundation.log(min(max(item.signedWeight > 0 ? p : 1 - p, eps), 1 - eps))
                }, column { item, _ in
                    let p = item.score
                    let y: Double = item.signedWeight > 0 ? 1 : 0
                    return (y - p) * (y - p)
                })
            }
            return (order: order, scores: column { item, _ in item.score }, weights: weights, losses: losses)
        }
        order = sorted.order
        sortedScores = sorted.scores
        weights = sorted.weights
        logLossTerms = sorted.losses?.logLoss
        brierTerms = sorted.losses?.brier
        // Flags: a run's `groupHasPositive` is known at its last row.
        var positiveCount = 0
        var groupCount = 0
        var runHasPositive = false
        let weights = self.weights
        flags = [UInt8](unsafeUninitializedCapacity: n) { flags, count in
            items.withUnsafeBufferPointer { items in
                for j in 0 ..< n {
                    let item = items[j]
                    var f: UInt8 = 0
                    if item.signedWeight > 0 {
                        f = Self.positive
                        if (weights?[j] ?? 1) > 0 { runHasPositive = true }
                    }
                    if j == n - 1 || items[j + 1].score != item.score {
                        f |= Self.endsGroup | (runHasPositive ? Self.groupHasPositive : 0)
                        if j == 0 || items[j - 1].score != item.score { f |= Self.singleton }
                        runHasPositive = false
                        groupCount += 1
                    }
                    if item.score >= threshold { positiveCount = j + 1 }
                    flags[j] = f
                }
            }
            count = n
        }
        self.positiveCount = positiveCount
        self.groupCount = groupCount
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
        (weights ?? []).withUnsafeBufferPointer { weights in
        (logLossTerms ?? []).withUnsafeBufferPointer { logLoss in
        (brierTerms ?? []).withUnsafeBufferPointer { brier in
        PoissonResampler.thresholds.withUnsafeBufferPointer { thresholds in
            func call(_ keys: UnsafePointer<UInt32>?) {
                optml_binary_resample_pass(order.baseAddress, flags.baseAddress, weights.isEmpty ? nil : weights.baseAddress,
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

/// The distinct thresholds of a binary sweep, highest first: after each run of equal scores
/// whose examples do not all have weight zero (scikit-learn drops those), the cumulative
/// weighted true and false positives.
struct BinarySweep: Sendable {
    var thresholds: [Double] = []
    var truePositives: [Double] = []
    var falsePositives: [Double] = []
    var count: Int { thresholds.count }
}

extension BinaryResamplingPass {
    func sweep() -> BinarySweep {
        // Three columns of at most `groupCount` points, written in one pass into uninitialised
        // storage; `points` of them are used.
        var sweep = BinarySweep()
        var points = 0
        sweep.thresholds = [Double](unsafeUninitializedCapacity: groupCount) { thresholds, thresholdCount in
        sweep.truePositives = [Double](unsafeUninitializedCapacity: groupCount) { truePositives, truePositiveCount in
        sweep.falsePositives = [Double](unsafeUninitializedCapacity: groupCount) { falsePositives, falsePositiveCount in
            for column in [thresholds, truePositives, falsePositives] {
                if let base = column.baseAddress { adviseHugePages(base, bytes: groupCount * MemoryLayout<Double>.stride) }
            }
            var tp = 0.0, fp = 0.0, lastTP = 0.0, lastFP = 0.0
            flags.withUnsafeBufferPointer { flags in
                sortedScores.withUnsafeBufferPointer { scores in
                    (weights ?? []).withUnsafeBufferPointer { weights in
                        let weighted = !weights.isEmpty
                        for j in 0 ..< flags.count {
                            let f = flags[j]
                            let w = weighted ? weights[j] : 1
                            if f & Self.positive != 0 { tp += w } else { fp += w }
                            if f & Self.endsGroup != 0 && (tp != lastTP || fp != lastFP) {
                                thresholds[points] = scores[j]
                                truePositives[points] = tp
                                falsePositives[points] = fp
                                points += 1
                                lastTP = tp
                                lastFP = fp
                            }
                        }
                    }
                }
            }
            falsePositiveCount = points
        }
            truePositiveCount = points
        }
            thresholdCount = points
        }
        return sweep
    }
}
