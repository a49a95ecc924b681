import Foundation
import Testing
import MLCore
import LinearLearner
import TestSupport
@testable import BuiltinAlgorithms

/// The versioned model artifact (contract §8: `model_algo-1` for Linear Learner).
@Suite struct ModelArtifactTests {
    static let goldenURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/linear-learner-binary-v1.json")

    static func goldenArtifact() -> ModelArtifact {
        let coefficients = LinearCoefficients(weights: DenseMatrix([[0.5, -1.25, 2.0]]), intercepts: [-0.125])
        let model = LinearModel(predictorType: .binaryClassifier, lossName: "logistic", featureCount: 3, classCount: nil,
                                coefficients: coefficients, threshold: 0.4375)
        return ModelArtifact(
            algorithm: "linear-learner", featureCount: 3,
            hyperparameters: ["predictor_type": "binary_classifier", "wd": "0.001"],
            training: .init(method: "lbfgs", iterations: 12, converged: true, objective: 0.25, history: [0.69, 0.4, 0.25],
                            modelsTrained: 1, selectedWD: 0.001, selectedL1: 0, selectedPositiveWeight: 1, trainRows: 100),
            payload: .linearLearner(model))
    }

    // The golden file pins the format: today's encoder writes exactly these bytes.
    // Regenerate only on purpose, after a deliberate format change: OPTML_RECORD_GOLDEN=1 swift test.
    @Test func encodingMatchesGoldenBytes() throws {
        let encoded = try Self.goldenArtifact().encoded()
        if ProcessInfo.processInfo.environment["OPTML_RECORD_GOLDEN"] == "1" { try encoded.write(to: Self.goldenURL) }
        let golden = try Data(contentsOf: Self.goldenURL)
        #expect(String(decoding: encoded, as: UTF8.self) == String(decoding: golden, as: UTF8.self))
    }

    // And a model written in version 1 keeps predicting the same values.
    @Test func goldenFileLoadsAndPredicts() throws {
        let artifact = try ModelArtifact.load(contentsOf: Self.goldenURL)
        #expect(artifact == Self.goldenArtifact())
        guard case .linearLearner(let model) = artifact.payload else { Issue.record("wrong payload"); return }
        let x = DenseMatrix<Double>([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]])
        let raw = [0.375, -1.375, 1.875, 1.125]
        let p = model.scores(x)
        for (a, r) in zip(p, raw) { #expect(isClose(a, 1 / (1 + exp(-r)), relative: 1e-15)) }
        #expect(model.predictedLabels(x) == [1, 0, 1, 1])  // sigmoid(0.375) = 0.593 >= 0.4375
    }

    @Test func rejectsOtherFormatsAndNewerVersions() throws {
        let tree = try TemporaryOptML()
        defer { tree.remove() }
        let golden = try String(contentsOf: Self.goldenURL, encoding: .utf8)
        try tree.write("model/newer", golden.replacingOccurrences(of: "\"format_version\" : 1", with: "\"format_version\" : 9"))
        #expect {
            try ModelArtifact.load(contentsOf: tree.url("model/newer"))
        } throws: { error in
            (error as? OptmlError)?.message.contains("format_version 9 is newer than this optml reads (1)") == true
        }
        try tree.write("model/other", "{\"learner\": {}}")
        #expect {
            try ModelArtifact.load(contentsOf: tree.url("model/other"))
        } throws: { error in
            (error as? OptmlError)?.message == "The model file \(tree.url("model/other").path) is not an optml model: the key 'format' is missing."
        }
    }

    @Test func catalogNamesAndSuggestions() throws {
        #expect(try AlgorithmCatalog.named("Linear-Learner").name == "linear-learner")
        #expect(try AlgorithmCatalog.named("linear_learner").name == "linear-learner")
        #expect(try AlgorithmCatalog.named("xgb").name == "xgboost")
        #expect(try AlgorithmCatalog.named(" XGBoost ").name == "xgboost")
        #expect(throws: OptmlError.user("Unknown algorithm 'xgbost'. Did you mean 'xgboost'? Available: linear-learner, xgboost.")) {
            try AlgorithmCatalog.named("xgbost")
        }
    }

    @Test func describeFormatsComeFromTheTable() throws {
        let descriptor = AlgorithmCatalog.linearLearner
        let json = try JSONSerialization.jsonObject(with: descriptor.describeJSON()) as! [String: Any]
        let specs = json["hyperparameters"] as! [[String: Any]]
        #expect(specs.count == descriptor.hyperparameters.specs.count)
        let epochs = specs.first { $0["name"] as? String == "epochs" }!
        #expect(epochs["default"] as? String == "15")
        #expect(epochs["effect"] as? String == "conditional")
        let markdown = descriptor.describeMarkdown()
        #expect(markdown.contains("| `predictor_type` | choice | **required** |"))
        #expect(markdown.contains("#quality_metric: host=\\S+, test roc_auc_score <score>=(\\S+)"))
    }
}
