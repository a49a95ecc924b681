import Foundation
import MLCore

/// Every scalar multiclass metric of one (re)sample in a single pass: the weighted confusion
/// matrix, the histogram of true-class ranks (top-k accuracy), log loss and Brier score; all the
/// averaged precision/recall/F-beta variants, agreement statistics and best-constant baselines
/// follow from those sums.
struct MulticlassResamplingPass: Sendable {
    let classCount: Int
    /// Label and arg-max prediction of each example, as class indices.
    let labels: [Int32]
    let predicted: [Int32]
    /// 1-based rank of the true class (`MulticlassMetrics.trueClassRanks`).
    let ranks: [Int32]
    let logLossTerms: [Double]
    let brierTerms: [Double]
    let weights: [Double]
    /// Top-k accuracies reported besides accuracy: k = 2 … min(classCount − 1, 5).
    let topKs: [Int]
    let metricNames: [String]

    static let baseMetricNames = [
        "accuracy", "weighted_recall", "weighted_precision", "weighted_f0_5", "weighted_f1", "weighted_f2",
        "accuracy_best_constant_classifier", "weighted_recall_best_constant_classifier",
        "weighted_precision_best_constant_classifier", "weighted_f0_5_best_constant_classifier",
        "weighted_f1_best_constant_classifier", "weighted_f2_best_constant_classifier",
        "macro_precision", "macro_recall", "macro_f1", "micro_precision", "micro_recall", "micro_f1",
        "balanced_accuracy", "matthews_correlation", "cohen_kappa", "log_loss", "brier_score",
    ]

    /// Precomputes the per-example terms. Inputs must be validated (class labels in range,
    /// probabilities in [0, 1], finite non-negative weights).
    init(labels inputLabels: [Double], probabilities: DenseMatrix<Double>, weights inputWeights: [Double]?) {
        let n = inputLabels.count
        let k = probabilities.columns
        classCount = k
        labels = inputLabels.map { Int32($0) }
        predicted = MulticlassMetrics.predictedLabels(probabilities: probabilities).map { Int32($0) }
        ranks = MulticlassMetrics.trueClassRanks(labels: inputLabels, probabilities: probabilities).map { Int32($0) }
        var logLoss = [Double](repeating: 0, count: n)
        var brier = logLoss
        let eps = Double.ulpOfOne
        probabilities.storage.withUnsafeBufferPointer { p in
            for i in 0 ..< n {
                let y = Int(inputLabels[i])
                logLoss[i] = -log(min(max(p[i * k + y], eps), 1 - eps))
                var sum = 0.0
                for c in 0 ..< k {
                    let d = p[i * k + c] - (c == y ? 1 : 0)
                    sum += d * d
                }
                brier[i] = sum
            }
        }
        logLossTerms = logLoss
        brierTerms = brier
        weights = inputWeights ?? [Double](repeating: 1, count: n)
        topKs = k > 2 ? Array(2 ... min(k - 1, 5)) : []
        metricNames = Self.baseMetricNames + topKs.map { "top_\($0)_accuracy" }
    }

    /// The metrics (in `metricNames` order) of the sample whose multiplicities `counts` gives.
    func evaluate<Counts: ResampleCounts>(_ counts: Counts) -> [Double] {
        let k = classCount
        var cells = [Double](repeating: 0, count: k * k)
        var rankWeight = [Double](repeating: 0, count: k + 1)
        var logLossSum = 0.0, brierSum = 0.0
        cells.withUnsafeMutableBufferPointer { cells in
        rankWeight.withUnsafeMutableBufferPointer { rankWeight in
        labels.withUnsafeBufferPointer { y in
        predicted.withUnsafeBufferPointer { p in
        ranks.withUnsafeBufferPointer { rank in
        logLossTerms.withUnsafeBufferPointer { logLoss in
        brierTerms.withUnsafeBufferPointer { brier in
        weights.withUnsafeBufferPointer { w in
            for i in 0 ..< y.count {
                let c = counts.count(i) * w[i]
                cells[Int(y[i]) * k + Int(p[i])] += c
                rankWeight[Int(rank[i])] += c
                logLossSum += c * logLoss[i]
                brierSum += c * brier[i]
            }
        }
        }
        }
        }
        }
        }
        }
        }
        return metrics(cells: cells, rankWeight: rankWeight, logLossSum: logLossSum, brierSum: brierSum)
    }

    func metrics(cells: [Double], rankWeight: [Double], logLossSum: Double, brierSum: Double) -> [Double] {
        let k = classCount
        let counts = ClassCounts(cells: cells, classCount: k)
        let total = counts.support.reduce(0, +)
        var trace = 0.0
        for c in 0 ..< k { trace += cells[c * k + c] }
        // Best constant classifier: always the class of largest support (lowest index on ties).
        var majority = 0
        for c in 1 ..< k where counts.support[c] > counts.support[majority] { majority = c }
        var constant = counts
        for c in 0 ..< k {
            constant.truePositives[c] = c == majority ? counts.support[c] : 0
            constant.predicted[c] = c == majority ? total : 0
        }
        func recall(_ tp: Double, _: Double, _ support: Double) -> Double { BinaryConfusion.ratio(tp, support) }
        func precision(_ tp: Double, _ predicted: Double, _: Double) -> Double { BinaryConfusion.ratio(tp, predicted) }
        func f(_ beta: Double) -> (Double, Double, Double) -> Double {
            let b2 = beta * beta
            return { tp, predicted, support in BinaryConfusion.ratio((1 + b2) * tp, b2 * support + predicted) }
        }
        var out: [Double] = [
            trace / total,
            counts.combine(.weighted, recall), counts.combine(.weighted, precision),
            counts.combine(.weighted, f(0.5)), counts.combine(.weighted, f(1)), counts.combine(.weighted, f(2)),
            counts.support[majority] / total,
            constant.combine(.weighted, recall), constant.combine(.weighted, precision),
            constant.combine(.weighted, f(0.5)), constant.combine(.weighted, f(1)), constant.combine(.weighted, f(2)),
            counts.combine(.macro, precision), counts.combine(.macro, recall), counts.combine(.macro, f(1)),
            counts.combine(.micro, precision), counts.combine(.micro, recall), counts.combine(.micro, f(1)),
        ]
        cells.withUnsafeBufferPointer { cells in
            out.append(ConfusionAgreement.balancedAccuracy(cells, classCount: k))
            out.append(ConfusionAgreement.matthewsCorrelation(cells, classCount: k))
            out.append(ConfusionAgreement.cohenKappa(cells, classCount: k))
        }
        out.append(logLossSum / total)
        out.append(brierSum / total)
        for topK in topKs {
            var hit = 0.0
            for r in 1 ... topK { hit += rankWeight[r] }
            out.append(hit / total)
        }
        return out
    }
}

extension ClassCounts {
    /// Per-class sums read off a weighted `classCount × classCount` confusion matrix.
    init(cells: [Double], classCount k: Int) {
        var tp = [Double](repeating: 0, count: k)
        var predicted = tp
        var support = tp
        for a in 0 ..< k {
            for p in 0 ..< k {
                support[a] += cells[a * k + p]
                predicted[p] += cells[a * k + p]
            }
            tp[a] = cells[a * k + a]
        }
        self.init(truePositives: tp, predicted: predicted, support: support)
    }
}
