import Foundation
import MLCore
import GradientBoosting

/// Finds and loads the model in a model directory (`/opt/ml/model`, contract §8).
///
/// The directory holds the file an algorithm writes (`model_algo-1` for Linear Learner); the
/// first one found, in catalog order, is loaded once and shared by all predictions.
public enum PredictorLoader {
    /// The model in `directory`.
    ///
    /// - Throws: `OptmlError.user` when the directory is missing, holds none of the known model
    ///   files (the message lists what it holds and what was expected), or the file is not a
    ///   readable model.
    public static func load(modelDirectory directory: URL) throws -> any Predictor {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw OptmlError.user("The model directory \(directory.path) does not exist. It should hold the files a "
                + "training job wrote to /opt/ml/model (for example model_algo-1).")
        }
        for descriptor in AlgorithmCatalog.all {
            let file = directory.appendingPathComponent(descriptor.modelFileName)
            guard FileManager.default.fileExists(atPath: file.path) else { continue }
            return try load(file: file)
        }
        let present = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { !$0.hasPrefix(".") }.sorted()
        let expected = AlgorithmCatalog.all.map { "\($0.modelFileName) (\($0.name))" }.joined(separator: ", ")
        throw OptmlError.user("No model in \(directory.path): expected one of \(expected); the directory holds "
            + (present.isEmpty ? "no files." : present.joined(separator: ", ") + "."))
    }

    /// The model in one file: an XGBoost model (`xgboost-model`, JSON or UBJSON, written by optml
    /// or by XGBoost itself) or an optml model artifact.
    public static func load(file: URL) throws -> any Predictor {
        if file.lastPathComponent.hasPrefix(AlgorithmCatalog.xgboost.modelFileName) {
            let data: Data
            do { data = try Data(contentsOf: file) } catch {
                throw OptmlError.user("Cannot read the model file \(file.path): \(error.localizedDescription)")
            }
            do {
                return try XGBoostPredictor(ensemble: try TreeEnsemble(xgboostJSON: data))
            } catch let error as OptmlError {
                throw OptmlError.user("\(file.path) is not a model optml can load: \(error.message)")
            }
        }
        let artifact = try ModelArtifact.load(contentsOf: file)
        switch artifact.payload {
        case .linearLearner(let model):
            return LinearLearnerPredictor(model: model)
        }
    }
}
