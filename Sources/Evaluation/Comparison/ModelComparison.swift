import Foundation
import MLCore

/// Two models evaluated on the same rows, and which is better on the task's primary metric.
///
/// The difference is judged by a paired bootstrap: both reports use the same seed, so resample r
/// draws the same rows for both models (`PoissonResampler` counts depend only on seed, resample
/// and row), and the spread of `metric(A) − metric(B)` over the resamples accounts for the
/// correlation between the two models' errors. A model is called better when the 95 % interval
/// of the paired difference (2.5th to 97.5th percentile of the replicates) excludes zero.
public struct ModelComparison: Sendable {
    /// The first and second model's evaluations.
    public let first: EvaluationReport
    public let second: EvaluationReport
    /// The metric compared (`auc`, `accuracy`, `rmse` by default).
    public let primaryMetric: String
    /// Whether larger values of `primaryMetric` are better.
    public let higherIsBetter: Bool
    /// value(first) − value(second).
    public let difference: Double
    /// Standard deviation of the paired difference over the resamples (NaN without bootstrap).
    public let differenceStandardDeviation: Double
    /// 2.5th and 97.5th percentiles of the paired difference (NaN without bootstrap).
    public let differenceInterval: ClosedRange<Double>?
    /// Share of resamples in which the first model is strictly better.
    public let firstBetterShare: Double

    /// Which model is better, if the paired bootstrap can tell.
    public enum Verdict: String, Sendable {
        case first, second, undecided
    }

    public var verdict: Verdict {
        guard let interval = differenceInterval else { return .undecided }
        let favoursFirst = higherIsBetter ? interval.lowerBound > 0 : interval.upperBound < 0
        let favoursSecond = higherIsBetter ? interval.upperBound < 0 : interval.lowerBound > 0
        return favoursFirst ? .first : favoursSecond ? .second : .undecided
    }

    /// The primary metric of a task and its direction.
    public static func primaryMetric(for task: Task) -> (name: String, higherIsBetter: Bool) {
        switch task {
        case .binaryClassification: return ("auc", true)
        case .multiclassClassification: return ("accuracy", true)
        case .regression: return ("rmse", false)
        }
    }

    /// Metrics where smaller is better; every other metric of `evaluation.json` is a score.
    static let lossNames: Set<String> = ["log_loss", "brier_score", "mae", "mse", "rmse", "max_error", "mape",
                                         "false_positive_rate", "false_negative_rate"]

    /// Evaluates both inputs with the same options (hence the same resamples) and compares them.
    ///
    /// The inputs must describe the same rows: same labels, same weights, same task; otherwise
    /// `OptmlError.user`. `primaryMetric` overrides the task's default (any scalar key of the
    /// metric group).
    public init(_ a: EvaluationInput, _ b: EvaluationInput, options: EvaluationOptions = EvaluationOptions(),
                primaryMetric: String? = nil) throws {
        // The work happens in a static function that builds the value with the memberwise
        // initializer: with the throwing checks inside this initializer, the release compiler
        // (Swift 6.3.1) crashed in CopyPropagation ("Found ownership error").
        self = try Self.make(a, b, options: options, primaryMetric: primaryMetric)
    }

    private init(first: EvaluationReport, second: EvaluationReport, primaryMetric: String, higherIsBetter: Bool,
                 difference: Double, differenceStandardDeviation: Double, differenceInterval: ClosedRange<Double>?,
                 firstBetterShare: Double) {
        self.first = first
        self.second = second
        self.primaryMetric = primaryMetric
        self.higherIsBetter = higherIsBetter
        self.difference = difference
        self.differenceStandardDeviation = differenceStandardDeviation
        self.differenceInterval = differenceInterval
        self.firstBetterShare = firstBetterShare
    }

    private static func make(_ a: EvaluationInput, _ b: EvaluationInput, options: EvaluationOptions,
                             primaryMetric: String?) throws -> ModelComparison {
        guard a.task == b.task else {
            throw OptmlError.user("Cannot compare a \(a.task) model with a \(b.task) model; both must solve the same task.")
        }
        guard a.labels.count == b.labels.count else {
            throw OptmlError.user("The two evaluations have \(a.labels.count) and \(b.labels.count) rows; compare on the same data.")
        }
        if let i = Self.firstDifferentLabel(a.labels, b.labels) {
            throw OptmlError.user("Row \(i + 1): the label is \(a.labels[i]) for '\(a.modelName)' but \(b.labels[i]) for '\(b.modelName)'; compare on the same data.")
        }
        guard a.weights == b.weights else {
            throw OptmlError.user("The two evaluations use different row weights; compare on the same data.")
        }
        let reportA = try EvaluationReport(a, options: options)
        let reportB = try EvaluationReport(b, options: options)
        let metric = primaryMetric ?? ModelComparison.primaryMetric(for: a.task).name
        guard let valueA = reportA.metrics.metric(metric), let valueB = reportB.metrics.metric(metric) else {
            throw OptmlError.user("Unknown metric '\(metric)' to compare on; choose one of: \(Self.scalarMetricNames(reportA.metrics)).")
        }
        let higher = !Self.lossNames.contains(metric)
        var spread = Double.nan
        var interval: ClosedRange<Double>? = nil
        var share = Double.nan
        if let ra = reportA.replicates.replicates(of: metric), let rb = reportB.replicates.replicates(of: metric), !ra.isEmpty {
            let paired = zip(ra, rb).map { $0 - $1 }.filter(\.isFinite).sorted()
            spread = BootstrapReplicates.standardDeviation(paired)
            if paired.count >= 2 {
                interval = Self.quantile(paired, 0.025) ... Self.quantile(paired, 0.975)
            }
            let wins = zip(ra, rb).filter { higher ? $0 > $1 : $0 < $1 }.count
            share = Double(wins) / Double(ra.count)
        }
        return ModelComparison(first: reportA, second: reportB, primaryMetric: metric, higherIsBetter: higher,
                               difference: valueA.value - valueB.value, differenceStandardDeviation: spread,
                               differenceInterval: interval, firstBetterShare: share)
    }

    /// The first row whose labels differ (two NaN labels count as equal).
    static func firstDifferentLabel(_ a: [Double], _ b: [Double]) -> Int? {
        a.indices.first { a[$0] != b[$0] && !(a[$0].isNaN && b[$0].isNaN) }
    }

    /// The scalar metrics of a group, comma-separated, for messages.
    static func scalarMetricNames(_ group: MetricGroup) -> String {
        group.names.filter { group.metric($0) != nil }.joined(separator: ", ")
    }

    /// Quantile `q` of sorted values by linear interpolation between order statistics (NumPy's
    /// default); `sorted` holds at least two values.
    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        let h = q * Double(sorted.count - 1)
        let lo = Int(h.rounded(.down)), hi = min(lo + 1, sorted.count - 1)
        return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
    }

    /// One sentence for people: which model is better on the primary metric, by how much, and
    /// how sure the bootstrap is.
    public var summary: String {
        let name = EvaluationReport.displayName(primaryMetric)
        let a = first.modelName, b = second.modelName
        let values = "\(name) \(HTMLText.number(first.metrics.metric(primaryMetric)!.value)) vs \(HTMLText.number(second.metrics.metric(primaryMetric)!.value))"
        guard let interval = differenceInterval else {
            return "\(values); no bootstrap, so no verdict on which model is better."
        }
        let spread = "difference \(HTMLText.number(difference, digits: 3)) ± \(HTMLText.number(differenceStandardDeviation, digits: 2)), "
            + "95 % interval [\(HTMLText.number(interval.lowerBound, digits: 3)), \(HTMLText.number(interval.upperBound, digits: 3))], "
            + "'\(a)' better in \(HTMLText.number(100 * firstBetterShare, digits: 3)) % of \(first.replicates.resamples) paired resamples"
        switch verdict {
        case .first: return "'\(a)' is better: \(values); \(spread)."
        case .second: return "'\(b)' is better: \(values); \(spread)."
        case .undecided: return "No clear difference: \(values); \(spread)."
        }
    }

    /// Machine-readable comparison: both documents side by side plus the verdict.
    public func jsonData() throws -> Data {
        struct Output: Encodable {
            var primary_metric: String
            var higher_is_better: Bool
            var better_model: String?
            var difference: MetricValue
            var difference_interval_95: [MetricValue]
            var first_better_share: MetricValue
            var models: [String: ModelQualityDocument]
            var summary: String
        }
        let better: String? = verdict == .first ? first.modelName : verdict == .second ? second.modelName : nil
        let output = Output(primary_metric: primaryMetric, higher_is_better: higherIsBetter, better_model: better,
                            difference: MetricValue(value: difference, standardDeviation: differenceStandardDeviation),
                            difference_interval_95: differenceInterval.map { [MetricValue(value: $0.lowerBound), MetricValue(value: $0.upperBound)] } ?? [],
                            first_better_share: MetricValue(value: firstBetterShare),
                            models: [first.modelName: first.document, second.modelName: second.document], summary: summary)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(output)
    }
}
