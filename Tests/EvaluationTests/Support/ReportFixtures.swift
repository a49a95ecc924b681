import Evaluation
import Foundation
import MLCore
import Testing

/// The scikit-learn values and bootstrap standard deviations written by
/// `scripts/make_report_fixtures.py`.
struct ReportFixtureFile: Decodable {
    var seed: UInt64
    var resamples: Int
    var cases: [ReportCase]

    static let file = Fixtures.load("report.json", as: ReportFixtureFile.self)
}

struct ReportCase: Decodable, Sendable, CustomTestStringConvertible {
    struct Expected: Decodable, Sendable {
        var value: Double
        var standard_deviation: Double?
    }

    var name: String
    var labels: [Double]
    var scores: [Double]?
    var probabilities: [[Double]]?
    var predictions: [Double]?
    var weights: [Double]?
    var threshold: Double?
    var expected: [String: Expected]
    var testDescription: String { name }

    var input: EvaluationInput {
        let predicted: EvaluationInput.Predictions
        if let scores {
            predicted = .binary(scores: scores, areProbabilities: true)
        } else if let probabilities {
            predicted = .multiclass(probabilities: DenseMatrix(probabilities))
        } else {
            predicted = .regression(predictions!)
        }
        return EvaluationInput(labels: labels, predictions: predicted, weights: weights, modelName: name,
                               decisionThreshold: threshold)
    }
}
