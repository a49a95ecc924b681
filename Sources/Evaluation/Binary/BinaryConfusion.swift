/// Weighted counts of a binary confusion matrix, and the rates derived from them.
///
/// Every ratio whose denominator is zero is 0 (scikit-learn's `zero_division=0`), except
/// `accuracy`, which is NaN when the total weight is zero (scikit-learn raises there).
public struct BinaryConfusion: Sendable, Equatable {
    /// Weight of positives predicted positive.
    public var tp: Double
    /// Weight of negatives predicted positive.
    public var fp: Double
    /// Weight of negatives predicted negative.
    public var tn: Double
    /// Weight of positives predicted negative.
    public var fn: Double

    public init(tp: Double, fp: Double, tn: Double, fn: Double) {
        self.tp = tp
        self.fp = fp
        self.tn = tn
        self.fn = fn
    }

    /// Total weight of all examples.
    public var total: Double { tp + fp + tn + fn }

    /// (tp + tn) / total; NaN when the total weight is zero.
    public var accuracy: Double { (tp + tn) / total }

    /// tp / (tp + fp), 0 when nothing is predicted positive.
    public var precision: Double { Self.ratio(tp, tp + fp) }

    /// tp / (tp + fn) (the true positive rate), 0 when there are no positives.
    public var recall: Double { Self.ratio(tp, tp + fn) }

    /// tn / (tn + fp), 0 when there are no negatives.
    public var trueNegativeRate: Double { Self.ratio(tn, tn + fp) }

    /// fp / (fp + tn), 0 when there are no negatives.
    public var falsePositiveRate: Double { Self.ratio(fp, fp + tn) }

    /// fn / (fn + tp), 0 when there are no positives.
    public var falseNegativeRate: Double { Self.ratio(fn, fn + tp) }

    /// F-beta, `(1 + β²)·tp / ((1 + β²)·tp + β²·fn + fp)`, 0 when the denominator is zero.
    ///
    /// This is scikit-learn's form (computed from counts, not from rounded precision and recall).
    public func fBeta(_ beta: Double) -> Double {
        let b2 = beta * beta
        return Self.ratio((1 + b2) * tp, (1 + b2) * tp + b2 * fn + fp)
    }

    @inline(__always)
    static func ratio(_ numerator: Double, _ denominator: Double) -> Double {
        denominator == 0 ? 0 : numerator / denominator
    }
}
