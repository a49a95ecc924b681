import ArgumentParser
import Foundation
import BuiltinAlgorithms
import ContainerRuntime
import DataReaders
import Dispatch
import MLCore

/// The container entry point: `optml train`, `serve`, `transform`, `evaluate` and `describe`.
struct Optml: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optml",
        abstract: "A SageMaker-compatible training runtime with built-in algorithms.",
        version: OptmlVersion.current,
        subcommands: [Train.self, Serve.self, Transform.self, Evaluate.self, Describe.self, ParseBench.self, PredictBench.self]
    )
}

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a SageMaker training job from /opt/ml (or $SAGEMAKER_BASE_DIR).",
        discussion: """
        Reads input/config/{hyperparameters,inputdataconfig,resourceconfig}.json and the channel data \
        under input/data, writes the model to model/, and on failure writes output/failure and exits \
        non-zero. The algorithm comes from the hyperparameter 'algorithm' or the environment variable \
        OPTML_ALGORITHM. OPTML_NUM_THREADS limits the worker threads.
        """
    )

    @Argument(parsing: .captureForPassthrough, help: "Extra container arguments (ignored, as SageMaker may pass some).")
    var extra: [String] = []

    func run() throws {
        // Extra arguments are captured whole, so --help would otherwise be swallowed.
        if extra.contains("--help") || extra.contains("-h") { throw CleanExit.helpRequest(self) }
        StopSignal.shared.install()
        let environment = ProcessInfo.processInfo.environment
        let job = TrainingJob(paths: SageMakerPaths(environment: environment), environment: environment, log: TrainingLog())
        let code = job.run(arguments: extra)
        if code != 0 { throw ExitCode(code) }
    }
}

struct Describe: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print an algorithm's hyperparameters (types, ranges, defaults) and metric definitions."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, markdown }

    @Argument(help: "Algorithm name; all algorithms when omitted.")
    var algorithm: String?

    @Option(help: "Output format: text, json or markdown.")
    var format: Format = .text

    func run() throws {
        let algorithms = try algorithm.map { [try AlgorithmCatalog.named($0)] } ?? AlgorithmCatalog.all
        for descriptor in algorithms {
            switch format {
            case .text: print(descriptor.describeText())
            case .markdown: print(descriptor.describeMarkdown())
            case .json: print(String(decoding: try descriptor.describeJSON(), as: UTF8.self))
            }
        }
    }
}

struct ParseBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse-bench",
        abstract: "Time parsing one labelled CSV file into a dense matrix (used by Benchmarks/peers).",
        shouldDisplay: false
    )

    @Option(help: "Parser threads.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Parse into Float32 instead of Float64.")
    var float32 = false

    @Option(help: "text/csv (default), text/libsvm or application/x-recordio-protobuf (the last two into Float32).")
    var contentType: String = "text/csv"

    @Argument(help: "The file (CSV: label first, no header).")
    var path: String

    func run() throws {
        switch contentType.lowercased() {
        case "text/csv":
            let result = try CSVParseBenchmark.run(path: path, threads: threads, float32: float32)
            print("{\"rows\":\(result.rows),\"columns\":\(result.columns),\"seconds\":\(result.seconds)}")
        case "text/libsvm", "application/x-recordio-protobuf":
            let result = try CSVParseBenchmark.run(path: path, libsvm: contentType.lowercased() == "text/libsvm", threads: threads)
            print("{\"rows\":\(result.rows),\"columns\":\(result.columns),\"values\":\(result.values),\"seconds\":\(result.seconds)}")
        default:
            throw ValidationError("--content-type must be text/csv, text/libsvm or application/x-recordio-protobuf.")
        }
    }
}

struct PredictBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict-bench",
        abstract: "Time batch prediction of a features-only CSV file with a model directory (used by Benchmarks/peers).",
        shouldDisplay: false
    )

    @Option(help: "Model directory.")
    var modelDir: String

    @Option(help: "Prediction threads.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Timed repetitions (the fastest is reported).")
    var repetitions: Int = 3

    @Argument(help: "CSV file of features (no label, no header).")
    var path: String

    func run() throws {
        let predictor = try PredictorLoader.load(modelDirectory: URL(fileURLWithPath: modelDir, isDirectory: true))
        let files = [ChannelFile(url: URL(fileURLWithPath: path), relativePath: URL(fileURLWithPath: path).lastPathComponent)]
        let data = try CSVReader.read(files: files, as: Double.self,
                                      options: CSVOptions(hasLabel: false, expectedFeatureCount: predictor.featureCount, threads: threads),
                                      source: "input")
        let rows = data.count
        var best = Double.infinity
        var predictions = predictor.predict(data.features, threads: threads)
        for _ in 0 ..< max(1, repetitions) {
            let start = ContinuousClock.now
            predictions = predictor.predict(data.features, threads: threads)
            let elapsed = ContinuousClock.now - start
            best = min(best, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
        }
        let scores = predictions.scores
        var checksum = 0.0
        for v in scores { checksum += v }
        print("{\"rows\":\(rows),\"seconds\":\(best),\"checksum\":\(checksum)}")
    }
}

AllocatorTuning.apply()
Optml.main()
