import MLCore
import Evaluation
import LinearLearner
import GradientBoosting

/// The one catalog of built-in algorithms: name → hyperparameters, metrics, channels, artifact.
public enum AlgorithmCatalog {
    public static let linearLearner = AlgorithmDescriptor(
        name: "linear-learner",
        title: "Linear Learner",
        summary: "Linear, logistic and multinomial regression solved exactly on OpenBLAS and LAPACK "
            + "(normal equations, L-BFGS, OWL-QN, IRLS), or by sgd/adam/rmsprop on request.",
        hyperparameters: LinearLearnerHyperparameters.table,
        metricDefinitions: MetricLines.linearLearnerDefinitions,
        channels: [
            .init(name: "train", required: true, purpose: "rows to fit"),
            .init(name: "validation", required: false, purpose: "early stopping, threshold and model selection"),
            .init(name: "test", required: false, purpose: "final metrics only"),
        ],
        defaultContentType: "application/x-recordio-protobuf",
        trainingContentTypes: ["text/csv", "application/x-recordio-protobuf"],
        modelFileName: "model_algo-1"
    )

    public static let xgboost = AlgorithmDescriptor(
        name: "xgboost",
        title: "XGBoost",
        summary: "Histogram gradient-boosted trees with XGBoost's hyperparameters, objectives, metric lines and "
            + "JSON model format (model/xgboost-model loads in the xgboost package).",
        hyperparameters: XGBoostHyperparameters.table,
        metricDefinitions: XGBoostHyperparameters.metricDefinitions,
        channels: [
            .init(name: "train", required: true, purpose: "rows to fit"),
            .init(name: "validation", required: false, purpose: "per-round metrics and early stopping"),
        ],
        defaultContentType: "text/libsvm",
        trainingContentTypes: ["text/csv", "text/libsvm", "application/x-recordio-protobuf"],
        modelFileName: "xgboost-model"
    )

    public static let all: [AlgorithmDescriptor] = [linearLearner, xgboost]

    /// The algorithm called `name`.
    ///
    /// - Throws: `OptmlError.user` listing the available names (with a "did you mean").
    public static func named(_ name: String) throws -> AlgorithmDescriptor {
        let key = name.trimmingCharacters(in: .whitespaces).lowercased()
        let aliases = ["linear_learner": "linear-learner", "linearlearner": "linear-learner", "xgb": "xgboost"]
        if let found = all.first(where: { $0.name == (aliases[key] ?? key) }) { return found }
        var message = "Unknown algorithm '\(name)'."
        if let guess = HyperparameterTable.closest(to: key, among: all.map(\.name)) { message += " Did you mean '\(guess)'?" }
        message += " Available: " + all.map(\.name).joined(separator: ", ") + "."
        throw OptmlError.user(message)
    }
}

import Foundation
