/// Cumulative weighted true and false positives at every distinct score, highest score first:
/// the single sort behind the ROC and precision–recall curves, the areas under them and
/// threshold selection.
///
/// Entry `i` describes the classifier "positive iff score >= thresholds[i]". Examples of weight
/// zero are dropped first (as scikit-learn does since 1.3), so they create no thresholds. Cost:
/// one O(n log n) sort of (score, weight, label) records and one linear pass.
struct ThresholdSweep {
    /// Distinct scores of the examples with non-zero weight, strictly decreasing.
    private(set) var thresholds: [Double] = []
    /// Weight of positives with score >= `thresholds[i]`.
    private(set) var truePositives: [Double] = []
    /// Weight of negatives with score >= `thresholds[i]`.
    private(set) var falsePositives: [Double] = []

    /// Total positive weight.
    var positiveWeight: Double { truePositives.last ?? 0 }
    /// Total negative weight.
    var negativeWeight: Double { falsePositives.last ?? 0 }
    var count: Int { thresholds.count }

    private struct Entry {
        var score: Double
        var weight: Double
        var isPositive: Bool
    }

    /// Builds the sweep. Inputs must already be validated (0/1 labels, finite scores).
    init(labels: [Double], scores: [Double], weights: [Double]?) {
        let n = labels.count
        var entries: [Entry] = []
        entries.reserveCapacity(n)
        for i in 0 ..< n {
            let w = weights?[i] ?? 1
            if w == 0 { continue }
            entries.append(Entry(score: scores[i], weight: w, isPositive: labels[i] == 1))
        }
        entries.sort { $0.score > $1.score }

        var tp = 0.0
        var fp = 0.0
        entries.withUnsafeBufferPointer { sorted in
            for i in sorted.indices {
                let e = sorted[i]
                if e.isPositive { tp += e.weight } else { fp += e.weight }
                // Close a group at the last entry of each run of equal scores.
                if i == sorted.count - 1 || sorted[i + 1].score != e.score {
                    thresholds.append(e.score)
                    truePositives.append(tp)
                    falsePositives.append(fp)
                }
            }
        }
    }

    /// The confusion counts of the classifier "positive iff score >= thresholds[i]".
    @inline(__always)
    func confusion(at i: Int) -> BinaryConfusion {
        let tp = truePositives[i]
        let fp = falsePositives[i]
        return BinaryConfusion(tp: tp, fp: fp, tn: negativeWeight - fp, fn: positiveWeight - tp)
    }
}
