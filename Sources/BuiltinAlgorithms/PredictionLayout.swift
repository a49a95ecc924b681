/// The shape of one prediction and the response conventions of the algorithm that made it
/// (contract §4.4 for Linear Learner, §4.5 for XGBoost).
///
/// Every record's prediction has a `score` (one number, or a list for class-probability vectors)
/// and, for classifiers that decide, a `predicted_label`. Encoders write them in this order:
/// JSON objects `{"score": …, "predicted_label": …}`, CSV lines `predicted_label,score…`.
public struct PredictionLayout: Sendable, Equatable {
    /// How many numbers make up one record's score: 1, or the class count for per-class scores.
    public var scoreWidth: Int
    /// The score is written as a list (`"score": [0.1, 0.9]`) even when `scoreWidth` is 1.
    public var scoreIsList: Bool
    /// Records also carry a `predicted_label` (an integer class index).
    public var hasPredictedLabel: Bool
    /// The Accept used when a request names none (or `*/*`) and
    /// `SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT` is unset: `application/json` for Linear Learner,
    /// `text/csv` for XGBoost.
    public var defaultAccept: String
    /// Under batch transform (`SAGEMAKER_BATCH=true`) the response is one plain prediction per
    /// line whatever the Accept, as the SageMaker XGBoost container answers.
    public var batchAnswersPlainLines: Bool
    /// Scores are printed as the shortest text that reads back to the same `Float` (the
    /// reference containers compute in single precision), else to the same `Double`.
    public var printsSinglePrecision: Bool
    /// What the score means, for algorithms whose responses can be reshaped by
    /// `SAGEMAKER_INFERENCE_OUTPUT` (XGBoost, contract §4.5); nil for the others.
    public var scoreMeaning: ScoreMeaning?

    public init(scoreWidth: Int, scoreIsList: Bool, hasPredictedLabel: Bool, defaultAccept: String,
                batchAnswersPlainLines: Bool, printsSinglePrecision: Bool, scoreMeaning: ScoreMeaning? = nil) {
        precondition(scoreWidth >= 1, "a prediction has at least one score")
        self.scoreWidth = scoreWidth
        self.scoreIsList = scoreIsList
        self.hasPredictedLabel = hasPredictedLabel
        self.defaultAccept = defaultAccept
        self.batchAnswersPlainLines = batchAnswersPlainLines
        self.printsSinglePrecision = printsSinglePrecision
        self.scoreMeaning = scoreMeaning
    }
}

/// What one record's score is, so that derived outputs (a predicted label, the class
/// probabilities, the list of labels) can be computed from it as the SageMaker XGBoost
/// container's selectable inference output does (contract §4.5).
public enum ScoreMeaning: Sendable, Equatable {
    /// A regression prediction (every `reg:`/`count:` objective).
    case regression
    /// The probability of class 1 (`binary:logistic`).
    case probabilityOfOne
    /// The untransformed margin of class 1 (`binary:logitraw`).
    case marginOfOne
    /// The decided label 0 or 1 (`binary:hinge`).
    case hingeLabel
    /// The decided class index among `classes` (`multi:softmax`).
    case classIndex(classes: Int)
    /// One probability per class (`multi:softprob`).
    case classProbabilities(classes: Int)
}
