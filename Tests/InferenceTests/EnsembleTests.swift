import Foundation
import Testing
import BuiltinAlgorithms
import MLCore
import TestSupport
@testable import Inference

/// A model directory holding several XGBoost models (contract §4.5 "Ensemble"): all are loaded
/// and averaged, or voted for class outputs, unless `SAGEMAKER_INFERENCE_ENSEMBLE=false`.
@Suite struct EnsembleTests {
    static let fixtures = Repository.root.appendingPathComponent("Tests/GradientBoostingTests/Fixtures/xgboost")

    static func directory(_ files: [String: Data]) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("optml-ensemble-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (name, data) in files { try data.write(to: directory.appendingPathComponent(name)) }
        return directory
    }

    static func model(_ fixture: String) throws -> Data {
        try Data(contentsOf: fixtures.appendingPathComponent("\(fixture)/model.json"))
    }

    static func column(_ fixture: String, _ file: String) throws -> [Double] {
        try String(contentsOf: fixtures.appendingPathComponent("\(fixture)/\(file)"), encoding: .utf8)
            .split(separator: "\n").map { Double($0.split(separator: ",")[0])! }
    }

    /// Predictions of `directory`'s model for the fixtures' feature rows, through the handler.
    static func predict(_ predictor: any Predictor, fixture: String) throws -> [Double] {
        let body = try Data(contentsOf: fixtures.appendingPathComponent("\(fixture)/features.csv"))
        let response = try InferenceHandler(predictor: predictor).respond(body: [UInt8](body), contentType: "text/csv", accept: "text/csv")
        #expect(response.status == 200, "\(response.text)")
        return response.text.split(separator: "\n").map { Double($0)! }
    }

    // Three reg:squarederror models made by xgboost 3.2 on the same rows: the ensemble predicts
    // the mean of the predictions xgboost itself made with each.
    @Test func averagesTheModelsOfTheDirectory() throws {
        let members = ["x3-reg-squarederror", "x3-early-stopping", "x3-parallel-trees"]
        let directory = try Self.directory([
            "xgboost-model": try Self.model(members[0]), "b.json": try Self.model(members[1]), "c.json": try Self.model(members[2]),
            ".optml-training.json": Data("{}".utf8),
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        let predictor = try PredictorLoader.load(modelDirectory: directory)
        #expect((predictor as? XGBoostPredictor)?.members.count == 3)
        let ours = try Self.predict(predictor, fixture: members[0])
        let columns = try members.map { try Self.column($0, "predictions.csv") }
        #expect(ours.count == columns[0].count && ours.count > 100)
        for i in ours.indices {
            let mean = (columns[0][i] + columns[1][i] + columns[2][i]) / 3
            #expect(abs(ours[i] - mean) <= 1e-5 * max(1, abs(mean)), "row \(i): \(ours[i]) vs \(mean)")
        }
        // The members really differ, so the average is not any one of them.
        #expect(zip(columns[0], columns[1]).contains { abs($0 - $1) > 1e-3 })

        // SAGEMAKER_INFERENCE_ENSEMBLE=false: xgboost-model alone.
        let single = try PredictorLoader.load(modelDirectory: directory, ensemble: false)
        #expect((single as? XGBoostPredictor)?.members.count == 1)
        let alone = try Self.predict(single, fixture: members[0])
        for (a, b) in zip(alone, columns[0]) { #expect(abs(a - b) <= 1e-5 * max(1, abs(b))) }
    }

    /// x2's multi:softmax model with every tree moved to class (c + shift) mod 3: it predicts
    /// (k + shift) mod 3 where the original predicts k.
    static func shiftedSoftmax(_ shift: Int) throws -> Data {
        var object = try JSONSerialization.jsonObject(with: try model("x2-multi-softmax")) as! [String: Any]
        var learner = object["learner"] as! [String: Any]
        var booster = learner["gradient_booster"] as! [String: Any]
        var model = booster["model"] as! [String: Any]
        model["tree_info"] = (model["tree_info"] as! [Int]).map { ($0 + shift) % 3 }
        booster["model"] = model
        learner["gradient_booster"] = booster
        object["learner"] = learner
        return try JSONSerialization.data(withJSONObject: object)
    }

    // Class outputs (multi:softmax, binary:hinge) are voted: the class most members predict,
    // the smallest on a tie.
    @Test func votesForClassOutputs() throws {
        let original = try Self.column("x2-multi-softmax", "predictions.csv")
        #expect(Set(original) == [0, 1, 2])
        let shifted = try Self.directory(["xgboost-model": try Self.shiftedSoftmax(1)])
        defer { try? FileManager.default.removeItem(at: shifted) }
        #expect(try Self.predict(try PredictorLoader.load(modelDirectory: shifted), fixture: "x2-multi-softmax")
            == original.map { Double((Int($0) + 1) % 3) })

        let majority = try Self.directory(["a": try Self.model("x2-multi-softmax"), "b": try Self.model("x2-multi-softmax"),
                                           "c": try Self.shiftedSoftmax(1)])
        defer { try? FileManager.default.removeItem(at: majority) }
        #expect(try Self.predict(try PredictorLoader.load(modelDirectory: majority), fixture: "x2-multi-softmax") == original)

        let tie = try Self.directory(["a": try Self.model("x2-multi-softmax"), "b": try Self.shiftedSoftmax(1),
                                      "c": try Self.shiftedSoftmax(2)])
        defer { try? FileManager.default.removeItem(at: tie) }
        #expect(try Self.predict(try PredictorLoader.load(modelDirectory: tie), fixture: "x2-multi-softmax")
            == [Double](repeating: 0, count: original.count))
    }

    @Test func membersThatDoNotFitAreNamed() throws {
        let mixed = try Self.directory(["xgboost-model": try Self.model("x3-reg-squarederror"), "other.json": try Self.model("x3-binary-logistic")])
        defer { try? FileManager.default.removeItem(at: mixed) }
        #expect(throws: OptmlError.user("The models other.json and xgboost-model cannot be averaged: other.json has objective "
            + "binary:logistic, xgboost-model has reg:squarederror. Keep only models of one objective in the model directory, or "
            + "set SAGEMAKER_INFERENCE_ENSEMBLE=false to serve xgboost-model alone.")) {
            _ = try PredictorLoader.load(modelDirectory: mixed)
        }

        let stray = try Self.directory(["xgboost-model": try Self.model("x3-reg-squarederror"), "notes.txt": Data("hello".utf8)])
        defer { try? FileManager.default.removeItem(at: stray) }
        #expect(throws: OptmlError.user("\(stray.path)/notes.txt is not a model optml can load: The model is not an XGBoost JSON or "
            + "UBJSON document (it does not start with '{'). Pickled models are not supported; save the booster with "
            + "booster.save_model('xgboost-model.json'). The model directory holds 2 files (notes.txt, xgboost-model), which are "
            + "loaded together as an ensemble: remove the files that are not models, or set SAGEMAKER_INFERENCE_ENSEMBLE=false "
            + "to load xgboost-model alone.")) {
            _ = try PredictorLoader.load(modelDirectory: stray)
        }
        #expect((try PredictorLoader.load(modelDirectory: stray, ensemble: false) as? XGBoostPredictor)?.members.count == 1)

        let unnamed = try Self.directory(["a.json": try Self.model("x3-reg-squarederror"), "b.json": try Self.model("x3-reg-squarederror")])
        defer { try? FileManager.default.removeItem(at: unnamed) }
        #expect(throws: OptmlError.user("SAGEMAKER_INFERENCE_ENSEMBLE is false, so only xgboost-model is loaded, but \(unnamed.path) "
            + "holds a.json, b.json and no xgboost-model. Rename the model to serve to xgboost-model, or unset "
            + "SAGEMAKER_INFERENCE_ENSEMBLE to average all of them.")) {
            _ = try PredictorLoader.load(modelDirectory: unnamed, ensemble: false)
        }
        // One file is loaded whatever its name.
        let one = try Self.directory(["my-model.json": try Self.model("x3-reg-squarederror")])
        defer { try? FileManager.default.removeItem(at: one) }
        #expect(try PredictorLoader.load(modelDirectory: one).algorithm == "xgboost")
    }
}
