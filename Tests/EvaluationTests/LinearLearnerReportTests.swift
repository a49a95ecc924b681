import Evaluation
import MLCore
import Testing

@Suite("Linear Learner report")
struct LinearLearnerReportTests {
    @Test("Binary: names and order as in the log, values from BinaryMetrics", arguments: Fixtures.binary)
    func binary(_ c: BinaryCase) {
        let report = MetricLines.linearLearnerReport(
            task: .binaryClassification, labels: c.labels, outputs: .binaryScores(c.scores), weights: c.weights,
            threshold: c.threshold, beta: 1, topK: 3, objectiveLossName: LinearLearnerMetricName.binaryCrossEntropyObjective,
            objectiveLossValue: 0.25)
        #expect(report.map(\.name) == ["binary_classification_cross_entropy_objective", "binary_classification_accuracy",
                                       "binary_f_1.000", "precision", "recall", "roc_auc_score"])
        #expect(report.map(\.isLoss) == [true, false, false, false, false, false])
        let values = report.map(\.value)
        #expect(values[0] == 0.25)
        expectClose(values[1], c.expected.accuracy, "accuracy")
        expectClose(values[2], c.expected.f1, "f1")
        expectClose(values[3], c.expected.precision, "precision")
        expectClose(values[4], c.expected.recall, "recall")
        expectClose(values[5], c.expected.rocAUC, "auc")
    }

    @Test("Regression: mse, rmse, absolute_loss, r2", arguments: Fixtures.regression)
    func regression(_ c: RegressionCase) {
        let report = MetricLines.linearLearnerReport(
            task: .regression, labels: c.labels, outputs: .regressionPredictions(c.predictions), weights: c.weights,
            threshold: 0, beta: 1, topK: 3, objectiveLossName: "squared_loss_objective", objectiveLossValue: 1.5)
        #expect(report.map(\.name) == ["squared_loss_objective", "mse", "rmse", "absolute_loss", "r2"])
        #expect(report.map(\.isLoss) == [true, true, true, true, false])
        expectClose(report[1].value, c.expected.mse, "mse")
        expectClose(report[2].value, c.expected.rmse, "rmse")
        expectClose(report[3].value, c.expected.mae, "absolute_loss")
        expectClose(report[4].value, c.expected.r2, "r2")
    }

    @Test("Multiclass: accuracy, top-k, dcg, macro recall, precision, F-beta", arguments: Fixtures.multiclass)
    func multiclass(_ c: MulticlassCase) {
        let report = MetricLines.linearLearnerReport(
            task: .multiclassClassification(classes: c.classCount), labels: c.labels,
            outputs: .multiclassProbabilities(c.probabilityMatrix), weights: c.weights, threshold: 0.5, beta: 1, topK: 2,
            objectiveLossName: LinearLearnerMetricName.multiclassCrossEntropyObjective, objectiveLossValue: 0.9)
        #expect(report.map(\.name) == ["multiclass_cross_entropy_objective", "multiclass_accuracy",
                                       "multiclass_top_k_accuracy_2", "dcg", "macro_recall", "macro_precision",
                                       "macro_f_1.000"])
        expectClose(report[1].value, c.expected.accuracy, "accuracy")
        expectClose(report[2].value, c.expected.topK["2"]!, "top2")
        expectClose(report[3].value, c.expected.dcg, "dcg")
        expectClose(report[4].value, c.expected.macro.recall, "macro_recall")
        expectClose(report[5].value, c.expected.macro.precision, "macro_precision")
        expectClose(report[6].value, c.expected.macro.f1, "macro_f")
    }

    @Test("Undefined values are left out: AUC with one class, a NaN objective")
    func undefinedLeftOut() {
        let report = MetricLines.linearLearnerReport(
            task: .binaryClassification, labels: [1, 1, 1], outputs: .binaryScores([0.2, 0.7, 0.9]), threshold: 0.5,
            beta: 1, topK: 3, objectiveLossName: LinearLearnerMetricName.binaryCrossEntropyObjective,
            objectiveLossValue: .nan)
        #expect(report.map(\.name) == ["binary_classification_accuracy", "binary_f_1.000", "precision", "recall"])
        #expect(report.allSatisfy { MetricLines.format($0.value) != nil })
    }
}
