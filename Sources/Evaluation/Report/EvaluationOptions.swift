import Foundation

/// Settings of an evaluation beyond its input.
public struct EvaluationOptions: Sendable {
    /// Standard deviations: resamples, seed, threads.
    public var bootstrap: BootstrapOptions
    /// Most points kept per curve in `evaluation.json` and the charts (see `CurveThinning`).
    public var curvePointLimit: Int
    /// Equal-width bins of the calibration curve.
    public var calibrationBins: Int
    /// Most points drawn in the regression scatter plots (evenly spaced rows).
    public var scatterPointLimit: Int
    /// Recorded as `dataset.evaluation_time`.
    public var evaluationTime: Date

    public init(bootstrap: BootstrapOptions = BootstrapOptions(), curvePointLimit: Int = 500, calibrationBins: Int = 10,
                scatterPointLimit: Int = 2000, evaluationTime: Date = Date()) {
        self.bootstrap = bootstrap
        self.curvePointLimit = curvePointLimit
        self.calibrationBins = calibrationBins
        self.scatterPointLimit = scatterPointLimit
        self.evaluationTime = evaluationTime
    }
}
