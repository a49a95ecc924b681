import Evaluation
import Foundation
import MLCore
import Testing

@Suite("Multiclass metrics")
struct MulticlassMetricsTests {
    @Test("Accuracy, top-k (with sklearn's tie rule), log loss, confusion matrix, dcg", arguments: Fixtures.multiclass)
    func scalar(_ c: MulticlassCase) {
        let probabilities = c.probabilityMatrix
        expectClose(MulticlassMetrics.accuracy(labels: c.labels, probabilities: probabilities, weights: c.weights),
                    c.expected.accuracy, "accuracy")
        for (key, value) in c.expected.topK {
            expectClose(MulticlassMetrics.topKAccuracy(k: Int(key)!, labels: c.labels, probabilities: probabilities,
                                                       weights: c.weights), value, "top_\(key)")
        }
        expectClose(MulticlassMetrics.logLoss(labels: c.labels, probabilities: probabilities, weights: c.weights),
                    c.expected.logLoss, "log_loss")
        expectClose(MulticlassMetrics.dcg(labels: c.labels, probabilities: probabilities, weights: c.weights),
                    c.expected.dcg, "dcg")
        if let ndcg = c.expected.ndcg {
            expectClose(MulticlassMetrics.dcg(labels: c.labels, probabilities: probabilities, weights: c.weights), ndcg, "ndcg")
        }
        let predicted = MulticlassMetrics.predictedLabels(probabilities: probabilities)
        let matrix = MulticlassMetrics.confusionMatrix(labels: c.labels, predicted: predicted, classCount: c.classCount,
                                                       weights: c.weights)
        expectClose(matrix.storage, c.expected.confusionMatrix.flatMap { $0 }, "confusion")
    }

    @Test("Precision, recall, F-beta: macro, weighted, micro (zero_division=0)", arguments: Fixtures.multiclass)
    func averaged(_ c: MulticlassCase) {
        let predicted = MulticlassMetrics.predictedLabels(probabilities: c.probabilityMatrix)
        let k = c.classCount
        for (average, expected) in [(MulticlassAverage.macro, c.expected.macro), (.weighted, c.expected.weighted),
                                    (.micro, c.expected.micro)] {
            let tag = "\(average)"
            expectClose(MulticlassMetrics.precision(average: average, labels: c.labels, predicted: predicted,
                                                    classCount: k, weights: c.weights), expected.precision, "\(tag) precision")
            expectClose(MulticlassMetrics.recall(average: average, labels: c.labels, predicted: predicted,
                                                 classCount: k, weights: c.weights), expected.recall, "\(tag) recall")
            expectClose(MulticlassMetrics.fBeta(beta: 1, average: average, labels: c.labels, predicted: predicted,
                                                classCount: k, weights: c.weights), expected.f1, "\(tag) f1")
            expectClose(MulticlassMetrics.fBeta(beta: 0.5, average: average, labels: c.labels, predicted: predicted,
                                                classCount: k, weights: c.weights), expected.f0_5, "\(tag) f0.5")
            expectClose(MulticlassMetrics.fBeta(beta: 2, average: average, labels: c.labels, predicted: predicted,
                                                classCount: k, weights: c.weights), expected.f2, "\(tag) f2")
        }
        // The named conveniences are the same numbers.
        expectClose(MulticlassMetrics.macroPrecision(labels: c.labels, predicted: predicted, classCount: k, weights: c.weights),
                    c.expected.macro.precision, "macroPrecision")
        expectClose(MulticlassMetrics.macroRecall(labels: c.labels, predicted: predicted, classCount: k, weights: c.weights),
                    c.expected.macro.recall, "macroRecall")
        expectClose(MulticlassMetrics.macroFBeta(beta: 1, labels: c.labels, predicted: predicted, classCount: k,
                                                 weights: c.weights), c.expected.macro.f1, "macroFBeta")
        expectClose(MulticlassMetrics.weightedFBeta(beta: 2, labels: c.labels, predicted: predicted, classCount: k,
                                                    weights: c.weights), c.expected.weighted.f2, "weightedFBeta")
        expectClose(MulticlassMetrics.microRecall(labels: c.labels, predicted: predicted, classCount: k, weights: c.weights),
                    c.expected.micro.recall, "microRecall")
    }

    @Test("Ranks and the tie rule, by hand")
    func ranks() {
        let p = DenseMatrix<Double>([[0.4, 0.4, 0.2], [0.2, 0.5, 0.3], [0.3, 0.3, 0.4]])
        // Row 0: tie between classes 0 and 1; class 1 (higher index) ranks first.
        // Row 1: label 2 is second. Row 2: label 0 ties with 1 below class 2, so it is third.
        let ranks = MulticlassMetrics.trueClassRanks(labels: [0, 2, 0], probabilities: p)
        #expect(ranks == [2, 2, 3])
        #expect(MulticlassMetrics.predictedLabels(probabilities: p) == [0, 1, 2])
        #expect(MulticlassMetrics.topKAccuracy(k: 1, labels: [0, 2, 0], probabilities: p) == 0)
        #expect(MulticlassMetrics.accuracy(labels: [0, 2, 0], probabilities: p) == 1.0 / 3)
        let dcg = MulticlassMetrics.dcg(labels: [0, 2, 0], probabilities: p)
        let expectedDCG: Double = (2 / log2(3.0) + 0.5) / 3
        #expect(abs(dcg - expectedDCG) <= 1e-15)
        #expect(MulticlassMetrics.dcg(labels: [1, 1, 2], probabilities: p) == 1)
    }

    @Test("Zero total weight: accuracy, log loss and dcg are NaN; averaged ratios are 0")
    func zeroWeights() {
        let p = DenseMatrix<Double>([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
        let labels = [0.0, 2]
        let weights = [0.0, 0]
        #expect(MulticlassMetrics.accuracy(labels: labels, probabilities: p, weights: weights).isNaN)
        #expect(MulticlassMetrics.logLoss(labels: labels, probabilities: p, weights: weights).isNaN)
        #expect(MulticlassMetrics.dcg(labels: labels, probabilities: p, weights: weights).isNaN)
        for average in MulticlassAverage.allCases {
            #expect(MulticlassMetrics.precision(average: average, labels: labels, predicted: [0, 2], classCount: 3,
                                                weights: weights) == 0)
        }
    }
}
