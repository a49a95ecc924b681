import ArgumentParser
import Foundation
import BuiltinAlgorithms
import ContainerRuntime
import Inference
import InferenceServer
import MLCore

/// `optml serve`: the SageMaker model server for endpoints and batch transform (contract §4).
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the model in /opt/ml/model (or $SAGEMAKER_BASE_DIR/model) over HTTP.",
        discussion: """
        Listens on 0.0.0.0:$SAGEMAKER_BIND_TO_PORT (8080 when unset) with GET /ping, POST /invocations \
        and GET /execution-parameters. Reads text/csv, application/json, application/jsonlines, \
        text/libsvm and application/x-recordio-protobuf; answers text/csv, application/json, \
        application/jsonlines or application/x-recordio-protobuf by the Accept header. \
        SAGEMAKER_BATCH, SAGEMAKER_MAX_PAYLOAD_IN_MB, SAGEMAKER_MAX_CONCURRENT_TRANSFORMS, \
        SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT, SAGEMAKER_INFERENCE_OUTPUT (XGBoost selectable output) and \
        SAGEMAKER_INFERENCE_ENSEMBLE (several model files are averaged unless false) are honoured. \
        SIGTERM lets in-flight requests finish.
        """
    )

    @Option(help: "Model directory (default: /opt/ml/model, or $SAGEMAKER_BASE_DIR/model).")
    var modelDir: String?

    @Argument(parsing: .captureForPassthrough, help: "Extra container arguments (ignored, as SageMaker may pass some).")
    var extra: [String] = []

    func run() throws {
        // Extra arguments are captured whole, so --help would otherwise be swallowed.
        if extra.contains("--help") || extra.contains("-h") { throw CleanExit.helpRequest(self) }
        let environment = ProcessInfo.processInfo.environment
        let directory = modelDir.map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? SageMakerPaths(environment: environment).model
        let server: InferenceServer
        do {
            let configuration = try ServingConfiguration(environment: environment)
            let predictor = try PredictorLoader.load(modelDirectory: directory, ensemble: configuration.ensemble)
            let handler = try InferenceHandler(predictor: predictor, configuration: configuration)
            server = InferenceServer(handler: handler)
            let members = (predictor as? XGBoostPredictor)?.members.count ?? 1
            log("optml serve: \(predictor.algorithm) model"
                + (members > 1 ? " (an ensemble of \(members) models)" : "")
                + " with \(predictor.featureCount) features from \(directory.path); "
                + "listening on 0.0.0.0:\(configuration.port)"
                + (configuration.isBatch ? " (batch transform, payloads up to \(configuration.maxPayloadMegabytes) MB)" : "")
                + (handler.selection.map { "; selected output: " + $0.keys.map(\.rawValue).joined(separator: ",") } ?? ""))
            for notice in handler.notices { log("optml serve: \(notice)") }
        } catch let error as OptmlError {
            log("Unable to load model: \(error.message)")
            throw ExitCode(1)
        }
        // The server runs on Swift's concurrent executor; this thread only waits for it to end
        // (after SIGTERM or SIGINT and the drain of in-flight requests).
        let done = DispatchSemaphore(value: 0)
        let failure = FailureBox()
        _Concurrency.Task {
            do { try await server.run() } catch { failure.error = error }
            done.signal()
        }
        done.wait()
        if let error = failure.error {
            log("optml serve stopped: \(error)")
            throw ExitCode(1)
        }
        log("optml serve: stopped after draining in-flight requests.")
    }

    private func log(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

/// The server's error, handed from its task to the waiting main thread (written before the
/// semaphore is signalled, read after it is waited for).
private final class FailureBox: @unchecked Sendable {
    var error: (any Error)?
}
