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
        var items: [SignedWeightedScore] = []
        items.reserveCapacity(n)
        for i in 0 ..< n {
            let w = weights?[i] ?? 1
            if w == 0 { continue }
            items.append(SignedWeightedScore(score: scores[i], signedWeight: labels[i] == 1 ? w : -w))
        }
        ScoreSort.sortDescending(&items)

        // Local arrays (not `self`'s) inside the loop: no exclusivity checks per append.
        var thresholds: [Double] = []
        var truePositives: [Double] = []
        var falsePositives: [Double] = []
        thresholds.reserveCapacity(items.count)
        truePositives.reserveCapacity(items.count)
        falsePositives.reserveCapacity(items.count)
        var tp = 0.0
        var fp = 0.0
        items.withUnsafeBufferPointer { sorted in
            for i in sorted.indices {
                let item = sorted[i]
                if item.signedWeight > 0 { tp += item.signedWeight } else { fp -= item.signedWeight }
                // Close a group at the last entry of each run of equal scores.
                if i == sorted.count - 1 || sorted[i + 1].score != item.score {
                    thresholds.append(item.score)
                    truePositives.append(tp)
                    falsePositives.append(fp)
                }
            }
        }
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
