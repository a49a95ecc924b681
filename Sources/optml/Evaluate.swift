import ArgumentParser
import Foundation
import ContainerRuntime
import MLCore

/// `optml evaluate`: model-quality evaluation as a SageMaker processing job (contract §3, §9).
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a model on labelled data: evaluation.json (SageMaker model-quality schema) and report.html.",
        discussion: """
        Defaults follow the processing-job layout: the model in /opt/ml/processing/model (a \
        model.tar.gz there is unpacked first), labelled data under /opt/ml/processing/input, results in \
        /opt/ml/processing/output/evaluation. Give --model-dir twice to compare two models on the same \
        data: both are evaluated, report.html shows them side by side and the log says which is better \
        on the task's primary metric, with the bootstrap spread. Paths are under $SAGEMAKER_BASE_DIR \
        when it is set. On failure the message goes to output/message.
        """
    )

    @Option(help: "Model directory; repeat to compare two models (default: /opt/ml/processing/model).")
    var modelDir: [String] = []

    @Option(help: "Folder of labelled data, read recursively (default: /opt/ml/processing/input).")
    var input: String?

    @Option(help: "Data format: text/csv (label first, no header), text/libsvm or application/x-recordio-protobuf.")
    var contentType: String = "text/csv"

    @Option(help: "Output folder (default: /opt/ml/processing/output/evaluation).")
    var output: String?

    @Option(help: "Evaluate as binary, multiclass or regression (default: the model's task).")
    var task: String?

    @Option(help: "Bootstrap resamples for the standard deviations.")
    var bootstrap: Int = 200

    @Option(help: "Fewer rows than this and the standard deviations are reported as NaN (SageMaker Model Monitor's rule).")
    var bootstrapMinimumRows: Int = 200

    @Option(help: "Seed of the bootstrap.")
    var seed: UInt64 = 0

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let paths = SageMakerPaths(environment: environment)
        let processing = paths.root.appendingPathComponent("processing", isDirectory: true)
        var unpacked: [URL] = []
        defer { for folder in unpacked { try? FileManager.default.removeItem(at: folder) } }
        do {
            let taskChoice = try task.map { name in
                guard let choice = EvaluationJob.TaskChoice(rawValue: name.lowercased()) else {
                    throw OptmlError.user("--task '\(name)': expecting binary, multiclass or regression.")
                }
                return choice
            }
            guard bootstrap >= 0 else { throw OptmlError.user("--bootstrap \(bootstrap): expecting 0 or more resamples.") }
            guard bootstrapMinimumRows >= 2 else {
                throw OptmlError.user("--bootstrap-minimum-rows \(bootstrapMinimumRows): expecting 2 or more rows.")
            }
            var models: [URL] = []
            for dir in modelDir.isEmpty ? [processing.appendingPathComponent("model").path] : modelDir {
                var url = URL(fileURLWithPath: dir, isDirectory: true)
                if let tarball = try ModelTarball.find(in: url) {
                    url = try ModelTarball.unpack(tarball)
                    unpacked.append(url)
                }
                models.append(url)
            }
            let options = EvaluationJob.Options(
                modelDirectories: models,
                input: input.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? processing.appendingPathComponent("input", isDirectory: true),
                contentType: contentType,
                output: output.map { URL(fileURLWithPath: $0, isDirectory: true) }
                    ?? processing.appendingPathComponent("output/evaluation", isDirectory: true),
                task: taskChoice, bootstrapResamples: bootstrap, bootstrapMinimumRows: bootstrapMinimumRows, seed: seed, threads: max(1, threads))
            _ = try EvaluationJob(options: options, log: TrainingLog()).run()
        } catch let error as OptmlError {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            try? AtomicFile.write(Data(error.description.utf8), to: paths.output.appendingPathComponent("message"))
            throw ExitCode(1)
        }
    }
}
