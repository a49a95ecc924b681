import Evaluation
import Foundation
import MLCore
import Testing

@Suite("Agreement metrics and calibration against scikit-learn")
struct AgreementMetricsTests {
    @Test("Binary MCC, balanced accuracy, Cohen's kappa at the case threshold", arguments: Fixtures.binary)
    func binary(_ c: BinaryCase) throws {
        let predicted = BinaryMetrics.predictions(scores: c.scores, threshold: c.threshold)
        expectClose(BinaryMetrics.matthewsCorrelation(labels: c.labels, predicted: predicted, weights: c.weights),
                    try #require(c.expected.mcc), "mcc")
        expectClose(BinaryMetrics.balancedAccuracy(labels: c.labels, predicted: predicted, weights: c.weights),
                    try #require(c.expected.balancedAccuracy), "balanced_accuracy")
        let kappa = BinaryMetrics.cohenKappa(labels: c.labels, predicted: predicted, weights: c.weights)
        let expectedKappa = try #require(c.expected.cohenKappa)
        if expectedKappa.isNaN { #expect(kappa.isNaN) } else { expectClose(kappa, expectedKappa, "kappa") }
    }

    @Test("Calibration curve equals calibration_curve(n_bins=10, strategy='uniform')",
          arguments: Fixtures.binary.filter { $0.expected.calibration != nil })
    func calibration(_ c: BinaryCase) throws {
        let expected = try #require(c.expected.calibration)
        let curve = BinaryMetrics.calibrationCurve(labels: c.labels, probabilities: c.scores, binCount: 10)
        expectClose(curve.fractionPositive, expected.fractionPositive, "fraction positive")
        expectClose(curve.meanPredicted, expected.meanPredicted, "mean predicted")
        #expect(curve.binWeights.reduce(0, +) == Double(c.labels.count))
    }

    @Test("Calibration: edge values fall in the lower bin, weights count, empty bins are left out")
    func calibrationByHand() {
        // 0.1 and 0.30000000000000004 (NumPy's third inner edge) sit exactly on edges.
        let curve = BinaryMetrics.calibrationCurve(labels: [0, 1, 1, 0, 1], probabilities: [0.1, 0.15, 0.30000000000000004, 1, 0],
                                                   weights: [1, 3, 2, 1, 0], binCount: 10)
        #expect(curve.binIndices == [0, 1, 2, 9])
        #expect(curve.binWeights == [1, 3, 2, 1])
        #expect(curve.fractionPositive == [0, 1, 1, 0])
        #expect(curve.meanPredicted == [0.1, 0.15, 0.30000000000000004, 1])
    }

    @Test("Multiclass MCC, balanced accuracy, kappa, Brier, one-vs-rest AUC", arguments: Fixtures.multiclass)
    func multiclass(_ c: MulticlassCase) throws {
        let probabilities = c.probabilityMatrix
        let predicted = MulticlassMetrics.predictedLabels(probabilities: probabilities)
        let k = c.classCount
        expectClose(MulticlassMetrics.matthewsCorrelation(labels: c.labels, predicted: predicted, classCount: k, weights: c.weights),
                    try #require(c.expected.mcc), "mcc")
        expectClose(MulticlassMetrics.balancedAccuracy(labels: c.labels, predicted: predicted, classCount: k, weights: c.weights),
                    try #require(c.expected.balancedAccuracy), "balanced_accuracy")
        expectClose(MulticlassMetrics.cohenKappa(labels: c.labels, predicted: predicted, classCount: k, weights: c.weights),
                    try #require(c.expected.cohenKappa), "kappa")
        expectClose(MulticlassMetrics.brier(labels: c.labels, probabilities: probabilities, weights: c.weights),
                    try #require(c.expected.brier), "brier")
        if let macro = c.expected.rocAUCOvrMacro, let weighted = c.expected.rocAUCOvrWeighted {
            expectClose(MulticlassMetrics.rocAUCOneVsRest(average: .macro, labels: c.labels, probabilities: probabilities,
                                                          weights: c.weights), macro, "auc ovr macro")
            expectClose(MulticlassMetrics.rocAUCOneVsRest(average: .weighted, labels: c.labels, probabilities: probabilities,
                                                          weights: c.weights), weighted, "auc ovr weighted")
        }
    }

    @Test("Degenerate agreement: constant decisions give MCC 0 and kappa NaN; one class gives its recall")
    func degenerate() {
        let labels = [1.0, 1, 1, 0]
        let allPositive = [1.0, 1, 1, 1]
        #expect(BinaryMetrics.matthewsCorrelation(labels: labels, predicted: allPositive) == 0)
        #expect(BinaryMetrics.cohenKappa(labels: labels, predicted: allPositive) == 0)
        #expect(BinaryMetrics.cohenKappa(labels: [1, 1, 1], predicted: [1, 1, 1]).isNaN)
        #expect(BinaryMetrics.balancedAccuracy(labels: [1, 1, 1], predicted: [1, 1, 0]) == 2.0 / 3.0)
        #expect(BinaryMetrics.balancedAccuracy(labels: labels, predicted: allPositive) == 0.5)
        // A class absent from the labels: its AUC is undefined.
        let probabilities = DenseMatrix<Double>([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.6, 0.3, 0.1]])
        #expect(MulticlassMetrics.rocAUCOneVsRest(average: .macro, labels: [0, 1, 0], probabilities: probabilities) == nil)
    }
}
