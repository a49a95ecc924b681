import Foundation

/// The `evaluation.json` document: SageMaker Model Monitor's model-quality statistics schema,
/// which the model registry (`ModelMetrics.ModelQuality.Statistics`) and Pipelines (`JsonGet` on
/// `<group>.<metric>.value`) read unchanged.
///
/// Exactly one of the three metric groups is present, chosen by the task. Each group is an
/// ordered list of entries: the Model Monitor metrics first, under their documented names, then
/// the project's additional metrics in the same `{value, standard_deviation}` shape (readers of
/// the schema ignore keys they do not know).
public struct ModelQualityDocument: Codable, Sendable, Equatable {
    /// Schema version, 0.0 as Model Monitor writes it.
    public var version: Double
    public var dataset: DatasetSummary
    public var binaryClassificationMetrics: MetricGroup?
    public var multiclassClassificationMetrics: MetricGroup?
    public var regressionMetrics: MetricGroup?
    /// How the numbers were made (model name, threshold, bootstrap settings); not part of the
    /// Model Monitor schema.
    public var evaluation: EvaluationSettings?

    public init(version: Double = 0.0, dataset: DatasetSummary, binaryClassificationMetrics: MetricGroup? = nil,
                multiclassClassificationMetrics: MetricGroup? = nil, regressionMetrics: MetricGroup? = nil,
                evaluation: EvaluationSettings? = nil) {
        self.version = version
        self.dataset = dataset
        self.binaryClassificationMetrics = binaryClassificationMetrics
        self.multiclassClassificationMetrics = multiclassClassificationMetrics
        self.regressionMetrics = regressionMetrics
        self.evaluation = evaluation
    }

    enum CodingKeys: String, CodingKey {
        case version, dataset, evaluation
        case binaryClassificationMetrics = "binary_classification_metrics"
        case multiclassClassificationMetrics = "multiclass_classification_metrics"
        case regressionMetrics = "regression_metrics"
    }

    /// The group present, whichever task it is.
    public var metrics: MetricGroup? { binaryClassificationMetrics ?? multiclassClassificationMetrics ?? regressionMetrics }

    /// The group's key: `binary_classification_metrics`, `multiclass_classification_metrics` or
    /// `regression_metrics`.
    public var groupName: String? {
        if binaryClassificationMetrics != nil { return CodingKeys.binaryClassificationMetrics.rawValue }
        if multiclassClassificationMetrics != nil { return CodingKeys.multiclassClassificationMetrics.rawValue }
        if regressionMetrics != nil { return CodingKeys.regressionMetrics.rawValue }
        return nil
    }

    /// Pretty-printed JSON with a stable key order inside each group (Model Monitor's order
    /// first), so files diff well.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}

/// `dataset` of the model-quality document.
public struct DatasetSummary: Codable, Sendable, Equatable {
    /// Number of rows evaluated.
    public var itemCount: Int
    /// When the evaluation ran, ISO 8601 in UTC with milliseconds (`2026-11-30T21:08:34.729Z`).
    public var evaluationTime: String

    public init(itemCount: Int, evaluationTime: String) {
        self.itemCount = itemCount
        self.evaluationTime = evaluationTime
    }

    public init(itemCount: Int, evaluationTime: Date) {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        self.init(itemCount: itemCount, evaluationTime: formatter.string(from: evaluationTime))
    }

    enum CodingKeys: String, CodingKey {
        case itemCount = "item_count"
        case evaluationTime = "evaluation_time"
    }
}

/// How an evaluation was made, recorded next to the metrics.
public struct EvaluationSettings: Codable, Sendable, Equatable {
    public var modelName: String?
    /// Decision threshold of the binary decisions (`score >= threshold` is positive).
    public var decisionThreshold: Double?
    /// "poisson_bootstrap" (see `BootstrapOptions`).
    public var standardDeviationMethod: String
    public var bootstrapResamples: Int
    public var bootstrapSeed: UInt64

    public init(modelName: String?, decisionThreshold: Double?, standardDeviationMethod: String = "poisson_bootstrap",
                bootstrapResamples: Int, bootstrapSeed: UInt64) {
        self.modelName = modelName
        self.decisionThreshold = decisionThreshold
        self.standardDeviationMethod = standardDeviationMethod
        self.bootstrapResamples = bootstrapResamples
        self.bootstrapSeed = bootstrapSeed
    }

    enum CodingKeys: String, CodingKey {
        case modelName = "model_name"
        case decisionThreshold = "decision_threshold"
        case standardDeviationMethod = "standard_deviation_method"
        case bootstrapResamples = "bootstrap_resamples"
        case bootstrapSeed = "bootstrap_seed"
    }
}
