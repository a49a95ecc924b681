import Evaluation
import Foundation
import MLCore
import Testing
@testable import GradientBoosting

/// Metric values against scikit-learn and xgboost (Fixtures/engine/metrics.json, written by
/// scripts/make_gbdt_metric_fixtures.py).
@Suite struct MetricsTests {
    struct Case: CustomStringConvertible, Sendable {
        let name: String
        let classes: Int
        let predictions: [Float], labels: [Float], weights: [Float]?
        let sklearn: [String: Double], xgboost: [String: Double]
        let quantileAlpha: Double
        var description: String { name }
    }

    static let cases: [Case] = {
        guard let root = try? EngineFixtures.json("metrics.json") else { return [] }
        return (root["cases"] as! [[String: Any]]).map { c in
            Case(name: c["name"] as! String, classes: c["classes"] as! Int,
                 predictions: (c["predictions"] as! [Double]).map(Float.init), labels: (c["labels"] as! [Double]).map(Float.init),
                 weights: (c["weights"] as? [Double])?.map(Float.init),
                 sklearn: c["sklearn"] as! [String: Double], xgboost: c["xgboost"] as! [String: Double],
                 quantileAlpha: c["quantileAlpha"] as? Double ?? 0.5)
        }
    }()

    @Test func fixturesArePresent() { #expect(Self.cases.count == 6) }

    @Test(arguments: cases)
    func matchesScikitLearnAndXGBoost(c: Case) throws {
        for (reference, tolerance) in [(c.sklearn, 2e-6), (c.xgboost, 2e-6)] {
            for (name, expected) in reference {
                let metric = try EvalMetric(parsing: name)
                let value = metric.evaluate(predictions: c.predictions, labels: c.labels, weights: c.weights, classCount: c.classes,
                                            quantileAlpha: c.quantileAlpha)
                #expect(abs(value - expected) <= tolerance * max(1, abs(expected)), "\(c.name) \(name): \(value) vs \(expected)")
            }
        }
    }

    @Test func aucOfOneClassIsNaNAndPerfectRankingIsOne() {
        #expect(EvalMetric.auc.evaluate(predictions: [0.1, 0.2], labels: [1, 1], weights: nil).isNaN)
        #expect(EvalMetric.auc.evaluate(predictions: [0.1, 0.2, 0.9], labels: [0, 0, 1], weights: nil) == 1)
        #expect(EvalMetric.auc.evaluate(predictions: [0.5, 0.5], labels: [0, 1], weights: nil) == 0.5)
    }
}

/// The per-round AUC on large sets walks the sorted scores in 64k chunks on several threads; it
/// must equal the area computed in one piece by Evaluation's `BinaryMetrics.rocAUC` (a separate
/// implementation), with ties and weights, and not depend on the thread count.
@Suite struct LargeAUCTests {
    @Test(arguments: [false, true])
    func chunkedWalkEqualsOnePiece(weighted: Bool) throws {
        var rng = SeededGenerator(seed: 17)
        let n = 300_000
        var scores = [Float](), positive = [Bool](), weights = [Float]()
        for i in 0 ..< n {
            let s = Float(rng.nextUnit())
            // Every fourth score rounded to 1/256: long runs of ties that cross chunk boundaries.
            scores.append(i % 4 == 0 ? (s * 256).rounded() / 256 : s)
            positive.append(rng.nextUnit() < 0.2 + 0.6 * Double(s))
            weights.append(Float(0.25 + rng.nextUnit()))
        }
        let w: [Float]? = weighted ? weights : nil
        let one = MetricEvaluation.binaryAUC(scores: scores, positive: positive, weights: w, threads: 1)
        let two = MetricEvaluation.binaryAUC(scores: scores, positive: positive, weights: w, threads: 2)
        #expect(one == two)
        let reference = try #require(BinaryMetrics.rocAUC(labels: positive.map { $0 ? 1 : 0 }, scores: scores.map(Double.init),
                                                          weights: w?.map(Double.init)))
        #expect(abs(one - reference) < 1e-12, "\(one) vs \(reference)")
    }
}
