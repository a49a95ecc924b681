import Evaluation
import Foundation
import MLCore
import Testing

@Suite("Binary metrics against scikit-learn")
struct BinaryMetricsTests {
    @Test("Threshold decisions: confusion, accuracy, precision, recall, F-beta", arguments: Fixtures.binary)
    func decisions(_ c: BinaryCase) {
        let predicted = BinaryMetrics.predictions(scores: c.scores, threshold: c.threshold)
        let confusion = BinaryMetrics.confusion(labels: c.labels, predicted: predicted, weights: c.weights)
        expectClose(confusion.tp, c.expected.confusion.tp, "tp")
        expectClose(confusion.fp, c.expected.confusion.fp, "fp")
        expectClose(confusion.tn, c.expected.confusion.tn, "tn")
        expectClose(confusion.fn, c.expected.confusion.fn, "fn")
        #expect(BinaryMetrics.confusion(labels: c.labels, scores: c.scores, threshold: c.threshold, weights: c.weights)
                == confusion)

        expectClose(BinaryMetrics.accuracy(labels: c.labels, predicted: predicted, weights: c.weights), c.expected.accuracy, "accuracy")
        expectClose(BinaryMetrics.precision(labels: c.labels, predicted: predicted, weights: c.weights), c.expected.precision, "precision")
        expectClose(BinaryMetrics.recall(labels: c.labels, predicted: predicted, weights: c.weights), c.expected.recall, "recall")
        expectClose(BinaryMetrics.fBeta(beta: 1, labels: c.labels, predicted: predicted, weights: c.weights), c.expected.f1, "f1")
        expectClose(BinaryMetrics.fBeta(beta: 0.5, labels: c.labels, predicted: predicted, weights: c.weights), c.expected.f0_5, "f0.5")
        expectClose(BinaryMetrics.fBeta(beta: 2, labels: c.labels, predicted: predicted, weights: c.weights), c.expected.f2, "f2")
    }

    @Test("ROC AUC and average precision, ties included", arguments: Fixtures.binary)
    func ranking(_ c: BinaryCase) {
        expectClose(BinaryMetrics.rocAUC(labels: c.labels, scores: c.scores, weights: c.weights), c.expected.rocAUC, "roc_auc")
        expectClose(BinaryMetrics.averagePrecision(labels: c.labels, scores: c.scores, weights: c.weights),
                    c.expected.averagePrecision, "average_precision")
    }

    @Test("Log loss (clipped at float64 eps) and Brier score", arguments: Fixtures.binary.filter { $0.expected.logLoss != nil })
    func probabilistic(_ c: BinaryCase) throws {
        expectClose(BinaryMetrics.logLoss(labels: c.labels, probabilities: c.scores, weights: c.weights),
                    try #require(c.expected.logLoss), "log_loss")
        expectClose(BinaryMetrics.brier(labels: c.labels, probabilities: c.scores, weights: c.weights),
                    try #require(c.expected.brier), "brier")
    }

    @Test("ROC curve equals roc_curve(drop_intermediate=False)", arguments: Fixtures.binary)
    func rocCurve(_ c: BinaryCase) throws {
        let curve = try #require(BinaryMetrics.rocCurve(labels: c.labels, scores: c.scores, weights: c.weights))
        expectClose(curve.falsePositiveRates, try #require(c.expected.rocCurve.fpr), "fpr")
        expectClose(curve.truePositiveRates, try #require(c.expected.rocCurve.tpr), "tpr")
        // The fixture writes sklearn's leading +inf threshold as null (JSON has no infinity).
        #expect(curve.thresholds.first == .infinity)
        let expectedThresholds = c.expected.rocCurve.thresholds
        #expect(expectedThresholds.first == .some(nil))
        #expect(Array(curve.thresholds.dropFirst()) == expectedThresholds.dropFirst().map { $0! })
    }

    @Test("Precision–recall curve equals precision_recall_curve", arguments: Fixtures.binary)
    func precisionRecallCurve(_ c: BinaryCase) throws {
        let curve = try #require(BinaryMetrics.precisionRecallCurve(labels: c.labels, scores: c.scores, weights: c.weights))
        expectClose(curve.precisions, try #require(c.expected.prCurve.precision), "precision")
        expectClose(curve.recalls, try #require(c.expected.prCurve.recall), "recall")
        #expect(curve.thresholds == c.expected.prCurve.thresholds.map { $0! })
    }

    @Test("Fixtures come from the scikit-learn version the log-loss clip was verified with")
    func fixtureProvenance() {
        let file = Fixtures.load("binary.json", as: FixtureFile<BinaryCase>.self)
        #expect(file.sklearn.hasPrefix("1."))
        #expect(Fixtures.binary.count >= 5)
    }
}

@Suite("Binary metrics: edge cases")
struct BinaryEdgeCaseTests {
    @Test("One class only: ROC AUC, ROC curve are nil; AP is nil without positives, 1 without negatives")
    func singleClass() {
        let scores = [0.1, 0.4, 0.35, 0.8]
        let positives = [1.0, 1, 1, 1]
        let negatives = [0.0, 0, 0, 0]
        #expect(BinaryMetrics.rocAUC(labels: positives, scores: scores) == nil)
        #expect(BinaryMetrics.rocAUC(labels: negatives, scores: scores) == nil)
        #expect(BinaryMetrics.rocCurve(labels: negatives, scores: scores) == nil)
        #expect(BinaryMetrics.averagePrecision(labels: negatives, scores: scores) == nil)
        #expect(BinaryMetrics.precisionRecallCurve(labels: negatives, scores: scores) == nil)
        #expect(BinaryMetrics.averagePrecision(labels: positives, scores: scores) == 1)
    }

    @Test("A class present only with weight zero counts as absent")
    func zeroWeightClass() {
        let labels = [1.0, 0, 1, 0]
        let scores = [0.9, 0.2, 0.7, 0.4]
        #expect(BinaryMetrics.rocAUC(labels: labels, scores: scores, weights: [1, 0, 2, 0]) == nil)
        #expect(BinaryMetrics.rocAUC(labels: labels, scores: scores, weights: [1, 1, 2, 1]) == 1)
    }

    @Test("Zero weights are dropped before the curves: they add no thresholds")
    func zeroWeightThresholds() throws {
        let curve = try #require(BinaryMetrics.rocCurve(labels: [1, 0, 1, 0], scores: [0.9, 0.5, 0.7, 0.1],
                                                        weights: [1, 0, 1, 1]))
        #expect(curve.thresholds == [.infinity, 0.9, 0.7, 0.1])
    }

    @Test("All weights zero: accuracy and log loss are NaN, ranking metrics nil, ratios 0")
    func allWeightsZero() {
        let labels = [1.0, 0, 1]
        let scores = [0.8, 0.3, 0.6]
        let weights = [0.0, 0, 0]
        let predicted = BinaryMetrics.predictions(scores: scores, threshold: 0.5)
        #expect(BinaryMetrics.accuracy(labels: labels, predicted: predicted, weights: weights).isNaN)
        #expect(BinaryMetrics.logLoss(labels: labels, probabilities: scores, weights: weights).isNaN)
        #expect(BinaryMetrics.precision(labels: labels, predicted: predicted, weights: weights) == 0)
        #expect(BinaryMetrics.recall(labels: labels, predicted: predicted, weights: weights) == 0)
        #expect(BinaryMetrics.fBeta(beta: 1, labels: labels, predicted: predicted, weights: weights) == 0)
        #expect(BinaryMetrics.rocAUC(labels: labels, scores: scores, weights: weights) == nil)
        #expect(BinaryMetrics.averagePrecision(labels: labels, scores: scores, weights: weights) == nil)
        let choice = BinaryMetrics.bestThreshold(labels: labels, scores: scores, weights: weights, criterion: .accuracy)
        #expect(choice.threshold == 0.8.nextUp)
        #expect(choice.value.isNaN)
    }

    @Test("Constant scores: AUC is exactly one half (one diagonal step)")
    func constantScores() {
        let labels = [1.0, 0, 0, 1, 1, 0, 1]
        let scores = [Double](repeating: 0.3, count: labels.count)
        #expect(BinaryMetrics.rocAUC(labels: labels, scores: scores) == 0.5)
        let predicted = BinaryMetrics.predictions(scores: scores, threshold: 0.3)
        #expect(predicted == [Double](repeating: 1, count: labels.count))
        #expect(BinaryMetrics.recall(labels: labels, predicted: predicted) == 1)
    }

    @Test("Nothing predicted positive: precision and F-beta are 0 (zero_division=0)")
    func noPositivePredictions() {
        let labels = [1.0, 0, 1]
        let predicted = [0.0, 0, 0]
        #expect(BinaryMetrics.precision(labels: labels, predicted: predicted) == 0)
        #expect(BinaryMetrics.fBeta(beta: 1, labels: labels, predicted: predicted) == 0)
        #expect(BinaryMetrics.accuracy(labels: labels, predicted: predicted) == 1.0 / 3)
    }

    @Test("A tied positive–negative pair counts one half, by hand")
    func tieByHand() {
        // Pairs (pos, neg): (0.8, 0.5) ordered, (0.8, 0.2) ordered, (0.5, 0.5) tied, (0.5, 0.2) ordered.
        let auc = BinaryMetrics.rocAUC(labels: [1, 1, 0, 0], scores: [0.8, 0.5, 0.5, 0.2])
        #expect(auc == 3.5 / 4)
        // Weighted: the tied pair (weight 3 × 1) counts 1.5 of the total 3·2 + 1·2 = 8 pair weight.
        let weighted = BinaryMetrics.rocAUC(labels: [1, 1, 0, 0], scores: [0.8, 0.5, 0.5, 0.2], weights: [1, 3, 1, 1])
        let expectedWeighted: Double = (1 + 1 + 1.5 + 3) / 8
        #expect(weighted == expectedWeighted)
    }

    @Test("Log loss of a confident mistake is capped at -log(eps)")
    func logLossClip() {
        let loss = BinaryMetrics.logLoss(labels: [1, 0], probabilities: [0, 1])
        #expect(abs(loss - -log(Double.ulpOfOne)) <= 1e-12)
        #expect(BinaryMetrics.logLoss(labels: [1, 0], probabilities: [1, 0]) == -log(1 - Double.ulpOfOne))
    }

    @Test("Rates derived from the confusion counts")
    func confusionRates() {
        let c = BinaryConfusion(tp: 6, fp: 2, tn: 10, fn: 4)
        #expect(c.total == 22)
        #expect(c.precision == 0.75)
        #expect(c.recall == 0.6)
        #expect(c.trueNegativeRate == 10.0 / 12)
        #expect(c.falsePositiveRate == 2.0 / 12)
        #expect(c.falseNegativeRate == 0.4)
        #expect(abs(c.fBeta(1) - 2 * 0.75 * 0.6 / 1.35) <= 1e-15)
    }
}

@Suite("Binary metrics: large inputs")
struct BinaryLargeInputTests {
    /// 2^20 distinct scores in shuffled order; the example of score rank r (0-based, ascending) is
    /// negative iff r is a multiple of 4. A negative at rank 4m is outranked by every positive
    /// except the 3m below it, which gives the exact pair count. Not timed: it checks that the
    /// single-sort path is right at a size a quadratic algorithm could not finish.
    @Test("AUC on a million scores equals the exact pair count")
    func millionScores() throws {
        let n = 1 << 20
        var generator = SeededGenerator(seed: 7)
        var order = Array(0 ..< n)
        order.shuffle(using: &generator)
        var labels = [Double](repeating: 1, count: n)
        var scores = [Double](repeating: 0, count: n)
        for rank in 0 ..< n {
            scores[order[rank]] = Double(rank) / Double(n)
            if rank % 4 == 0 { labels[order[rank]] = 0 }
        }
        let negatives = n / 4
        let positives = n - negatives
        var orderedPairs = 0
        for m in 0 ..< negatives { orderedPairs += positives - 3 * m }
        let expected = Double(orderedPairs) / (Double(positives) * Double(negatives))

        let auc = try #require(BinaryMetrics.rocAUC(labels: labels, scores: scores))
        #expect(abs(auc - expected) <= 1e-12)
    }
}
