import Foundation
import Testing
import MLCore
import LinearLearner
import BuiltinAlgorithms
import TestSupport

/// `LinearLearnerPredictor` gives the numbers of `LinearModel` (which predicts through BLAS).
@Suite struct PredictorTests {
    static func coefficients(outputs: Int, features: Int, seed: UInt64) -> LinearCoefficients {
        var rng = SeededGenerator(seed: seed)
        let weights = DenseMatrix(rows: outputs, columns: features,
                                  storage: (0..<(outputs * features)).map { _ in rng.nextGaussian() })
        return LinearCoefficients(weights: weights, intercepts: (0..<outputs).map { _ in rng.nextGaussian() })
    }

    @Test(arguments: [
        (LinearLearnerConfig.PredictorType.binaryClassifier, "logistic", 1),
        (.binaryClassifier, "hinge_loss", 1),
        (.regressor, "squared_loss", 1),
        (.multiclassClassifier, "softmax_loss", 4),
    ])
    func matchesLinearModel(type: LinearLearnerConfig.PredictorType, loss: String, outputs: Int) {
        let d = 13
        let model = LinearModel(predictorType: type, lossName: loss, featureCount: d,
                                classCount: type == .multiclassClassifier ? outputs : nil,
                                coefficients: Self.coefficients(outputs: outputs, features: d, seed: 7),
                                threshold: type == .binaryClassifier ? 0.3 : nil)
        let x = SyntheticData.regression(rows: 257, features: d, seed: 11).x
        let predictor = LinearLearnerPredictor(model: model)
        let predictions = predictor.predict(x)
        let labels = model.predictedLabels(x)
        if type == .multiclassClassifier {
            let p = model.classProbabilities(x)
            #expect(predictor.layout.scoreWidth == outputs && predictor.layout.scoreIsList)
            for i in 0..<x.rows * outputs { #expect(isClose(predictions.scores[i], p.storage[i], relative: 1e-12, absolute: 1e-15)) }
        } else {
            let scores = model.scores(x)
            for i in 0..<x.rows { #expect(isClose(predictions.scores[i], scores[i], relative: 1e-12, absolute: 1e-13)) }
        }
        if type == .regressor {
            #expect(predictions.labels == nil && !predictor.layout.hasPredictedLabel)
        } else {
            #expect(predictions.labels == labels)
        }
        #expect(predictor.task == (type == .regressor ? .regression : type == .binaryClassifier
            ? .binaryClassification : .multiclassClassification(classes: outputs)))
    }

    // contract §8: the model directory holds model_algo-1; anything else is named in the error.
    @Test func loaderFindsTheArtifactOrSaysWhatIsThere() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("optml-model-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("x".utf8).write(to: directory.appendingPathComponent("notes.txt"))
        #expect(throws: OptmlError.user("No model in \(directory.path): expected one of model_algo-1 (linear-learner), xgboost-model (xgboost), "
            + "or another XGBoost model file; the directory holds notes.txt, and \(directory.path)/notes.txt is not a model optml can "
            + "load: The model is not an XGBoost JSON or UBJSON document (it does not start with '{'). Pickled models are not "
            + "supported; save the booster with booster.save_model('xgboost-model.json').")) { _ = try PredictorLoader.load(modelDirectory: directory) }

        let golden = Repository.root.appendingPathComponent("Tests/BuiltinAlgorithmsTests/Golden/linear-learner-binary-v1.json")
        try FileManager.default.copyItem(at: golden, to: directory.appendingPathComponent("model_algo-1"))
        let predictor = try PredictorLoader.load(modelDirectory: directory)
        let artifact = try ModelArtifact.load(contentsOf: golden)
        #expect(predictor.algorithm == "linear-learner")
        #expect(predictor.featureCount == artifact.featureCount)

        let missing = directory.appendingPathComponent("absent")
        #expect(throws: OptmlError.user("The model directory \(missing.path) does not exist. It should hold the files a "
            + "training job wrote to /opt/ml/model (for example model_algo-1 or xgboost-model).")) { _ = try PredictorLoader.load(modelDirectory: missing) }
    }
}
