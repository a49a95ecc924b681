import MLCore

/// What a model predicted on a labelled data set, plus what the report shows beside the metrics.
///
/// Rows are numbered from 1 in input order in every error message.
public struct EvaluationInput: Sendable {
    /// The model outputs, which also say the task.
    public enum Predictions: Sendable, Equatable {
        /// Binary classification: one score per row, the positive-class probability when
        /// `areProbabilities` (log loss, Brier score and the calibration curve need it), a raw
        /// margin otherwise.
        case binary(scores: [Double], areProbabilities: Bool)
        /// Multiclass classification: an n × k matrix of class probabilities.
        case multiclass(probabilities: DenseMatrix<Double>)
        /// Regression: one predicted value per row.
        case regression([Double])
    }

    /// True targets: 0/1 (binary), class index 0 ..< k stored as Double (multiclass), any finite
    /// number (regression).
    public var labels: [Double]
    public var predictions: Predictions
    /// Per-row weights, finite and non-negative; `nil` means all ones.
    public var weights: [Double]?
    /// Shown in the report title and recorded in `evaluation.json`.
    public var modelName: String
    /// Binary decisions are "positive iff score >= threshold"; `nil` means 0.5 for probabilities
    /// and 0 for margins.
    public var decisionThreshold: Double?
    /// Display names of the classes (binary: 2, multiclass: k), used by the report; the
    /// confusion matrix of `evaluation.json` keeps Model Monitor's class indices as keys.
    public var classNames: [String]?
    /// Feature importance to chart, one entry per kind (gain, cover, weight; standardised
    /// coefficients for linear models).
    public var featureImportance: [FeatureImportance]
    /// Per-round or per-epoch training metrics to chart.
    public var history: [TrainingSeries]

    public init(labels: [Double], predictions: Predictions, weights: [Double]? = nil, modelName: String = "model",
                decisionThreshold: Double? = nil, classNames: [String]? = nil,
                featureImportance: [FeatureImportance] = [], history: [TrainingSeries] = []) {
        self.labels = labels
        self.predictions = predictions
        self.weights = weights
        self.modelName = modelName
        self.decisionThreshold = decisionThreshold
        self.classNames = classNames
        self.featureImportance = featureImportance
        self.history = history
    }

    /// The task the predictions describe.
    public var task: Task {
        switch predictions {
        case .binary: return .binaryClassification
        case .multiclass(let p): return .multiclassClassification(classes: p.columns)
        case .regression: return .regression
        }
    }

    /// The threshold binary decisions use.
    public var effectiveThreshold: Double? {
        guard case .binary(_, let probabilities) = predictions else { return nil }
        return decisionThreshold ?? (probabilities ? 0.5 : 0)
    }
}

/// Importance of each feature by one measure.
public struct FeatureImportance: Sendable, Equatable {
    /// What is measured: "gain", "cover", "weight", "standardised coefficient", …
    public var kind: String
    public var names: [String]
    public var values: [Double]

    public init(kind: String, names: [String], values: [Double]) {
        precondition(names.count == values.count, "FeatureImportance: \(names.count) names but \(values.count) values")
        self.kind = kind
        self.names = names
        self.values = values
    }
}

/// One training metric over rounds or epochs, e.g. `validation:auc` per boosting round.
public struct TrainingSeries: Sendable, Equatable {
    /// Series name as the training log prints it (`train:rmse`, `validation:binary_f_beta`).
    public var name: String
    /// The round or epoch of each value.
    public var steps: [Double]
    public var values: [Double]
    /// "round" or "epoch": the x-axis label.
    public var stepName: String

    public init(name: String, steps: [Double], values: [Double], stepName: String = "round") {
        precondition(steps.count == values.count, "TrainingSeries: \(steps.count) steps but \(values.count) values")
        self.name = name
        self.steps = steps
        self.values = values
        self.stepName = stepName
    }
}
