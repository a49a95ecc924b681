/// What a decision threshold is chosen to optimise on a validation set: Linear Learner's
/// `binary_classifier_model_selection_criteria` (except `loss_function`, which selects models,
/// not thresholds).
public enum ThresholdCriterion: Sendable, Equatable {
    /// Maximise weighted accuracy (`accuracy`).
    case accuracy
    /// Maximise F-beta with the given beta > 0 (`f_beta`, with the `f_beta` hyperparameter).
    case fBeta(Double)
    /// Maximise precision among thresholds whose recall is at least the target in (0, 1]
    /// (`precision_at_target_recall`, with `target_recall`).
    case precisionAtTargetRecall(Double)
    /// Maximise recall among thresholds whose precision is at least the target in (0, 1]
    /// (`recall_at_target_precision`, with `target_precision`).
    case recallAtTargetPrecision(Double)
}
