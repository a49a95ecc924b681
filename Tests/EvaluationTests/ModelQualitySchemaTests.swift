import Evaluation
import Foundation
import MLCore
import Testing

/// The structure of evaluation.json as SageMaker Model Monitor documents it
/// (sagemaker-contract.md §9.1) and Pipelines reads it (§9.2: `<group>.<metric>.value`).
@Suite("evaluation.json schema")
struct ModelQualitySchemaTests {
    static let modelMonitorNames: [String: [String]] = [
        "binary_classification_metrics": [
            "confusion_matrix", "recall", "precision", "accuracy", "recall_best_constant_classifier",
            "precision_best_constant_classifier", "accuracy_best_constant_classifier", "true_positive_rate",
            "true_negative_rate", "false_positive_rate", "false_negative_rate", "receiver_operating_characteristic_curve",
            "precision_recall_curve", "auc", "f0_5", "f1", "f2", "f0_5_best_constant_classifier",
            "f1_best_constant_classifier", "f2_best_constant_classifier",
        ],
        "multiclass_classification_metrics": [
            "confusion_matrix", "accuracy", "weighted_recall", "weighted_precision", "weighted_f0_5", "weighted_f1",
            "weighted_f2", "accuracy_best_constant_classifier", "weighted_recall_best_constant_classifier",
            "weighted_precision_best_constant_classifier", "weighted_f0_5_best_constant_classifier",
            "weighted_f1_best_constant_classifier", "weighted_f2_best_constant_classifier",
        ],
        "regression_metrics": ["mae", "mse", "rmse", "r2"],
    ]

    static func json(_ report: EvaluationReport) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: report.jsonData()) as? [String: Any])
    }

    @Test("Top level, dataset, one group with every Model Monitor key; scalars are {value, standard_deviation}",
          arguments: ReportFixtureFile.file.cases)
    func structure(_ c: ReportCase) throws {
        let report = try EvaluationReport(c.input, options: EvaluationReportTests.options())
        let root = try Self.json(report)
        #expect(root["version"] as? Double == 0.0)
        let dataset = try #require(root["dataset"] as? [String: Any])
        #expect(dataset["item_count"] as? Int == c.labels.count)
        #expect(dataset["evaluation_time"] as? String == "2026-11-30T00:53:20.250Z")
        let groups = Self.modelMonitorNames.keys.filter { root[$0] != nil }
        #expect(groups.count == 1)
        let groupName = try #require(groups.first)
        let group = try #require(root[groupName] as? [String: Any])
        for name in Self.modelMonitorNames[groupName]! { #expect(group[name] != nil, "missing \(groupName).\(name)") }
        for (name, entry) in group {
            guard let object = entry as? [String: Any] else { Issue.record("\(name) is not an object"); continue }
            if name == "confusion_matrix" {
                let k = c.probabilities?.first?.count ?? 2
                #expect(Set(object.keys) == Set((0 ..< k).map(String.init)))
                for (_, row) in object {
                    let cells = try #require(row as? [String: Double])
                    #expect(Set(cells.keys) == Set((0 ..< k).map(String.init)))
                }
            } else if name == "receiver_operating_characteristic_curve" {
                let fpr = try #require(object["false_positive_rates"] as? [Double])
                let tpr = try #require(object["true_positive_rates"] as? [Double])
                #expect(fpr.count == tpr.count)
                #expect(fpr.first == 0 && tpr.first == 0 && fpr.last == 1 && tpr.last == 1)
                #expect(zip(fpr, fpr.dropFirst()).allSatisfy { $0 <= $1 })
            } else if name == "precision_recall_curve" {
                let precisions = try #require(object["precisions"] as? [Double])
                let recalls = try #require(object["recalls"] as? [Double])
                #expect(precisions.count == recalls.count)
                #expect(recalls.first == 0 && recalls.last == 1)
                #expect(precisions.allSatisfy { $0 >= 0 && $0 <= 1 })
            } else {
                #expect(Set(object.keys) == ["value", "standard_deviation"], "\(name)")
                #expect(object["value"] is Double, "\(name).value")
                #expect(object["standard_deviation"] is Double, "\(name).standard_deviation")
            }
        }
        // The Pipelines JsonGet path.
        let first = Self.modelMonitorNames[groupName]!.first { $0 != "confusion_matrix" }!
        #expect((group[first] as? [String: Any])?["value"] is Double)
        // The Codable model reads its own output back.
        let decoded = try JSONDecoder().decode(ModelQualityDocument.self, from: report.jsonData())
        #expect(decoded.groupName == groupName)
        #expect(Set(decoded.metrics!.names) == Set(report.metrics.names))
        for name in report.metrics.names { #expect(decoded.metrics![name] == report.metrics[name], "\(name)") }
    }

    @Test("The Dev Guide's binary example: 3 negatives (1 right), 1 positive (right)")
    func modelMonitorExample() throws {
        let input = EvaluationInput(labels: [0, 0, 0, 1], predictions: .binary(scores: [0.1, 0.6, 0.7, 0.9], areProbabilities: true))
        let report = try EvaluationReport(input)
        let root = try Self.json(report)
        let group = try #require(root["binary_classification_metrics"] as? [String: Any])
        let matrix = try #require(group["confusion_matrix"] as? [String: [String: Double]])
        #expect(matrix == ["0": ["0": 1, "1": 2], "1": ["0": 0, "1": 1]])
        let expected: [String: Double] = [
            "recall": 1, "precision": 1.0 / 3, "accuracy": 0.5, "recall_best_constant_classifier": 1,
            "precision_best_constant_classifier": 0.25, "accuracy_best_constant_classifier": 0.25,
            "true_positive_rate": 1, "true_negative_rate": 1.0 / 3, "false_positive_rate": 2.0 / 3, "false_negative_rate": 0,
            "auc": 1, "f0_5": 0.38461538461538464, "f1": 0.5, "f2": 0.7142857142857143,
            "f0_5_best_constant_classifier": 0.29411764705882354, "f1_best_constant_classifier": 0.4,
            "f2_best_constant_classifier": 0.625,
        ]
        for (name, value) in expected {
            let entry = try #require(group[name] as? [String: Any], "\(name)")
            expectClose(entry["value"] as? Double, value, name)
            // Four rows: fewer than 200, so no standard deviation, written as the string "NaN".
            #expect(entry["standard_deviation"] as? String == "NaN", "\(name)")
        }
    }

    @Test("NaN is the string \"NaN\" and decodes back to NaN")
    func nanRoundTrip() throws {
        let data = try JSONEncoder().encode(MetricValue(value: .nan, standardDeviation: 0.5))
        #expect(String(decoding: data, as: UTF8.self).contains("\"NaN\""))
        let back = try JSONDecoder().decode(MetricValue.self, from: data)
        #expect(back.value.isNaN && back.standardDeviation == 0.5)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(MetricValue.self, from: Data(#"{"value": "nan", "standard_deviation": 1}"#.utf8))
        }
    }

    @Test("Curves are thinned to the point limit and keep their end points")
    func curveLimit() throws {
        var rng = SeededGenerator(seed: 3)
        let n = 5000
        let labels = (0 ..< n).map { _ in rng.nextUnit() < 0.4 ? 1.0 : 0 }
        let scores = labels.map { y in min(1, max(0, 0.35 * y + 0.65 * rng.nextUnit())) }
        var options = EvaluationOptions(bootstrap: BootstrapOptions(resamples: 0))
        options.curvePointLimit = 100
        let report = try EvaluationReport(EvaluationInput(labels: labels, predictions: .binary(scores: scores, areProbabilities: true)),
                                          options: options)
        guard case .rocCurve(let fpr, let tpr)? = report.metrics["receiver_operating_characteristic_curve"],
              case .precisionRecallCurve(let precisions, let recalls)? = report.metrics["precision_recall_curve"] else {
            Issue.record("curves missing")
            return
        }
        #expect(fpr.count <= 101 && fpr.count > 50)
        #expect(fpr.first == 0 && tpr.last == 1)
        #expect(recalls.count <= 101 && recalls.count == precisions.count)
        // The thinned curve's trapezoid area stays within 0.01 of the exact AUC.
        var area = 0.0
        for i in 1 ..< fpr.count { area += (fpr[i] - fpr[i - 1]) * (tpr[i] + tpr[i - 1]) / 2 }
        #expect(abs(area - report.metrics.metric("auc")!.value) < 0.01)
    }
}
