import Foundation
import Testing
import TestSupport

/// End-to-end runs of `optml evaluate` (contract §3 processing layout, §9 evaluation.json) on models
/// trained by the built `optml train`.
@Suite(.serialized) struct EvaluateCommandTests {
    func train(_ tree: TemporaryOptML) throws {
        let result = try runProcess(Repository.optmlExecutable, ["train"], environment: ["SAGEMAKER_BASE_DIR": tree.root.path])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
    }

    func testAUC(_ tree: TemporaryOptML) throws -> Double {
        let result = try runProcess(Repository.optmlExecutable, ["train"], environment: ["SAGEMAKER_BASE_DIR": tree.root.path])
        let line = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("#quality_metric: host=algo-1, test roc_auc_score") })
        return try #require(Double(line.split(separator: "=").last!))
    }

    @Test func binaryModelGivesModelQualityJSONAndReport() throws {
        let tree = try TemporaryOptML(copying: "breast-cancer")
        defer { tree.remove() }
        let trainingAUC = try testAUC(tree)
        let out = tree.url("evaluation")
        let result = try runProcess(Repository.optmlExecutable, [
            "evaluate", "--model-dir", tree.url("model").path, "--input", tree.url("input/data/test").path,
            "--output", out.path, "--bootstrap", "50", "--bootstrap-minimum-rows", "20",
        ])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("evaluation.json"))) as! [String: Any]
        let metrics = try #require(json["binary_classification_metrics"] as? [String: Any], "\(json.keys)")
        let auc = try #require((metrics["auc"] as? [String: Any])?["value"] as? Double)
        // The training job printed the same model's test AUC with 12 significant digits.
        #expect(abs(auc - trainingAUC) < 1e-9)
        let spread = try #require((metrics["auc"] as? [String: Any])?["standard_deviation"] as? Double)
        #expect(spread > 0 && spread < 0.05)
        #expect(metrics["confusion_matrix"] != nil)
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("<svg"))
        #expect(!html.contains("<script"))
    }

    @Test func twoModelsAreCompared() throws {
        let tree = try TemporaryOptML(copying: "diabetes")
        defer { tree.remove() }
        try train(tree)
        let other = try TemporaryOptML(copying: "diabetes")
        defer { other.remove() }
        var hyperparameters = try JSONSerialization.jsonObject(with: Data(contentsOf: other.url("input/config/hyperparameters.json"))) as! [String: String]
        hyperparameters["wd"] = "10"
        try other.writeJSON("input/config/hyperparameters.json", hyperparameters)
        try train(other)
        let out = tree.url("comparison")
        let result = try runProcess(Repository.optmlExecutable, [
            "evaluate", "--model-dir", tree.url("model").path, "--model-dir", other.url("model").path,
            "--input", tree.url("input/data/test").path, "--output", out.path, "--bootstrap", "100", "--bootstrap-minimum-rows", "20",
        ])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("Comparison on rmse: A − B = -"), "\(result.stdout)")
        #expect(result.stdout.contains("model A (\(tree.url("model").path)) is better"), "\(result.stdout)")
        for name in ["evaluation.json", "evaluation-b.json", "report.html"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), "\(name) missing")
        }
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("evaluation.json"))) as! [String: Any]
        #expect(json["regression_metrics"] != nil)
    }

    @Test func missingModelIsAClearError() throws {
        let tree = try TemporaryOptML(copying: "iris")
        defer { tree.remove() }
        let empty = tree.url("no-model")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let result = try runProcess(Repository.optmlExecutable, [
            "evaluate", "--model-dir", empty.path, "--input", tree.url("input/data/test").path, "--output", tree.url("e").path,
        ], environment: ["SAGEMAKER_BASE_DIR": tree.root.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("No model in \(empty.path): expected one of model_algo-1 (linear-learner)"), "\(result.stderr)")
        #expect(tree.read("output/message")?.hasPrefix("ClientError: No model in") == true)
    }
}
