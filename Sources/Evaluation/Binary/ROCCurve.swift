/// A receiver operating characteristic curve, as scikit-learn's
/// `roc_curve(..., drop_intermediate=False)` returns it.
///
/// Point 0 is (0, 0) at threshold `+infinity`; point `i > 0` is the classifier "positive iff
/// score >= thresholds[i]", thresholds strictly decreasing over the distinct scores of the
/// examples with non-zero weight. The last point is (1, 1).
public struct ROCCurve: Sendable, Equatable {
    /// False positive rates, non-decreasing, from 0 to 1.
    public var falsePositiveRates: [Double]
    /// True positive rates (recall), non-decreasing, from 0 to 1.
    public var truePositiveRates: [Double]
    /// `+infinity`, then the distinct scores in decreasing order.
    public var thresholds: [Double]

    public init(falsePositiveRates: [Double], truePositiveRates: [Double], thresholds: [Double]) {
        self.falsePositiveRates = falsePositiveRates
        self.truePositiveRates = truePositiveRates
        self.thresholds = thresholds
    }
}
