import Evaluation
import Testing

@Suite("Threshold selection")
struct ThresholdSelectionTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var fixture: BinaryCase
        var index: Int
        var testDescription: String { "\(fixture.name) #\(index) \(fixture.expected.thresholds[index].criterion.criterion)" }
    }

    static let rows: [Row] = Fixtures.binary.flatMap { c in c.expected.thresholds.indices.map { Row(fixture: c, index: $0) } }

    @Test("Matches a brute-force search over every candidate", arguments: rows)
    func bruteForce(_ row: Row) {
        let c = row.fixture
        let expected = c.expected.thresholds[row.index]
        let choice = BinaryMetrics.bestThreshold(labels: c.labels, scores: c.scores, weights: c.weights,
                                                 criterion: expected.criterion.criterion)
        #expect(choice.threshold == expected.threshold)
        expectClose(choice.value, expected.value, "value")
        #expect(choice.met == expected.met)
    }

    @Test("Predicted positive iff score >= threshold: the chosen threshold reproduces the value")
    func inclusiveThreshold() {
        let labels = [0.0, 0, 1, 1, 0, 1]
        let scores = [0.1, 0.3, 0.3, 0.6, 0.7, 0.9]
        let choice = BinaryMetrics.bestThreshold(labels: labels, scores: scores, criterion: .accuracy)
        let predicted = BinaryMetrics.predictions(scores: scores, threshold: choice.threshold)
        #expect(BinaryMetrics.accuracy(labels: labels, predicted: predicted) == choice.value)
        #expect(scores.contains(choice.threshold))
    }

    @Test("All negative wins when positives are rare and badly ranked")
    func allNegative() {
        let choice = BinaryMetrics.bestThreshold(labels: [0, 0, 0, 1], scores: [0.9, 0.8, 0.7, 0.1], criterion: .accuracy)
        #expect(choice.threshold == 0.9.nextUp)
        #expect(choice.value == 0.75)
    }

    @Test("Ties go to the higher threshold")
    func tiesPreferHigherThreshold() {
        // Thresholds 0.8 and 0.2 both give accuracy 3/4; 0.8 is kept.
        let choice = BinaryMetrics.bestThreshold(labels: [1, 0, 1, 0], scores: [0.9, 0.5, 0.3, 0.1], criterion: .accuracy)
        #expect(choice.threshold == 0.9)
        #expect(choice.value == 0.75)
    }

    @Test("Target not reachable: closest constraint, met == false")
    func unreachableTarget() {
        // Best precision over all thresholds is 2/3, below the 0.9 target.
        let labels = [0.0, 1, 1, 0, 1, 0]
        let scores = [0.95, 0.9, 0.8, 0.7, 0.4, 0.2]
        let choice = BinaryMetrics.bestThreshold(labels: labels, scores: scores, criterion: .recallAtTargetPrecision(0.9))
        #expect(!choice.met)
        #expect(choice.threshold == 0.8)
        #expect(choice.value == 2.0 / 3)
    }

    @Test("Precision at target recall picks the most precise threshold that keeps the recall")
    func precisionAtRecall() {
        let labels = [1.0, 1, 0, 1, 0, 0, 1, 0]
        let scores = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2]
        // Recall ≥ 0.75 first holds at 0.6 (3 of 4 positives, precision 3/4).
        let choice = BinaryMetrics.bestThreshold(labels: labels, scores: scores, criterion: .precisionAtTargetRecall(0.75))
        #expect(choice.met)
        #expect(choice.threshold == 0.6)
        #expect(choice.value == 0.75)
    }
}
