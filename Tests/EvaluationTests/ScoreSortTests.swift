@testable import Evaluation
import Foundation
import MLCore
import Testing

@Suite("Score sort (radix path)")
struct ScoreSortTests {
    /// Scores with negatives, both zeros, ties and extreme magnitudes, above the radix threshold.
    static func scores(count: Int, seed: UInt64) -> [Double] {
        var generator = SeededGenerator(seed: seed)
        let specials: [Double] = [0.0, -0.0, 1e-300, -1e-300, 1e300, -1e300, .leastNonzeroMagnitude,
                                  -.leastNonzeroMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude]
        return (0 ..< count).map { i in
            if i % 97 == 0 { return specials[(i / 97) % specials.count] }
            return ((generator.nextGaussian() * 5) * 100).rounded() / 100
        }
    }

    @Test("Radix order equals the comparison sort's", arguments: [ScoreSort.radixThreshold, 10_000, 65_537])
    func matchesComparisonSort(count: Int) {
        let values = Self.scores(count: count, seed: UInt64(count))
        var items = values.enumerated().map { SignedWeightedScore(score: $0.element, signedWeight: Double($0.offset + 1)) }
        ScoreSort.sortDescending(&items)
        let expected = values.sorted(by: >)
        // −0 and +0 compare equal, so compare as Doubles.
        #expect(items.map(\.score) == expected)
        // A permutation: every payload survives exactly once.
        #expect(Set(items.map(\.signedWeight)).count == count)
    }

    @Test("Scores that agree in single precision are still ordered by their full value")
    func runsOfEqualSinglePrecisionKeys() {
        // 10,000 scores in runs of up to 200 that round to the same Float, interleaved with
        // short runs and distinct values.
        let values: [Double] = (0 ..< 10_000).map { i in
            switch i % 3 {
            case 0: 0.5 + Double((i * 7919) % 200) * 1e-13
            case 1: 0.25 + Double((i * 31) % 5) * 1e-12
            default: Double(i) / 10_000
            }
        }
        var items = values.enumerated().map { SignedWeightedScore(score: $0.element, signedWeight: Double($0.offset + 1)) }
        ScoreSort.sortDescending(&items)
        #expect(items.map(\.score) == values.sorted(by: >))
        #expect(Set(items.map(\.signedWeight)).count == values.count)
    }

    @Test("AUC through the radix path equals a Mann–Whitney count over a dictionary of scores")
    func aucMatchesMannWhitney() throws {
        let n = 20_000
        let scores = Self.scores(count: n, seed: 3)
        var generator = SeededGenerator(seed: 4)
        let labels = scores.map { s in generator.nextUnit() < 1 / (1 + exp(-s)) ? 1.0 : 0.0 }
        let weights = (0 ..< n).map { i in i % 13 == 0 ? 0 : generator.nextUnit() * 2 }

        // Weight of positives and negatives at each distinct score (−0 and +0 merge as keys).
        var byScore: [Double: (positive: Double, negative: Double)] = [:]
        for i in 0 ..< n {
            let key = scores[i] == 0 ? 0 : scores[i]
            var entry = byScore[key, default: (0, 0)]
            if labels[i] == 1 { entry.positive += weights[i] } else { entry.negative += weights[i] }
            byScore[key] = entry
        }
        var positivesAbove = 0.0
        var pairs = 0.0
        var totalNegative = 0.0
        for key in byScore.keys.sorted(by: >) {
            let entry = byScore[key]!
            pairs += entry.negative * (positivesAbove + entry.positive / 2)
            positivesAbove += entry.positive
            totalNegative += entry.negative
        }
        let expected = pairs / (positivesAbove * totalNegative)
        let auc = try #require(BinaryMetrics.rocAUC(labels: labels, scores: scores, weights: weights))
        #expect(abs(auc - expected) <= 1e-12 * expected)
    }
}
