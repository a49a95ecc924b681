import ArgumentParser
import Foundation
import BuiltinAlgorithms
import ContainerRuntime
import DataReaders
import Inference
import MLCore

/// `optml transform`: offline batch inference as a SageMaker processing job (contract §3, §4.6).
struct Transform: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Predict every file under /opt/ml/processing/input into <file>.out under /opt/ml/processing/output.",
        discussion: """
        The model comes from /opt/ml/processing/model (a model.tar.gz there is unpacked first) or \
        --model-dir. Files are split by line (text/csv, application/jsonlines, text/libsvm) or by \
        RecordIO record (application/x-recordio-protobuf) and streamed in bounded memory, or read whole \
        (application/json); each gets one output file with one prediction per record, in order. \
        A malformed record fails the job with its file and line, unless --skip-bad-records. Paths are \
        under $SAGEMAKER_BASE_DIR when it is set. On failure the message goes to output/message.
        """
    )

    enum JoinSource: String, ExpressibleByArgument, CaseIterable { case none, input }

    @Option(help: "Model directory (default: /opt/ml/processing/model).")
    var modelDir: String?

    @Option(help: "Input folder, read recursively (default: /opt/ml/processing/input).")
    var input: String?

    @Option(help: "Output folder (default: /opt/ml/processing/output).")
    var output: String?

    @Option(help: "Input format: text/csv, application/json, application/jsonlines, text/libsvm or application/x-recordio-protobuf.")
    var contentType: String = "text/csv"

    @Option(help: "Output format: text/csv, application/json, application/jsonlines or application/x-recordio-protobuf (default: the algorithm's).")
    var accept: String?

    @Option(help: ArgumentHelp("XGBoost selectable output keys, e.g. predicted_label,probabilities (default: $SAGEMAKER_INFERENCE_OUTPUT).",
                               valueName: "keys"))
    var inferenceOutput: String?

    @Option(help: "'input' writes each input record joined with its prediction (Batch Transform's JoinSource).")
    var joinSource: JoinSource = .none

    @Flag(help: "Leave out records that cannot be read, and list them in the summary, instead of failing.")
    var skipBadRecords = false

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Argument(parsing: .captureForPassthrough, help: "Extra container arguments (ignored).")
    var extra: [String] = []

    func run() throws {
        // Extra arguments are captured whole, so --help would otherwise be swallowed.
        if extra.contains("--help") || extra.contains("-h") { throw CleanExit.helpRequest(self) }
        let environment = ProcessInfo.processInfo.environment
        let paths = SageMakerPaths(environment: environment)
        let processing = paths.root.appendingPathComponent("processing", isDirectory: true)
        do {
            try transform(processing: processing)
        } catch let error as OptmlError {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            // Processing jobs report the first 1 KB of output/message as ExitMessage (contract §3).
            try? AtomicFile.write(Data(error.description.utf8), to: paths.output.appendingPathComponent("message"))
            throw ExitCode(1)
        }
    }

    private func transform(processing: URL) throws {
        let format: RequestFormat
        do { format = try RequestFormat(contentType: contentType) } catch {
            throw OptmlError.user("--content-type: \(error.message)")
        }
        var model = modelDir.map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? processing.appendingPathComponent("model", isDirectory: true)
        var unpacked: URL?
        defer { if let unpacked { try? FileManager.default.removeItem(at: unpacked) } }
        if let tarball = try ModelTarball.find(in: model) {
            unpacked = try ModelTarball.unpack(tarball)
            model = unpacked!
        }
        let environment = ProcessInfo.processInfo.environment
        let predictor = try PredictorLoader.load(modelDirectory: model,
                                                 ensemble: try PredictorLoader.ensembleEnabled(environment: environment))
        let acceptFormat: ResponseFormat
        do {
            acceptFormat = try ResponseFormat(
                accept: accept, defaultAccept: ResponseFormat(rawValue: predictor.layout.defaultAccept) ?? .json)
        } catch {
            throw OptmlError.user("--accept: \(error.message)")
        }
        let options = TransformOptions(format: format, accept: acceptFormat, joinInput: joinSource == .input,
                                       skipBadRecords: skipBadRecords, threads: threads,
                                       inferenceOutput: inferenceOutput ?? environment["SAGEMAKER_INFERENCE_OUTPUT"])
        let transformer = try BatchTransformer(predictor: predictor, options: options)
        for notice in transformer.handler.notices { print("optml transform: \(notice)") }
        let inputFolder = input.map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? processing.appendingPathComponent("input", isDirectory: true)
        let outputFolder = output.map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? processing.appendingPathComponent("output", isDirectory: true)
        let files = try ChannelDirectory.files(in: inputFolder, channel: "input")
        guard !files.isEmpty else {
            throw OptmlError.user("No input files under \(inputFolder.path).")
        }
        var records = 0, skipped = 0
        let start = Date()
        for file in files {
            let destination = outputFolder.appendingPathComponent(file.relativePath + ".out")
            let summary = try transformer.transform(input: file.url, output: destination, name: file.relativePath)
            records += summary.records
            skipped += summary.skipped
            print("\(file.relativePath): \(summary.records) records → \(destination.path)"
                + (summary.skipped > 0 ? " (\(summary.skipped) skipped)" : ""))
            for record in summary.skippedDetails { print("  skipped \(record.message)") }
            if summary.skipped > summary.skippedDetails.count {
                print("  … and \(summary.skipped - summary.skippedDetails.count) more skipped records")
            }
        }
        let seconds = Date().timeIntervalSince(start)
        print("Transformed \(records) records from \(files.count) file\(files.count == 1 ? "" : "s") in "
            + String(format: "%.2f", seconds) + " s (\(Int(Double(records) / max(seconds, 1e-9))) records/s)"
            + (skipped > 0 ? "; skipped \(skipped) bad records." : "."))
    }
}

/// A processing job receives the training job's `model.tar.gz` itself (contract §3, §8).
enum ModelTarball {
    /// `model.tar.gz` in `directory` when no model file sits beside it.
    static func find(in directory: URL) throws -> URL? {
        let tarball = directory.appendingPathComponent("model.tar.gz")
        guard FileManager.default.fileExists(atPath: tarball.path) else { return nil }
        let loose = AlgorithmCatalog.all.contains {
            FileManager.default.fileExists(atPath: directory.appendingPathComponent($0.modelFileName).path)
        }
        return loose ? nil : tarball
    }

    /// Unpacks into a new temporary folder with the system `tar`.
    static func unpack(_ tarball: URL) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("optml-model-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/tar")
        process.arguments = ["-xzf", tarball.path, "-C", folder.path]
        let errors = Pipe()
        process.standardError = errors
        do { try process.run() } catch {
            throw OptmlError.platform("Cannot run /bin/tar to unpack \(tarball.path): \(error.localizedDescription)")
        }
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            try? FileManager.default.removeItem(at: folder)
            throw OptmlError.user("Cannot unpack \(tarball.path) (is it a gzipped tar archive?): "
                + message.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return folder
    }
}
