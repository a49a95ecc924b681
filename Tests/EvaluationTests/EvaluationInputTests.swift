import Evaluation
import Foundation
import MLCore
import Testing

@Suite("Evaluation input: errors name the row, degenerate data is reported, not hidden")
struct EvaluationInputTests {
    static func message(_ input: EvaluationInput) -> String? {
        do {
            _ = try EvaluationReport(input)
            return nil
        } catch let error as OptmlError {
            #expect(error.kind == .user)
            return error.message
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test("Bad input gives a user error with the row and what would be right", arguments: [
        (EvaluationInput(labels: [0, 1, .nan], predictions: .binary(scores: [0.1, 0.2, 0.3], areProbabilities: true)),
         "Row 3: the label is nan; every row needs a finite label."),
        (EvaluationInput(labels: [0, 2], predictions: .binary(scores: [0.1, 0.2], areProbabilities: true)),
         "Row 2: the label is 2.0; binary classification labels must be 0 or 1."),
        (EvaluationInput(labels: [0, 1], predictions: .binary(scores: [0.1, .nan], areProbabilities: false)),
         "Row 2: the model's score is nan; scores must be finite numbers."),
        (EvaluationInput(labels: [0, 1], predictions: .binary(scores: [1.5, 0.2], areProbabilities: true)),
         "Row 1: the predicted probability is 1.5; probabilities must lie in [0, 1]."),
        (EvaluationInput(labels: [0, 1], predictions: .binary(scores: [0.5], areProbabilities: true)),
         "The data has 2 labelled rows but the model made 1 predictions; they must match row for row."),
        (EvaluationInput(labels: [], predictions: .regression([])), "Nothing to evaluate: the data has no rows."),
        (EvaluationInput(labels: [1, 2], predictions: .regression([1, .infinity])),
         "Row 2: the prediction is inf; predictions must be finite numbers."),
        (EvaluationInput(labels: [1, 2], predictions: .regression([1, 2]), weights: [1, -1]),
         "Row 2: the weight is -1.0; weights must be finite and non-negative."),
        (EvaluationInput(labels: [1, 2], predictions: .regression([1, 2]), weights: [0, 0]),
         "Every row has weight 0; at least one row needs a positive weight."),
        (EvaluationInput(labels: [0, 2.5], predictions: .multiclass(probabilities: DenseMatrix([[0.5, 0.3, 0.2], [0.1, 0.1, 0.8]]))),
         "Row 2: the label is 2.5; with 3 classes labels must be integers 0 to 2."),
        (EvaluationInput(labels: [0, 1], predictions: .multiclass(probabilities: DenseMatrix([[0.5, 0.3, 0.2], [0.1, .nan, 0.8]]))),
         "Row 2: the probability of class 1 is nan; class probabilities must lie in [0, 1]."),
        (EvaluationInput(labels: [0, 1], predictions: .binary(scores: [0.1, 0.9], areProbabilities: true), classNames: ["no"]),
         "1 class names were given for 2 classes; give one name per class."),
    ])
    func errors(_ input: EvaluationInput, _ expected: String) {
        #expect(Self.message(input) == expected)
    }

    @Test("One class only: the report is written, AUC is \"NaN\", and a warning says why")
    func oneClass() throws {
        let report = try EvaluationReport(EvaluationInput(labels: [1, 1, 1], predictions: .binary(scores: [0.2, 0.7, 0.9], areProbabilities: true)))
        #expect(report.metrics.metric("auc")!.value.isNaN)
        #expect(report.metrics.metric("recall")!.value == 2.0 / 3)
        #expect(report.warnings.contains { $0.hasPrefix("Only positive (1) rows carry weight") })
        #expect(report.metrics["receiver_operating_characteristic_curve"] == nil)
        #expect(String(decoding: try report.jsonData(), as: UTF8.self).contains(#""value" : "NaN""#))
    }

    @Test("Constant predictions: AUC one half, warned; regression with a constant prediction has R² ≤ 0")
    func constantPredictions() throws {
        let binary = try EvaluationReport(EvaluationInput(labels: [0, 1, 1, 0, 1], predictions: .binary(scores: [0.4, 0.4, 0.4, 0.4, 0.4], areProbabilities: true)))
        #expect(binary.metrics.metric("auc")!.value == 0.5)
        #expect(binary.warnings.contains { $0.contains("does not rank rows") })
        let regression = try EvaluationReport(EvaluationInput(labels: [1, 2, 3, 4], predictions: .regression([2.5, 2.5, 2.5, 2.5])))
        #expect(regression.metrics.metric("r2")!.value == 0)
        #expect(regression.metrics.metric("rmse")!.value == (1.25 as Double).squareRoot())
    }

    @Test("Fewer rows than the minimum: standard deviations are NaN and a warning says so")
    func tooFewRows() throws {
        let report = try EvaluationReport(EvaluationInput(labels: [1, 2, 3], predictions: .regression([1, 2, 4])))
        #expect(report.metrics.metric("mae")!.standardDeviation.isNaN)
        #expect(report.warnings.contains { $0.contains("at least 200 rows") })
    }
}
