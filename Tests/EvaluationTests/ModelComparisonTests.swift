import Evaluation
import Foundation
import MLCore
import Testing

@Suite("Model comparison: paired bootstrap")
struct ModelComparisonTests {
    static let options = ReportHTMLTests.options

    @Test("A clearly stronger model wins on AUC with an interval that excludes zero")
    func strongerWins() throws {
        let comparison = try ModelComparison(ExampleModels.binary(strength: 0.85, seed: 2, name: "xgboost"),
                                             ExampleModels.binary(strength: 0.55, seed: 3, name: "linear"), options: Self.options)
        #expect(comparison.primaryMetric == "auc" && comparison.higherIsBetter)
        #expect(comparison.verdict == .first)
        #expect(comparison.difference > 0)
        #expect(comparison.differenceInterval!.lowerBound > 0)
        #expect(comparison.firstBetterShare == 1)
        #expect(comparison.summary.hasPrefix("'xgboost' is better: AUC "))
        let html = comparison.html()
        #expect(html.contains("xgboost (AUC = ") && html.contains("linear (AUC = "))
        #expect(!html.contains("<script") && !html.contains("NaN"))
        try ReportHTMLTests.write(html, "comparison.html")
        let json = try #require(try JSONSerialization.jsonObject(with: comparison.jsonData()) as? [String: Any])
        #expect(json["better_model"] as? String == "xgboost")
        #expect((json["models"] as? [String: Any])?.keys.sorted() == ["linear", "xgboost"])
    }

    @Test("The same model twice: difference 0, undecided")
    func identical() throws {
        let input = ExampleModels.binary(strength: 0.7, seed: 2, name: "a")
        var copy = input
        copy.modelName = "b"
        let comparison = try ModelComparison(input, copy, options: Self.options)
        #expect(comparison.difference == 0 && comparison.differenceStandardDeviation == 0)
        #expect(comparison.verdict == .undecided)
        #expect(comparison.summary.hasPrefix("No clear difference"))
    }

    @Test("Pairing: the paired spread of two correlated models is far below the unpaired one")
    func pairingMatters() throws {
        // Two nearly identical regressors: their errors move together across resamples.
        let a = ExampleModels.regression(seed: 6)
        var b = a
        guard case .regression(let p) = a.predictions else { return }
        b.predictions = .regression(p.enumerated().map { $1 + ($0 % 2 == 0 ? 0.5 : -0.5) })
        b.modelName = "nudged"
        let comparison = try ModelComparison(a, b, options: Self.options)
        #expect(comparison.primaryMetric == "rmse" && !comparison.higherIsBetter)
        let unpaired = (pow(comparison.first.metrics.metric("rmse")!.standardDeviation, 2)
            + pow(comparison.second.metrics.metric("rmse")!.standardDeviation, 2)).squareRoot()
        #expect(comparison.differenceStandardDeviation < unpaired / 10)
    }

    @Test("Different data or tasks are refused with a clear message")
    func mismatches() {
        let a = ExampleModels.regression(rows: 300, seed: 1)
        var b = a
        b.labels[41] += 1
        #expect(throws: OptmlError.user("Row 42: the label is \(a.labels[41]) for 'house-prices' but \(b.labels[41]) for 'house-prices'; compare on the same data.")) {
            try ModelComparison(a, b)
        }
        #expect(throws: OptmlError.self) { try ModelComparison(a, a, primaryMetric: "auc") }
    }
}
