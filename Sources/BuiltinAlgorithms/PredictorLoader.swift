import Foundation
import MLCore
import GradientBoosting

/// Finds and loads the model in a model directory (`/opt/ml/model`, contract §8).
///
/// - A Linear Learner artifact (`model_algo-1`) is loaded when present.
/// - Otherwise the directory holds XGBoost models (JSON or UBJSON, written by optml or by XGBoost
///   itself). As the SageMaker XGBoost container does (contract §4.5), when it holds several
///   files (names starting with `.` are skipped) they are all loaded as one ensemble whose
///   predictions are averaged, unless `SAGEMAKER_INFERENCE_ENSEMBLE` is `false`; then
///   `xgboost-model` alone is loaded. A single file is loaded whatever its name.
///
/// The predictor is loaded once and shared by all predictions.
public enum PredictorLoader {
    /// The environment variable that turns ensembles of the model directory's files off.
    public static let ensembleVariable = "SAGEMAKER_INFERENCE_ENSEMBLE"

    /// Whether `SAGEMAKER_INFERENCE_ENSEMBLE` allows ensembles (true when unset).
    ///
    /// - Throws: `OptmlError.user` for a value other than true/false (any case) or 1/0.
    public static func ensembleEnabled(environment: [String: String]) throws -> Bool {
        guard let raw = environment[ensembleVariable]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return true }
        switch raw.lowercased() {
        case "true", "1": return true
        case "false", "0": return false
        default: throw OptmlError.user("\(ensembleVariable) is '\(raw)'; expected true (load every model file of the model "
            + "directory and average them, the default) or false (load xgboost-model alone).")
        }
    }

    /// The model in `directory`.
    ///
    /// - Parameter ensemble: load every file of an XGBoost model directory as one ensemble.
    /// - Throws: `OptmlError.user` when the directory is missing, holds no model files (the
    ///   message lists what it holds and what was expected), a file is not a readable model
    ///   (named), or the files of an ensemble do not fit together.
    public static func load(modelDirectory directory: URL, ensemble: Bool = true) throws -> any Predictor {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw OptmlError.user("The model directory \(directory.path) does not exist. It should hold the files a "
                + "training job wrote to /opt/ml/model (for example model_algo-1 or xgboost-model).")
        }
        let linear = directory.appendingPathComponent(AlgorithmCatalog.linearLearner.modelFileName)
        if FileManager.default.fileExists(atPath: linear.path) { return try load(file: linear) }

        let files = modelFiles(in: directory)
        let primary = AlgorithmCatalog.xgboost.modelFileName
        if files.isEmpty {
            let expected = AlgorithmCatalog.all.map { "\($0.modelFileName) (\($0.name))" }.joined(separator: ", ")
            throw OptmlError.user("No model in \(directory.path): expected one of \(expected); the directory holds no files.")
        }
        if files.count == 1 {
            guard files[0] != primary else { return try load(file: directory.appendingPathComponent(primary)) }
            do {
                return try load(file: directory.appendingPathComponent(files[0]))
            } catch let error as OptmlError {
                let expected = AlgorithmCatalog.all.map { "\($0.modelFileName) (\($0.name))" }.joined(separator: ", ")
                throw OptmlError.user("No model in \(directory.path): expected one of \(expected), or another XGBoost model "
                    + "file; the directory holds \(files[0]), and \(error.message)")
            }
        }
        if !ensemble {
            guard files.contains(primary) else {
                throw OptmlError.user("\(ensembleVariable) is false, so only \(primary) is loaded, but \(directory.path) "
                    + "holds \(files.joined(separator: ", ")) and no \(primary). Rename the model to serve to \(primary), "
                    + "or unset \(ensembleVariable) to average all of them.")
            }
            return try load(file: directory.appendingPathComponent(primary))
        }
        var members: [TreeEnsemble] = []
        for name in files {
            do {
                members.append(try loadEnsemble(directory.appendingPathComponent(name)))
            } catch let error as OptmlError {
                throw OptmlError.user("\(error.message) The model directory holds \(files.count) files "
                    + "(\(files.joined(separator: ", "))), which are loaded together as an ensemble: remove the files that "
                    + "are not models, or set \(ensembleVariable)=false to load \(primary) alone.")
            }
        }
        return try XGBoostPredictor(members: members, names: files)
    }

    /// The names of the regular files directly in `directory` that could be models, sorted
    /// (hidden files such as the training record are skipped, and so is a processing job's
    /// `model.tar.gz`, which is unpacked before loading).
    public static func modelFiles(in directory: URL) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { name in
            guard !name.hasPrefix("."), name != "model.tar.gz" else { return false }
            var isDirectory: ObjCBool = false
            let path = directory.appendingPathComponent(name).path
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
        }.sorted()
    }

    /// The model in one file: an optml model artifact (`model_algo-1`) or an XGBoost model (JSON
    /// or UBJSON, written by optml or by XGBoost itself, whatever the file's name).
    public static func load(file: URL) throws -> any Predictor {
        if file.lastPathComponent == AlgorithmCatalog.linearLearner.modelFileName {
            let artifact = try ModelArtifact.load(contentsOf: file)
            switch artifact.payload {
            case .linearLearner(let model):
                return LinearLearnerPredictor(model: model)
            }
        }
        return try XGBoostPredictor(ensemble: try loadEnsemble(file))
    }

    private static func loadEnsemble(_ file: URL) throws -> TreeEnsemble {
        let data: Data
        do { data = try Data(contentsOf: file) } catch {
            throw OptmlError.user("Cannot read the model file \(file.path): \(error.localizedDescription)")
        }
        do {
            return try TreeEnsemble(xgboostJSON: data)
        } catch let error as OptmlError {
            throw OptmlError.user("\(file.path) is not a model optml can load: \(error.message)")
        }
    }
}
