extension BinaryConfusion {
    /// The counts as a row-major 2 × 2 matrix, entry (actual, predicted), class 0 first.
    var cells: [Double] { [tn, fp, fn, tp] }

    /// Matthews correlation coefficient, `(tp·tn − fp·fn) / √((tp+fp)(tp+fn)(tn+fp)(tn+fn))`;
    /// 0 when any factor is zero (scikit-learn's `matthews_corrcoef`). In [−1, 1].
    public var matthewsCorrelation: Double {
        cells.withUnsafeBufferPointer { ConfusionAgreement.matthewsCorrelation($0, classCount: 2) }
    }

    /// Cohen's kappa between the labels and the decisions; NaN when both put every example in the
    /// same class (the chance agreement is then 1 and kappa is undefined).
    public var cohenKappa: Double {
        cells.withUnsafeBufferPointer { ConfusionAgreement.cohenKappa($0, classCount: 2) }
    }

    /// Balanced accuracy, (recall + true negative rate) / 2; the recall of the one present class
    /// when the other has zero weight, NaN when the total weight is zero.
    public var balancedAccuracy: Double {
        cells.withUnsafeBufferPointer { ConfusionAgreement.balancedAccuracy($0, classCount: 2) }
    }
}
