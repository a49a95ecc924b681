import Foundation
import MLCore

/// The metric names Linear Learner prints in its `#quality_metric` lines, declared once.
///
/// Observed names (public training logs, contract §7.1) are used verbatim; names marked
/// "inferred" follow the patterns of the service-side regexes but were not seen in a log.
public enum LinearLearnerMetricName {
    /// Binary objective with the logistic loss (observed).
    public static let binaryCrossEntropyObjective = "binary_classification_cross_entropy_objective"
    /// Multiclass objective with the softmax loss (observed).
    public static let multiclassCrossEntropyObjective = "multiclass_cross_entropy_objective"

    /// `binary_classification_accuracy` (observed).
    public static let binaryAccuracy = "binary_classification_accuracy"
    /// `precision` (observed).
    public static let precision = "precision"
    /// `recall` (observed).
    public static let recall = "recall"
    /// `roc_auc_score` (observed).
    public static let rocAUC = "roc_auc_score"

    /// `mse` (regression; the service regex `<ch> mse <loss>=`).
    public static let mse = "mse"
    /// `rmse` (regression; inferred from the tunable metric `validation:rmse`).
    public static let rmse = "rmse"
    /// `absolute_loss`: the mean absolute error (regression; the service regex).
    public static let absoluteLoss = "absolute_loss"
    /// `r2` (regression; our addition, scraped by no service regex and so harmless).
    public static let r2 = "r2"

    /// `multiclass_accuracy` (observed).
    public static let multiclassAccuracy = "multiclass_accuracy"
    /// `dcg` (observed; see `MulticlassMetrics.dcg`).
    public static let dcg = "dcg"
    /// `macro_precision` (observed).
    public static let macroPrecision = "macro_precision"
    /// `macro_recall` (observed).
    public static let macroRecall = "macro_recall"

    /// `binary_f_<beta>` with beta printed as `%.3f`: `binary_f_1.000` (observed).
    public static func binaryFBeta(_ beta: Double) -> String {
        "binary_f_" + String(format: "%.3f", beta)
    }

    /// `macro_f_<beta>` with beta printed as `%.3f`, e.g. `macro_f_1.000` (inferred from
    /// `binary_f_` and the regex `macro_f_\S+`).
    public static func macroFBeta(_ beta: Double) -> String {
        "macro_f_" + String(format: "%.3f", beta)
    }

    /// `multiclass_top_k_accuracy_<k>`, e.g. `multiclass_top_k_accuracy_3` (observed).
    public static func multiclassTopKAccuracy(_ k: Int) -> String {
        "multiclass_top_k_accuracy_\(k)"
    }

    /// The objective-loss name `<task>_<loss>_objective` for a resolved `loss` hyperparameter
    /// value (never `auto`).
    ///
    /// Binary `logistic` is `binary_classification_cross_entropy_objective` and multiclass
    /// `softmax_loss` is `multiclass_cross_entropy_objective` (observed). Regression has no
    /// task prefix: `squared_loss_objective` (inferred from the regex `\S+_objective`). Other
    /// classification losses keep the prefix with their own name, e.g.
    /// `binary_classification_hinge_loss_objective` (inferred).
    public static func objective(task: Task, loss: String) -> String {
        precondition(loss != "auto" && !loss.isEmpty, "objective: resolve the loss before naming it, got '\(loss)'")
        switch task {
        case .regression:
            return "\(loss)_objective"
        case .binaryClassification:
            return loss == "logistic" ? binaryCrossEntropyObjective : "binary_classification_\(loss)_objective"
        case .multiclassClassification:
            return loss == "softmax_loss" ? multiclassCrossEntropyObjective : "multiclass_\(loss)_objective"
        }
    }
}
