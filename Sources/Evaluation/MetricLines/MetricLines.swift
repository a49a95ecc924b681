import Foundation

/// The metric log lines optml prints for SageMaker's `MetricDefinitions` to scrape, formatted
/// in one place.
///
/// Every function returns `nil` instead of a line when a value is not finite: SageMaker's regexes
/// would not capture `nan` or `inf` (or would capture garbage), so the caller decides what to do
/// (normally: print nothing for that metric).
public enum MetricLines {
    /// A metric value as Linear Learner prints it: Python 2 `str(float)`, i.e. `%.12g` plus `.0`
    /// when that looks like an integer (`1.0`, `0.994793361536`, `22743.7031111`, `1e-05`).
    ///
    /// Returns `nil` for NaN and ±infinity.
    public static func format(_ value: Double) -> String? {
        guard value.isFinite else { return nil }
        let text = String(format: "%.12g", value)
        if text.contains(where: { $0 == "." || $0 == "e" }) { return text }
        return text + ".0"
    }

    /// A Linear Learner `#quality_metric` line.
    ///
    /// Final lines (after model selection) have `epoch` nil:
    /// `#quality_metric: host=algo-1, validation roc_auc_score <score>=0.998988169365`.
    /// Per-epoch lines insert `epoch=<n>, ` after the host:
    /// `#quality_metric: host=algo-1, epoch=14, validation binary_classification_cross_entropy_objective <loss>=0.2024`.
    /// Only the objective loss of `train` and `validation` has service regexes for per-epoch
    /// lines; the other regexes match final lines only (see `linearLearnerDefinitions`).
    /// Returns `nil` when `value` is not finite.
    public static func linearLearnerQuality(host: String, channel: String, epoch: Int?, metric: String, isLoss: Bool,
                                            value: Double) -> String? {
        guard let number = format(value) else { return nil }
        let epochPart = epoch.map { "epoch=\($0), " } ?? ""
        return "#quality_metric: host=\(host), \(epochPart)\(channel) \(metric) \(isLoss ? "<loss>" : "<score>")=\(number)"
    }

    /// The `#quality_metric` line of one `QualityMetric`; `nil` when its value is not finite.
    public static func linearLearnerQuality(host: String, channel: String, epoch: Int?, metric: QualityMetric) -> String? {
        linearLearnerQuality(host: host, channel: channel, epoch: epoch, metric: metric.name, isLoss: metric.isLoss,
                             value: metric.value)
    }

    /// Linear Learner's progress line, `#progress_metric: host=algo-1, completed 100 % of epochs`.
    ///
    /// The percentage is printed as an integer, `100 * completedEpochs / totalEpochs` rounded
    /// down, as observed in public logs.
    public static func linearLearnerProgress(host: String, completedEpochs: Int, totalEpochs: Int) -> String {
        precondition(totalEpochs > 0 && completedEpochs >= 0 && completedEpochs <= totalEpochs,
                     "linearLearnerProgress: \(completedEpochs) of \(totalEpochs) epochs")
        return "#progress_metric: host=\(host), completed \(100 * completedEpochs / totalEpochs) % of epochs"
    }

    /// Linear Learner's throughput line,
    /// `#throughput_metric: host=algo-1, train throughput=22743.7031111 records/second`;
    /// `nil` when the rate is not finite.
    public static func linearLearnerThroughput(host: String, recordsPerSecond: Double) -> String? {
        guard let number = format(recordsPerSecond) else { return nil }
        return "#throughput_metric: host=\(host), train throughput=\(number) records/second"
    }

    /// One XGBoost evaluation round as `EvaluationMonitor` prints it:
    /// `[3]\ttrain-rmse:18.96940\tvalidation-rmse:20.95350`.
    ///
    /// Real tab characters (CloudWatch shows them as `#011`, which the service regexes match),
    /// values as `%.5f`, entries in the order given (XGBoost prints the watchlist in order,
    /// `train` then `validation`, metrics in `eval_metric` order). Returns `nil` when any value
    /// is not finite, because `%.5f` would print `nan`/`inf`, which no regex captures.
    public static func xgboostRound(round: Int, entries: [(dataset: String, metric: String, value: Double)]) -> String? {
        var line = "[\(round)]"
        for entry in entries {
            guard entry.value.isFinite else { return nil }
            line += "\t\(entry.dataset)-\(entry.metric):" + String(format: "%.5f", entry.value)
        }
        return line
    }
}
