import Foundation
import Testing
import TestSupport

/// optml's Linear Learner against scikit-learn on the same rows with the same regularisation
/// (fixtures from scripts/make_parity_fixtures.py): AUC within 0.002, RMSE within 0.5 %,
/// accuracy within 0.5 % (or one test row, on these small test sets).
@Suite struct SklearnParityTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var dataset: String
        var hyperparameters: [String: String]
        var testRows: Int
        var sklearn: [String: Double]
        var testDescription: String { "\(dataset) wd=\(hyperparameters["wd"] ?? "?")" }
    }

    static let cases: [Case] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/sklearn_parity.json")
        guard let data = try? Data(contentsOf: url),
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let cases = json["cases"] as? [[String: Any]] else { return [] }
        return cases.map {
            Case(dataset: $0["dataset"] as! String, hyperparameters: $0["hyperparameters"] as! [String: String],
                 testRows: $0["test_rows"] as! Int, sklearn: $0["sklearn"] as! [String: Double])
        }
    }()

    @Test func fixturesArePresent() {
        #expect(Self.cases.count >= 6)
    }

    @Test(arguments: cases)
    func matchesScikitLearn(_ c: Case) throws {
        let tree = try TemporaryOptML(copying: c.dataset)
        defer { tree.remove() }
        try tree.writeJSON("input/config/hyperparameters.json", c.hyperparameters)
        // Train and test only: the fixtures fit the train rows without model selection.
        try tree.writeJSON("input/config/inputdataconfig.json", [
            "train": ["ContentType": "text/csv", "TrainingInputMode": "File"],
            "test": ["ContentType": "text/csv", "TrainingInputMode": "File"],
        ])
        let result = try runProcess(Repository.optmlExecutable, ["train"], environment: ["SAGEMAKER_BASE_DIR": tree.root.path])
        #expect(result.status == 0, "\(result.stdout)")
        var ours: [String: Double] = [:]
        for line in result.stdout.split(separator: "\n") where line.hasPrefix("#quality_metric: host=algo-1, test ") {
            let parts = line.split(separator: " ")
            if let eq = parts[4].firstIndex(of: "="), let v = Double(parts[4][parts[4].index(after: eq)...]) {
                ours[String(parts[3])] = v
            }
        }
        for (metric, reference) in c.sklearn {
            let value = try #require(ours[metric], "optml printed no test \(metric)")
            switch metric {
            case "roc_auc_score":
                #expect(abs(value - reference) <= 0.002, "AUC \(value) vs scikit-learn \(reference)")
            case "rmse":
                #expect(abs(value - reference) <= 0.005 * reference, "RMSE \(value) vs scikit-learn \(reference)")
            default:
                let tolerance = max(0.005, 1.0 / Double(c.testRows) + 1e-12)
                #expect(abs(value - reference) <= tolerance, "\(metric) \(value) vs scikit-learn \(reference)")
            }
        }
    }
}
