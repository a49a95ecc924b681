/// A precision–recall curve, as scikit-learn's `precision_recall_curve` returns it.
///
/// Entries `0 ..< thresholds.count` describe the classifier "positive iff score >=
/// thresholds[i]", thresholds strictly increasing over the distinct scores of the examples with
/// non-zero weight, so recall decreases along the arrays. One more point closes the curve:
/// precision 1 at recall 0, with no threshold (`precisions.count == thresholds.count + 1`).
public struct PrecisionRecallCurve: Sendable, Equatable {
    /// Precision at each threshold, then 1.
    public var precisions: [Double]
    /// Recall at each threshold (non-increasing), then 0.
    public var recalls: [Double]
    /// The distinct scores in increasing order.
    public var thresholds: [Double]

    public init(precisions: [Double], recalls: [Double], thresholds: [Double]) {
        self.precisions = precisions
        self.recalls = recalls
        self.thresholds = thresholds
    }
}
