import Foundation
import MLCore

extension EvalMetric {
    /// The metric's value, as XGBoost computes it.
    ///
    /// - Parameters:
    ///   - predictions: outputs in the objective's space, one per row, or `classCount` per row
    ///     (row-major class probabilities) for `merror`, `mlogloss` and multi-class `auc`.
    ///   - weights: row weights; `nil` weighs every row 1.
    ///   - huberSlope: δ of `mphe`; `quantileAlpha`: α of `quantile`.
    /// - Returns: the weighted mean of the per-row loss (a square root of it for `rmse`/`rmsle`,
    ///   twice it for `gamma-deviance`), or the area for `auc`/`aucpr`; NaN when the set has no
    ///   weight, or, for `auc`/`aucpr`, only one class.
    public func evaluate(predictions: [Float], labels: [Float], weights: [Float]?, classCount: Int = 1,
                         huberSlope: Double = 1, quantileAlpha: Double = 0.5) -> Double {
        MetricEvaluation.evaluate(self, predictions: predictions, labels: labels, weights: weights, classCount: classCount,
                                  huberSlope: huberSlope, quantileAlpha: quantileAlpha)
    }
}

/// XGBoost's metric formulas.
enum MetricEvaluation {
    static let eps = 1e-16

    static func evaluate(_ metric: EvalMetric, predictions: [Float], labels: [Float], weights: [Float]?, objective: Objective,
                         threads: Int = 1) -> Double {
        evaluate(metric, predictions: predictions, labels: labels, weights: weights, classCount: objective.outputGroups,
                 huberSlope: objective.huberSlope, quantileAlpha: objective.quantileAlpha, threads: threads)
    }

    /// `threads` sorts large score arrays (AUC, AUC-PR) on that many workers; the value does not
    /// depend on it.
    static func evaluate(_ metric: EvalMetric, predictions: [Float], labels: [Float], weights: [Float]?, classCount: Int,
                         huberSlope: Double, quantileAlpha: Double, threads: Int = 1) -> Double {
        let k = max(1, classCount)
        if k > 1 && predictions.count == labels.count * k {
            switch metric {
            case .merror, .mlogloss, .auc:
                return multiclass(metric, predictions: predictions, labels: labels, weights: weights, k: k, threads: threads)
            default: break
            }
        }
        switch metric {
        case .rmse: return mean(predictions, labels, weights) { p, y in (p - y) * (p - y) }.squareRoot()
        case .rmsle: return mean(predictions, labels, weights) { p, y in let d = log1p(p) - log1p(y); return d * d }.squareRoot()
        case .mae: return mean(predictions, labels, weights) { p, y in abs(p - y) }
        case .mape: return mean(predictions, labels, weights) { p, y in abs((y - p) / y) }
        case .mphe:
            let d2 = huberSlope * huberSlope
            return mean(predictions, labels, weights) { p, y in let z = y - p; return d2 * ((1 + z * z / d2).squareRoot() - 1) }
        case .logloss:
            return mean(predictions, labels, weights) { p, y in
                let q = min(max(p, eps), 1 - eps)
                return -(y * log(q) + (1 - y) * log(1 - q))
            }
        case .error(let t): return mean(predictions, labels, weights) { p, y in (p > t ? 1.0 : 0.0) != y ? 1 : 0 }
        case .merror, .mlogloss:
            // One column of class indices (multi:softmax outputs) or a binary set.
            return mean(predictions, labels, weights) { p, y in metric == .merror ? (p.rounded() != y ? 1 : 0) : .nan }
        case .poissonNLogLik:
            return mean(predictions, labels, weights) { p, y in let q = max(p, eps); return lgamma(y + 1) + q - log(q) * y }
        case .gammaNLogLik:
            return mean(predictions, labels, weights) { p, y in let q = max(p, eps); return y / q + log(q) }
        case .gammaDeviance:
            return 2 * mean(predictions, labels, weights) { p, y in
                let q = p + 1e-6, l = y + 1e-6
                return log(q / l) + l / q - 1
            }
        case .tweedieNLogLik(let rho):
            return mean(predictions, labels, weights) { p, y in
                let q = max(p, eps)
                let a = y * exp((1 - rho) * log(q)) / (1 - rho)
                let b = exp((2 - rho) * log(q)) / (2 - rho)
                return -a + b
            }
        case .quantile:
            return mean(predictions, labels, weights) { p, y in
                let d = y - p
                return d >= 0 ? quantileAlpha * d : (quantileAlpha - 1) * d
            }
        case .auc: return binaryAUC(scores: predictions, positive: labels.map { $0 > 0.5 }, weights: weights, threads: threads)
        case .aucpr: return binaryPRAUC(scores: predictions, positive: labels.map { $0 > 0.5 }, weights: weights, threads: threads)
        }
    }

    /// Σ wᵢ·loss(pᵢ, yᵢ) / Σ wᵢ, accumulated in double precision.
    @inline(__always)
    private static func mean(_ predictions: [Float], _ labels: [Float], _ weights: [Float]?, _ loss: (Double, Double) -> Double) -> Double {
        var sum = 0.0, total = 0.0
        if let weights {
            for i in labels.indices {
                let w = Double(weights[i])
                sum += w * loss(Double(predictions[i]), Double(labels[i])); total += w
            }
        } else {
            for i in labels.indices { sum += loss(Double(predictions[i]), Double(labels[i])) }
            total = Double(labels.count)
        }
        return total > 0 ? sum / total : .nan
    }

    private static func multiclass(_ metric: EvalMetric, predictions: [Float], labels: [Float], weights: [Float]?, k: Int,
                                   threads: Int) -> Double {
        switch metric {
        case .merror, .mlogloss:
            var sum = 0.0, total = 0.0
            for i in labels.indices {
                let w = Double(weights?[i] ?? 1)
                let label = Int(labels[i])
                let row = predictions[(i * k)..<(i * k + k)]
                if metric == .merror {
                    // The first class with the largest probability is the prediction.
                    var best = 0
                    for c in 1..<k where row[i * k + c] > row[i * k + best] { best = c }
                    sum += w * (best == label ? 0 : 1)
                } else {
                    sum += w * -log(max(Double(row[i * k + label]), eps))
                }
                total += w
            }
            return total > 0 ? sum / total : .nan
        default:
            // One-vs-rest AUC of each class, averaged with the classes' weighted frequencies.
            var result = 0.0, totalWeight = 0.0
            for c in 0..<k {
                let scores = (0..<labels.count).map { predictions[$0 * k + c] }
                let positive = labels.map { Int($0) == c }
                var classWeight = 0.0
                for i in labels.indices where positive[i] { classWeight += Double(weights?[i] ?? 1) }
                let auc = binaryAUC(scores: scores, positive: positive, weights: weights, threads: threads)
                if classWeight > 0 && !auc.isNaN { result += auc * classWeight; totalWeight += classWeight }
            }
            return totalWeight > 0 ? result / totalWeight : .nan
        }
    }

    /// Weighted ROC AUC; tied scores form one trapezoid.
    static func binaryAUC(scores: [Float], positive: [Bool], weights: [Float]?, threads: Int = 1) -> Double {
        let words = sortedByScore(scores: scores, positive: positive, threads: threads)
        let n = words.count
        // The walk runs in fixed chunks of about 64k positions (whatever the thread count), each
        // starting at a new score: chunk c sums its trapezoids with its own running TP, and the
        // chunks combine as area += A_c + FP_c · (TP before c), the same sum regrouped.
        let chunk = 1 << 16
        var bounds = [0]
        while bounds.last! < n {
            var b = min(n, bounds.last! + chunk)
            while b < n && words[b] >> 32 == words[b - 1] >> 32 { b += 1 }
            bounds.append(b)
        }
        let chunks = bounds.count - 1
        var parts = [SIMD4<Double>](repeating: .zero, count: chunks)  // (tp, fp, area, _)
        words.withUnsafeBufferPointer { words in
            parts.withUnsafeMutableBufferPointer { out in
                let shared = Unshared((words: words.baseAddress!, parts: out.baseAddress!))
                ParallelRunner.forEach(count: chunks, threads: n >= 65_536 ? threads : 1) { c in
                    var tp = 0.0, fp = 0.0, area = 0.0
                    var j = bounds[c]
                    while j < bounds[c + 1] {
                        let group = tieGroup(shared.value.words, at: j, end: bounds[c + 1], weights: weights)
                        area += group.fp * (tp + tp + group.tp) / 2
                        tp += group.tp; fp += group.fp
                        j = group.next
                    }
                    shared.value.parts[c] = SIMD4(tp, fp, area, 0)
                }
            }
        }
        var tp = 0.0, fp = 0.0, area = 0.0
        for part in parts {
            area += part[2] + part[1] * tp
            tp += part[0]; fp += part[1]
        }
        guard tp > 0 && fp > 0 else { return .nan }
        return area / (tp * fp)
    }

    /// The rows in descending score order as words `key << 32 | payload` (`RadixSort.descendingKey`;
    /// payload the row number with the label in its top bit), so the walks read memory in order.
    /// The words are written on `threads` threads, then radix-sorted.
    private static func sortedByScore(scores: [Float], positive: [Bool], threads: Int) -> [UInt64] {
        let n = scores.count
        var words = [UInt64](unsafeUninitializedCapacity: n) { buffer, count in
            let out = Unshared(buffer)
            scores.withUnsafeBufferPointer { scores in
                positive.withUnsafeBufferPointer { positive in
                    let input = Unshared((scores: scores, labels: positive))
                    let blocks = (n + 65_535) / 65_536
                    ParallelRunner.forEach(count: blocks, threads: threads) { block in
                        for i in block * 65_536 ..< min(n, (block + 1) * 65_536) {
                            let payload = UInt32(i) | (input.value.labels[i] ? 0x8000_0000 : 0)
                            out.value[i] = UInt64(RadixSort.descendingKey(input.value.scores[i])) << 32 | UInt64(payload)
                        }
                    }
                }
            }
            count = n
        }
        RadixSort.sortByKey(&words, threads: threads)
        return words
    }

    /// Walks the rows by descending score and calls `body(positive weight, negative weight)` once
    /// per group of equal scores.
    private static func forEachTieGroup(scores: [Float], positive: [Bool], weights: [Float]?, threads: Int,
                                        _ body: (Double, Double) -> Void) {
        let words = sortedByScore(scores: scores, positive: positive, threads: threads)
        words.withUnsafeBufferPointer { words in
            var j = 0
            while j < words.count {
                let group = tieGroup(words.baseAddress!, at: j, end: words.count, weights: weights)
                body(group.tp, group.fp)
                j = group.next
            }
        }
    }

    /// The positive and negative weight of the run of equal keys starting at sorted position `j`
    /// (not past `end`), and the position after it.
    @inline(__always)
    private static func tieGroup(_ words: UnsafePointer<UInt64>, at start: Int, end: Int,
                                 weights: [Float]?) -> (tp: Double, fp: Double, next: Int) {
        let key = words[start] >> 32
        var tp = 0.0, fp = 0.0
        var j = start
        while j < end && words[j] >> 32 == key {
            let p = UInt32(truncatingIfNeeded: words[j])
            let w = weights.map { Double($0[Int(p & 0x7FFF_FFFF)]) } ?? 1
            if p & 0x8000_0000 != 0 { tp += w } else { fp += w }
            j += 1
        }
        return (tp, fp, j)
    }

    /// Weighted area under the precision–recall curve with XGBoost's interpolation between
    /// operating points (precision interpolated along the line between two points in TP–FP space).
    static func binaryPRAUC(scores: [Float], positive: [Bool], weights: [Float]?, threads: Int = 1) -> Double {
        var totalPositive = 0.0, totalNegative = 0.0
        for i in scores.indices {
            let w = Double(weights?[i] ?? 1)
            if positive[i] { totalPositive += w } else { totalNegative += w }
        }
        guard totalPositive > 0 && totalNegative > 0 else { return .nan }
        var tp = 0.0, fp = 0.0, area = 0.0
        forEachTieGroup(scores: scores, positive: positive, weights: weights, threads: threads) { groupTP, groupFP in
            let tpBefore = tp, fpBefore = fp
            tp += groupTP; fp += groupFP
            var a = 1.0, b = 0.0
            if tp != tpBefore {
                let h = (fp - fpBefore) / (tp - tpBefore)
                a = 1 + h
                b = (fpBefore - h * tpBefore) / totalPositive
            }
            let x0 = tpBefore / totalPositive, x1 = tp / totalPositive
            if b != 0 {
                area += (x1 - x0 - b / a * (log(a * x1 + b) - log(a * x0 + b))) / a
            } else {
                area += (x1 - x0) / a
            }
        }
        return area
    }
}
