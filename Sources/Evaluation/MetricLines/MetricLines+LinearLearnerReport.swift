import MLCore

extension MetricLines {
    /// Every final metric Linear Learner reports for one channel, in its log order, computed
    /// once from the model outputs.
    ///
    /// - Binary (`outputs` = `.binaryScores`, decisions "score >= threshold"): the objective,
    ///   `binary_classification_accuracy`, `binary_f_<beta>`, `precision`, `recall`,
    ///   `roc_auc_score` (ranking the scores as given).
    /// - Regression (`.regressionPredictions`): the objective, `mse`, `rmse`, `absolute_loss`
    ///   (mean absolute error), `r2`.
    /// - Multiclass (`.multiclassProbabilities`, arg-max decisions): the objective,
    ///   `multiclass_accuracy`, `multiclass_top_k_accuracy_<topK>`, `dcg`, `macro_recall`,
    ///   `macro_precision`, `macro_f_<beta>`.
    ///
    /// The objective comes first, named `objectiveLossName` (see
    /// `LinearLearnerMetricName.objective`) with the value the solver computed, which may
    /// include terms the metrics cannot see. Metrics whose value is undefined or not finite (ROC
    /// AUC with one class present, anything over a zero total weight, a NaN objective) are left
    /// out, so every element can be printed with `linearLearnerQuality`. `task` must agree with
    /// `outputs` (and its class count with the matrix columns); labels follow the conventions
    /// of `BinaryMetrics`, `RegressionMetrics` and `MulticlassMetrics`.
    public static func linearLearnerReport(task: Task, labels: [Double], outputs: LinearLearnerOutputs,
                                           weights: [Double]? = nil, threshold: Double, beta: Double, topK: Int,
                                           objectiveLossName: String, objectiveLossValue: Double) -> [QualityMetric] {
        typealias Name = LinearLearnerMetricName
        var metrics = [QualityMetric(name: objectiveLossName, isLoss: true, value: objectiveLossValue)]
        switch (task, outputs) {
        case (.binaryClassification, .binaryScores(let scores)):
            let predicted = BinaryMetrics.predictions(scores: scores, threshold: threshold)
            let confusion = BinaryMetrics.confusion(labels: labels, predicted: predicted, weights: weights)
            metrics += [
                QualityMetric(name: Name.binaryAccuracy, isLoss: false, value: confusion.accuracy),
                QualityMetric(name: Name.binaryFBeta(beta), isLoss: false, value: confusion.fBeta(beta)),
                QualityMetric(name: Name.precision, isLoss: false, value: confusion.precision),
                QualityMetric(name: Name.recall, isLoss: false, value: confusion.recall),
            ]
            if let auc = BinaryMetrics.rocAUC(labels: labels, scores: scores, weights: weights) {
                metrics.append(QualityMetric(name: Name.rocAUC, isLoss: false, value: auc))
            }

        case (.regression, .regressionPredictions(let predictions)):
            let mse = RegressionMetrics.mse(labels: labels, predictions: predictions, weights: weights)
            metrics += [
                QualityMetric(name: Name.mse, isLoss: true, value: mse),
                QualityMetric(name: Name.rmse, isLoss: true, value: mse.squareRoot()),
                QualityMetric(name: Name.absoluteLoss, isLoss: true,
                              value: RegressionMetrics.mae(labels: labels, predictions: predictions, weights: weights)),
                QualityMetric(name: Name.r2, isLoss: false,
                              value: RegressionMetrics.r2(labels: labels, predictions: predictions, weights: weights)),
            ]

        case (.multiclassClassification(let classes), .multiclassProbabilities(let probabilities)):
            precondition(probabilities.columns == classes,
                         "linearLearnerReport: \(classes) classes but \(probabilities.columns) probability columns")
            let predicted = MulticlassMetrics.predictedLabels(probabilities: probabilities)
            let counts = ClassCounts(labels: labels, predicted: predicted, classCount: classes, weights: weights)
            let b2 = beta * beta
            metrics += [
                QualityMetric(name: Name.multiclassAccuracy, isLoss: false,
                              value: MulticlassMetrics.accuracy(labels: labels, predicted: predicted, weights: weights)),
                QualityMetric(name: Name.multiclassTopKAccuracy(topK), isLoss: false,
                              value: MulticlassMetrics.topKAccuracy(k: topK, labels: labels, probabilities: probabilities,
                                                                    weights: weights)),
                QualityMetric(name: Name.dcg, isLoss: false,
                              value: MulticlassMetrics.dcg(labels: labels, probabilities: probabilities, weights: weights)),
                QualityMetric(name: Name.macroRecall, isLoss: false,
                              value: counts.combine(.macro) { tp, _, support in BinaryConfusion.ratio(tp, support) }),
                QualityMetric(name: Name.macroPrecision, isLoss: false,
                              value: counts.combine(.macro) { tp, predicted, _ in BinaryConfusion.ratio(tp, predicted) }),
                QualityMetric(name: Name.macroFBeta(beta), isLoss: false,
                              value: counts.combine(.macro) { tp, predicted, support in
                                  BinaryConfusion.ratio((1 + b2) * tp, b2 * support + predicted)
                              }),
            ]

        default:
            preconditionFailure("linearLearnerReport: outputs \(outputs) do not fit task \(task)")
        }
        return metrics.filter { $0.value.isFinite }
    }
}
