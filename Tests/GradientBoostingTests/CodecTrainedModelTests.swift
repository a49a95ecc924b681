import Foundation
import MLCore
import Testing
import TestSupport
@testable import GradientBoosting

/// Models trained by optml from SageMaker hyperparameters, written in XGBoost's format and
/// predicted by xgboost itself: the artefact a user downloads must behave the same everywhere.
@Suite("Trained models in XGBoost's format")
struct CodecTrainedModelTests {
    /// 1500 rows × 5 features with 15 % missing values, and a label of the objective's kind.
    static func data(objective: String, seed: UInt64) -> BoostingData {
        var rng = SeededGenerator(seed: seed)
        let rows = 1500, columns = 5
        var x = DenseMatrix<Float>(rows: rows, columns: columns)
        var labels = [Float](repeating: 0, count: rows)
        for i in 0..<rows {
            var v = [Double](repeating: 0, count: columns)
            for j in 0..<columns {
                v[j] = rng.nextGaussian()
                x[i, j] = rng.nextUnit() < 0.15 ? .nan : Float(v[j])
            }
            let z = v[0] - 0.7 * v[1] * v[2] + 0.4 * sin(2 * v[3]) + 0.2 * rng.nextGaussian()
            switch objective {
            case "binary:logistic": labels[i] = z > 0 ? 1 : 0
            case "multi:softprob": labels[i] = z < -0.5 ? 0 : (z < 0.5 ? 1 : 2)
            case "count:poisson": labels[i] = Float(Int(exp(0.5 * z) * 2 + rng.nextUnit()))
            default: labels[i] = Float(3 * z + 1)
            }
        }
        return BoostingData(features: x, labels: labels)
    }

    static let cases: [[String: String]] = [
        ["objective": "binary:logistic", "num_round": "15", "max_depth": "4", "eta": "0.3"],
        ["objective": "multi:softprob", "num_class": "3", "num_round": "8", "max_depth": "3"],
        ["objective": "reg:squarederror", "num_round": "12", "grow_policy": "lossguide", "max_leaves": "20", "max_depth": "0"],
        ["objective": "count:poisson", "num_round": "10", "max_depth": "3"],
    ]

    func trained(_ raw: [String: String]) throws -> (TreeEnsemble, BoostingData) {
        var config = try XGBoostConfig(XGBoostHyperparameters.table.validate(raw))
        config.parameters.threads = 1
        let data = Self.data(objective: raw["objective"]!, seed: 11)
        let ensemble = try BoostingTrainer(parameters: config.parameters)
            .train(data, evaluationSets: [], onRound: { _, _ in }, shouldStop: { false })
        return (ensemble, data)
    }

    @Test("a trained model survives writing and reading unchanged", arguments: cases)
    func roundTrip(_ raw: [String: String]) throws {
        let (ensemble, _) = try trained(raw)
        #expect(ensemble.trees.count == ensemble.roundCount * ensemble.treesPerRound)
        let again = try TreeEnsemble(xgboostJSON: ensemble.xgboostJSON())
        // XGBoost keeps base_score in float32; everything else comes back bit for bit.
        #expect(again.baseScore == Double(Float(ensemble.baseScore)))
        var expected = ensemble
        expected.baseScore = again.baseScore
        #expect(again == expected)
    }

    @Test("xgboost loads the trained model and predicts what optml predicts", arguments: cases)
    func xgboostAgrees(_ raw: [String: String]) throws {
        guard let python = pythonWithXGBoost else {
            print("skipped: python3 with xgboost is not available (pip install xgboost)")
            return
        }
        let (ensemble, data) = try trained(raw)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("optml-trained-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let modelURL = folder.appendingPathComponent("xgboost-model.json")
        let featuresURL = folder.appendingPathComponent("features.f32")
        try ensemble.xgboostJSON().write(to: modelURL)
        try data.features.storage.withUnsafeBytes { Data($0) }.write(to: featuresURL)
        let forest = try CompiledForest(ensemble)
        let ours = forest.predict(data.features, threads: 1)
        let script = """
        import sys, numpy as np, xgboost as xgb
        x = np.fromfile(sys.argv[2], dtype=np.float32).reshape(-1, int(sys.argv[3]))
        b = xgb.Booster(model_file=sys.argv[1])
        print("\\n".join("%.9g" % v for v in np.ravel(b.predict(xgb.DMatrix(x, missing=np.nan)))))
        """
        let result = try runProcess(python, ["-c", script, modelURL.path, featuresURL.path, String(data.features.columns)])
        #expect(result.status == 0, "\(result.stderr)")
        let theirs = result.stdout.split(separator: "\n").map { Float(String($0))! }
        #expect(theirs.count == ours.count)
        let mismatches = zip(ours, theirs).filter { !agrees($0, $1) }.count
        #expect(mismatches == 0, "\(mismatches) of \(ours.count) predictions differ from xgboost's")
    }
}
