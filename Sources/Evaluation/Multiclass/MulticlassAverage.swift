/// How per-class precision, recall and F-beta are combined into one number (scikit-learn's
/// `average=`).
public enum MulticlassAverage: Sendable, Equatable, CaseIterable {
    /// Unweighted mean over all `classCount` classes, including classes absent from both the
    /// labels and the predictions (they count as 0, `zero_division=0`).
    case macro
    /// Mean over classes weighted by each class's (weighted) support in the labels.
    case weighted
    /// Computed from the totals over all classes; for single-label data precision, recall and
    /// F-beta all equal accuracy.
    case micro
}
