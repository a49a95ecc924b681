/// The data behind the report's charts, computed with the metrics.
public struct ReportFigures: Sendable {
    /// Binary: thinned ROC curve (false positive rates, true positive rates).
    public var roc: (x: [Double], y: [Double])?
    /// Binary: thinned precision–recall curve (recalls, precisions), recall increasing.
    public var precisionRecall: (x: [Double], y: [Double])?
    /// Binary with probabilities: reliability diagram.
    public var calibration: CalibrationCurve?
    /// Binary: decisions at a ladder of thresholds, the decision threshold included.
    public var thresholdTable: [ThresholdRow]
    /// Classification: class names and the weighted confusion matrix (actual × predicted).
    public var classNames: [String]
    public var confusion: [[Double]]
    /// Regression: actual and predicted values of evenly spaced rows.
    public var regressionSample: (actual: [Double], predicted: [Double])?

    init() {
        thresholdTable = []
        classNames = []
        confusion = []
    }
}
