extension BinaryMetrics {
    /// Matthews correlation coefficient of 0/1 `predicted` against 0/1 `labels` (see
    /// `BinaryConfusion.matthewsCorrelation`).
    public static func matthewsCorrelation(labels: [Double], predicted: [Double], weights: [Double]? = nil) -> Double {
        confusion(labels: labels, predicted: predicted, weights: weights).matthewsCorrelation
    }

    /// Cohen's kappa of 0/1 `predicted` against 0/1 `labels` (see `BinaryConfusion.cohenKappa`).
    public static func cohenKappa(labels: [Double], predicted: [Double], weights: [Double]? = nil) -> Double {
        confusion(labels: labels, predicted: predicted, weights: weights).cohenKappa
    }

    /// Balanced accuracy of 0/1 `predicted` against 0/1 `labels` (see
    /// `BinaryConfusion.balancedAccuracy`).
    public static func balancedAccuracy(labels: [Double], predicted: [Double], weights: [Double]? = nil) -> Double {
        confusion(labels: labels, predicted: predicted, weights: weights).balancedAccuracy
    }
}
