import Foundation
import MLCore
import BuiltinAlgorithms

/// Serving settings from the environment SageMaker gives `serve` (contract §4.1).
///
/// | variable | meaning | default |
/// |---|---|---|
/// | `SAGEMAKER_BIND_TO_PORT` | listening port | 8080 |
/// | `SAGEMAKER_BATCH` | `true` under batch transform | false |
/// | `SAGEMAKER_MAX_PAYLOAD_IN_MB` | largest request body, MiB (1 to 100) | 6 |
/// | `SAGEMAKER_MAX_CONCURRENT_TRANSFORMS` | concurrency advertised by `/execution-parameters` | CPU count |
/// | `SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT` | Accept used when a request names none | the algorithm's |
/// | `SAGEMAKER_INFERENCE_OUTPUT` | XGBoost selectable output keys (`predicted_label,probabilities`) | unset |
/// | `SAGEMAKER_INFERENCE_ENSEMBLE` | `false` loads `xgboost-model` alone from a folder of several models | true |
public struct ServingConfiguration: Sendable, Equatable {
    public var port: Int
    public var isBatch: Bool
    public var maxPayloadMegabytes: Int
    public var maxConcurrentTransforms: Int
    /// Overrides the algorithm's default Accept; validated when the handler is built.
    public var defaultAccept: String?
    /// Selectable output keys (`SAGEMAKER_INFERENCE_OUTPUT`); validated when the handler is built.
    public var inferenceOutput: String?
    /// Load every model file of the model directory as one ensemble.
    public var ensemble: Bool

    public init(port: Int = 8080, isBatch: Bool = false, maxPayloadMegabytes: Int = 6,
                maxConcurrentTransforms: Int = ProcessInfo.processInfo.activeProcessorCount, defaultAccept: String? = nil,
                inferenceOutput: String? = nil, ensemble: Bool = true) {
        self.port = port
        self.isBatch = isBatch
        self.maxPayloadMegabytes = maxPayloadMegabytes
        self.maxConcurrentTransforms = maxConcurrentTransforms
        self.defaultAccept = defaultAccept
        self.inferenceOutput = inferenceOutput
        self.ensemble = ensemble
    }

    /// Reads the variables of the table above from `environment`.
    ///
    /// - Throws: `OptmlError.user` naming the variable, its value and the accepted range.
    public init(environment: [String: String]) throws {
        self.init()
        if let text = Self.value("SAGEMAKER_BIND_TO_PORT", environment) {
            guard let port = Int(text), (1...65535).contains(port) else {
                throw OptmlError.user("SAGEMAKER_BIND_TO_PORT is '\(text)'; expected a port number from 1 to 65535.")
            }
            self.port = port
        }
        if let text = Self.value("SAGEMAKER_BATCH", environment) {
            switch text.lowercased() {
            case "true", "1": isBatch = true
            case "false", "0": isBatch = false
            default: throw OptmlError.user("SAGEMAKER_BATCH is '\(text)'; expected true or false.")
            }
        }
        if let text = Self.value("SAGEMAKER_MAX_PAYLOAD_IN_MB", environment) {
            guard let megabytes = Int(text), (1...100).contains(megabytes) else {
                throw OptmlError.user("SAGEMAKER_MAX_PAYLOAD_IN_MB is '\(text)'; expected a whole number of MB from 1 to 100 "
                    + "(0, HTTP chunked streaming, is not supported by built-in algorithms).")
            }
            maxPayloadMegabytes = megabytes
        }
        if let text = Self.value("SAGEMAKER_MAX_CONCURRENT_TRANSFORMS", environment) {
            guard let count = Int(text), count >= 1 else {
                throw OptmlError.user("SAGEMAKER_MAX_CONCURRENT_TRANSFORMS is '\(text)'; expected a whole number of at least 1.")
            }
            maxConcurrentTransforms = count
        }
        defaultAccept = Self.value("SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT", environment)
        inferenceOutput = environment[OutputSelection.variable]
        ensemble = try PredictorLoader.ensembleEnabled(environment: environment)
    }

    /// The largest accepted request body in bytes (MiB as SageMaker counts them).
    public var maxPayloadBytes: Int { maxPayloadMegabytes << 20 }

    /// The `/execution-parameters` answer (batch-code page): how Batch Transform should call us.
    public var executionParametersJSON: String {
        "{\"MaxConcurrentTransforms\": \(maxConcurrentTransforms), \"BatchStrategy\": \"MULTI_RECORD\", "
            + "\"MaxPayloadInMB\": \(maxPayloadMegabytes)}"
    }

    private static func value(_ name: String, _ environment: [String: String]) -> String? {
        guard let raw = environment[name]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
        return raw
    }
}
