import MLCore

/// What a Linear Learner model produced for a channel, per predictor type.
public enum LinearLearnerOutputs: Sendable {
    /// Binary classifier: one score per example, compared with a threshold (positive iff
    /// score >= threshold). Probabilities for the logistic loss, raw margins for hinge.
    case binaryScores([Double])
    /// Regressor: one prediction per example, in label units.
    case regressionPredictions([Double])
    /// Multiclass classifier: an n × k matrix of class probabilities.
    case multiclassProbabilities(DenseMatrix<Double>)
}
