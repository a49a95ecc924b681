/// The decision threshold `BinaryMetrics.bestThreshold` picked, and how good it is.
public struct ThresholdChoice: Sendable, Equatable {
    /// Predict positive iff score >= threshold.
    public var threshold: Double
    /// The optimised quantity at `threshold`: accuracy, F-beta, precision (for
    /// `precisionAtTargetRecall`) or recall (for `recallAtTargetPrecision`). NaN only when the
    /// total weight is zero.
    public var value: Double
    /// Whether the target of a `…AtTarget…` criterion is reached; always true for accuracy and
    /// F-beta. When false, `threshold` is the one whose constrained quantity came closest to the
    /// target.
    public var met: Bool

    public init(threshold: Double, value: Double, met: Bool) {
        self.threshold = threshold
        self.value = value
        self.met = met
    }
}
