import Foundation

/// The per-round evaluation line of XGBoost's training log (contract §7.2), which SageMaker's
/// `MetricDefinitions` scrape.
public enum XGBoostMetricLine {
    /// `[<round>]` then, for every result in order, a tab and `<data>-<metric>:<value>` with five
    /// decimals, as XGBoost's `EvaluationMonitor` prints it:
    /// `[3]\ttrain-rmse:0.41234\tvalidation-rmse:0.52345`.
    ///
    /// Values that are not finite are printed as C's printf prints them (`nan`, `inf`, `-inf`);
    /// the metric regexes do not capture them, so a tuning job sees no value for that round.
    public static func format(round: Int, results: [(data: String, metric: String, value: Double)]) -> String {
        var line = "[\(round)]"
        for r in results {
            line += "\t\(r.data)-\(r.metric):" + String(format: "%.5f", r.value)
        }
        return line
    }
}
