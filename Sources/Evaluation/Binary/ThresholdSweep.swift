/// Cumulative weighted true and false positives at every distinct score, highest score first:
/// the single sort behind the ROC and precision–recall curves, the areas under them and
/// threshold selection.
///
/// Entry `i` describes the classifier "positive iff score >= thresholds[i]". Examples of weight
/// zero are dropped first (as scikit-learn does since 1.3), so they create no thresholds. Cost:
/// one sort of (score, signed weight) records (`ScoreSort`: a radix sort, O(n), for large
/// inputs; a comparison sort, O(n log n), for small ones) and one linear pass.
struct ThresholdSweep {
    /// Distinct scores of the examples with non-zero weight, strictly decreasing.
    let thresholds: [Double]
    /// Weight of positives with score >= `thresholds[i]`.
    let truePositives: [Double]
    /// Weight of negatives with score >= `thresholds[i]`.
    let falsePositives: [Double]

    /// Total positive weight.
    var positiveWeight: Double { truePositives.last ?? 0 }
    /// Total negative weight.
    var negativeWeight: Double { falsePositives.last ?? 0 }
    var count: Int { thresholds.count }

    /// Builds the sweep. Inputs must already be validated (0/1 labels, finite scores).
    init(labels: [Double], scores: [Double], weights: [Double]?) {
        let n = labels.count
        var items = [SignedWeightedScore](unsafeUninitializedCapacity: n) { buffer, count in
            var k = 0
            labels.withUnsafeBufferPointer { y in
                scores.withUnsafeBufferPointer { p in
                    if let weights {
                        weights.withUnsafeBufferPointer { w in
                            for i in 0 ..< n where w[i] != 0 {
                                buffer[k] = SignedWeightedScore(score: p[i], signedWeight: y[i] == 1 ? w[i] : -w[i])
                                k += 1
                            }
                        }
                    } else {
                        for i in 0 ..< n {
                            buffer[k] = SignedWeightedScore(score: p[i], signedWeight: y[i] == 1 ? 1 : -1)
                            k += 1
                        }
                    }
                }
            }
            count = k
        }
        ScoreSort.sortDescending(&items)

        // One pass over the sorted records, writing through pointers into arrays sized for the
        // worst case (every score distinct), then trimmed.
        let m = items.count
        var thresholds = [Double](unsafeUninitializedCapacity: m) { _, count in count = m }
        var truePositives = [Double](unsafeUninitializedCapacity: m) { _, count in count = m }
        var falsePositives = [Double](unsafeUninitializedCapacity: m) { _, count in count = m }
        var groups = 0
        items.withUnsafeBufferPointer { sorted in
            thresholds.withUnsafeMutableBufferPointer { t in
                truePositives.withUnsafeMutableBufferPointer { tpOut in
                    falsePositives.withUnsafeMutableBufferPointer { fpOut in
                        var tp = 0.0
                        var fp = 0.0
                        for i in 0 ..< m {
                            let item = sorted[i]
                            if item.signedWeight > 0 { tp += item.signedWeight } else { fp -= item.signedWeight }
                            // Close a group at the last entry of each run of equal scores.
                            if i == m - 1 || sorted[i + 1].score != item.score {
                                t[groups] = item.score
                                tpOut[groups] = tp
                                fpOut[groups] = fp
                                groups += 1
                            }
                        }
                    }
                }
            }
        }
        thresholds.removeLast(m - groups)
        truePositives.removeLast(m - groups)
        falsePositives.removeLast(m - groups)
        self.thresholds = thresholds
        self.truePositives = truePositives
        self.falsePositives = falsePositives
    }

    /// The confusion counts of the classifier "positive iff score >= thresholds[i]".
    @inline(__always)
    func confusion(at i: Int) -> BinaryConfusion {
        let tp = truePositives[i]
        let fp = falsePositives[i]
        return BinaryConfusion(tp: tp, fp: fp, tn: negativeWeight - fp, fn: positiveWeight - tp)
    }
}
