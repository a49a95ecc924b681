import Evaluation
import Foundation
import MLCore
import Testing

/// The scikit-learn reference values written by `scripts/make_evaluation_fixtures.py`.
///
/// The EvaluationTests target declares no resources, so the JSON files are read by path,
/// relative to this source file.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()   // Support
        .deletingLastPathComponent()   // EvaluationTests
        .appendingPathComponent("Fixtures")

    static func load<T: Decodable>(_ name: String, as _: T.Type) -> T {
        let url = directory.appendingPathComponent(name)
        do {
            return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
        } catch {
            preconditionFailure("cannot load fixture \(url.path): \(error)")
        }
    }

    static let binary = load("binary.json", as: FixtureFile<BinaryCase>.self).cases
    static let regression = load("regression.json", as: FixtureFile<RegressionCase>.self).cases
    static let multiclass = load("multiclass.json", as: FixtureFile<MulticlassCase>.self).cases
}

struct FixtureFile<Case: Decodable>: Decodable {
    var sklearn: String
    var cases: [Case]
}

struct BinaryCase: Decodable, Sendable, CustomTestStringConvertible {
    struct Confusion: Decodable, Sendable { var tp, fp, tn, fn: Double }
    struct Curve: Decodable, Sendable {
        var fpr: [Double]?
        var tpr: [Double]?
        var precision: [Double]?
        var recall: [Double]?
        var thresholds: [Double?]
    }
    struct Calibration: Decodable, Sendable { var fractionPositive, meanPredicted: [Double] }
    struct Threshold: Decodable, Sendable {
        var criterion: ThresholdCriterionFixture
        var threshold: Double
        var value: Double
        var met: Bool
    }
    struct Expected: Decodable, Sendable {
        var confusion: Confusion
        var accuracy, precision, recall, f1, f0_5, f2, rocAUC, averagePrecision: Double
        var logLoss, brier: Double?
        var mcc, balancedAccuracy, cohenKappa: Double?
        var calibration: Calibration?
        var rocCurve: Curve
        var prCurve: Curve
        var thresholds: [Threshold]
    }

    var name: String
    var labels: [Double]
    var scores: [Double]
    var weights: [Double]?
    var threshold: Double
    var expected: Expected
    var testDescription: String { name }
}

/// `["accuracy"]`, `["fBeta", 2.0]`, `["precisionAtTargetRecall", 0.8]`, … as in the script.
struct ThresholdCriterionFixture: Decodable, Sendable {
    var criterion: ThresholdCriterion

    init(from decoder: Decoder) throws {
        var container = try decoder.unkeyedContainer()
        let kind = try container.decode(String.self)
        switch kind {
        case "accuracy": criterion = .accuracy
        case "fBeta": criterion = .fBeta(try container.decode(Double.self))
        case "precisionAtTargetRecall": criterion = .precisionAtTargetRecall(try container.decode(Double.self))
        case "recallAtTargetPrecision": criterion = .recallAtTargetPrecision(try container.decode(Double.self))
        default:
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "unknown criterion \(kind)")
        }
    }
}

struct RegressionCase: Decodable, Sendable, CustomTestStringConvertible {
    struct Expected: Decodable, Sendable {
        var mse, rmse, mae, r2, explainedVariance, maxError, mape: Double
    }

    var name: String
    var labels: [Double]
    var predictions: [Double]
    var weights: [Double]?
    var expected: Expected
    var testDescription: String { name }
}

struct MulticlassCase: Decodable, Sendable, CustomTestStringConvertible {
    struct Averaged: Decodable, Sendable { var precision, recall, f1, f0_5, f2: Double }
    struct Expected: Decodable, Sendable {
        var accuracy: Double
        var topK: [String: Double]
        var logLoss: Double
        var confusionMatrix: [[Double]]
        var dcg: Double
        var ndcg: Double?
        var mcc, balancedAccuracy, cohenKappa, brier: Double?
        var rocAUCOvrMacro, rocAUCOvrWeighted: Double?
        var macro, weighted, micro: Averaged
    }

    var name: String
    var classCount: Int
    var labels: [Double]
    var probabilities: [[Double]]
    var weights: [Double]?
    var expected: Expected
    var testDescription: String { name }

    var probabilityMatrix: DenseMatrix<Double> { DenseMatrix(probabilities) }
}

/// Relative agreement to `relative` (1e-9 by default), with an absolute floor of 1e-15 so that
/// exact zeros compare equal to rounding noise.
func expectClose(_ actual: Double?, _ expected: Double, relative: Double = 1e-9, _ what: String = "",
                 sourceLocation: SourceLocation = #_sourceLocation) {
    guard let actual else {
        Issue.record("\(what): got nil, expected \(expected)", sourceLocation: sourceLocation)
        return
    }
    let tolerance = max(relative * max(abs(actual), abs(expected)), 1e-15)
    #expect(abs(actual - expected) <= tolerance, "\(what): \(actual) vs \(expected)", sourceLocation: sourceLocation)
}

func expectClose(_ actual: [Double], _ expected: [Double], _ what: String = "",
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.count, "\(what): \(actual.count) values, expected \(expected.count)",
            sourceLocation: sourceLocation)
    for (i, (a, e)) in zip(actual, expected).enumerated() {
        expectClose(a, e, "\(what)[\(i)]", sourceLocation: sourceLocation)
    }
}
