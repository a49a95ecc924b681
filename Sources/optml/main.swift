import ArgumentParser
import Foundation
import BuiltinAlgorithms
import ContainerRuntime
import DataReaders

/// The container entry point: `optml train` (and, with later issues, `serve`, `transform`, `evaluate`).
struct Optml: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optml",
        abstract: "A SageMaker-compatible training runtime with built-in algorithms.",
        version: OptmlVersion.current,
        subcommands: [Train.self, Serve.self, Transform.self, Evaluate.self, Describe.self, ParseBench.self]
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

    @Argument(help: "CSV file (label first, no header).")
    var path: String

    func run() throws {
        let result = try CSVParseBenchmark.run(path: path, threads: threads, float32: float32)
        print("{\"rows\":\(result.rows),\"columns\":\(result.columns),\"seconds\":\(result.seconds)}")
    }
}

Optml.main()
