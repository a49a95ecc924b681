@testable import GradientBoosting
import MLCore
import Testing

@Suite("Score order for the ranking metrics")
struct ScoreOrderTests {
    @Test("Radix order equals a stable comparison sort", arguments: [100, 5000, 70_000])
    func matchesStableComparisonSort(count: Int) {
        var generator = SeededGenerator(seed: UInt64(count))
        let scores: [Double] = (0 ..< count).map { i in
            switch i % 5 {
            case 0: (generator.nextGaussian() * 100).rounded() / 100          // many exact ties
            case 1: 0.5 + Double(i % 300) * 1e-13                              // equal as Float, distinct as Double
            case 2: i % 2 == 0 ? 0.0 : -0.0
            case 3: generator.nextUnit()
            default: -1e30 * generator.nextUnit()
            }
        }
        let order = ScoreOrder.descending(scores)
        // The same sequence of scores as a comparison sort (equal scores, −0 and +0 included, are
        // adjacent), and every row exactly once.
        let sortedScores = order.map { scores[$0] }
        #expect(sortedScores == scores.sorted(by: >), "not in descending order")
        #expect(Set(order).count == count && order.count == count, "not a permutation")
        // Rows with bit-identical scores keep their input order.
        let stable = zip(order, order.dropFirst()).allSatisfy { a, b in
            scores[a].bitPattern != scores[b].bitPattern || a < b
        }
        #expect(stable, "equal scores out of row order")
    }
}
