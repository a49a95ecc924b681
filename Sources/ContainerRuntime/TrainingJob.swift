import Foundation
import MLCore
import DataReaders
import Evaluation
import BuiltinAlgorithms
import LinearLearner

/// optml's version, printed at start and recorded in artifacts' logs.
public enum OptmlVersion {
    public static let current = "0.1.0"
}

/// `optml train`: the SageMaker training contract from config files to model artifact.
///
/// The only place that reads `/opt/ml` for training. Errors become the failure file (cause first)
/// and a non-zero exit code; the model is written atomically and only on success.
public struct TrainingJob: Sendable {
    public var paths: SageMakerPaths
    public var environment: [String: String]
    public var log: TrainingLog
    public var stop: StopSignal

    public init(paths: SageMakerPaths, environment: [String: String], log: TrainingLog, stop: StopSignal = .shared) {
        self.paths = paths
        self.environment = environment
        self.log = log
        self.stop = stop
    }

    /// Exit code for a job stopped by SIGTERM (128 + 15).
    public static let stoppedExitCode: Int32 = 143

    /// Runs the job and returns the process exit code; never throws.
    public func run(arguments: [String] = []) -> Int32 {
        log.line("optml \(OptmlVersion.current): Docker entrypoint called with argument(s): " + (["train"] + arguments).joined(separator: " "))
        if !arguments.isEmpty {
            log.line("Extra container arguments are not used by optml train and were ignored: \(arguments.joined(separator: " "))")
        }
        do {
            try execute()
            if let peak = ProcessMemory.peakResidentBytes() { log.line("#memory: peak_rss_bytes=\(peak)") }
            return 0
        } catch let error as OptmlError {
            log.line("Training failed. \(error.description)")
            writeFailure(error.description)
            return 1
        } catch let cancelled as TrainingCancelled {
            let signal = stop.receivedSignal ?? "a stop request"
            let outcome = cancelled.savedModel.map { "the model trained so far was saved as \($0) (save_model_on_termination)." }
                ?? "no model was written."
            let message = "Training was stopped by \(signal) (StopTrainingJob or MaxRuntimeInSeconds) before it finished; \(outcome)"
            log.line(message)
            writeFailure(message)
            return Self.stoppedExitCode
        } catch {
            let message = "PlatformError: \(error)"
            log.line("Training failed. \(message)")
            writeFailure(message)
            return 1
        }
    }

    func writeFailure(_ message: String) {
        do {
            try AtomicFile.write(Data((message + "\n").utf8), to: paths.failure)
        } catch {
            FileHandle.standardError.write(Data("Cannot write \(paths.failure.path): \(error)\n".utf8))
        }
    }

    /// The number of worker threads: `OPTML_NUM_THREADS` when set, else every core.
    public var threads: Int {
        if let text = environment["OPTML_NUM_THREADS"], let n = Int(text), n > 0 { return n }
        return ProcessInfo.processInfo.activeProcessorCount
    }

    func execute() throws {
        let configuration = try TrainingConfiguration.load(from: paths)
        for note in configuration.notes { log.line("Note: \(note)") }
        let algorithm = try selectAlgorithm(configuration.hyperparameters)
        log.line("Algorithm: \(algorithm.name) (\(algorithm.title)).")
        log.line("Reading provided configuration from \(paths.hyperparameters.path): \(jsonLine(configuration.hyperparameters))")
        let validated = try algorithm.hyperparameters.validate(configuration.hyperparameters)
        if !validated.ignoredKeys.isEmpty {
            log.line("Framework keys accepted and not used: \(validated.ignoredKeys.joined(separator: ", "))")
        }
        if let empty = emptyShard(configuration) {
            log.line("Host \(configuration.resources.currentHost) does not have training data: its shard of the '\(empty)' channel "
                + "(ShardedByS3Key over \(configuration.resources.hosts.count) hosts) holds no files, as happens when a channel has "
                + "fewer S3 objects than the job has hosts. This host takes no part in training and writes no model.")
            return
        }
        if algorithm.name == AlgorithmCatalog.xgboost.name {
            try trainXGBoost(configuration: configuration, algorithm: algorithm, validated: validated)
            return
        }
        let config = try LinearLearnerConfig(validated)
        log.line("Final configuration: \(jsonLine(validated.wireForm))")

        let host = configuration.resources.currentHost
        let plans = try planChannels(configuration, algorithm: algorithm)
        let threads = self.threads
        log.line("Host \(host) (\(configuration.resources.hosts.count) host(s)), \(threads) thread(s).")

        let result: LinearLearnerResult
        let trainRows: Int
        if let decision = try streamingDecision(plans, config: config, host: host, threads: threads) {
            (result, trainRows) = try trainStreaming(plans, decision: decision, config: config, host: host, threads: threads)
        } else {
            (result, trainRows) = try trainInMemory(plans, config: config, host: host, threads: threads)
        }
        try throwIfStopped()

        guard isMaster(configuration) else { return }
        let artifact = ModelArtifact(
            algorithm: algorithm.name, featureCount: result.model.featureCount, hyperparameters: validated.wireForm,
            training: .init(method: result.report.method, iterations: result.report.iterations, converged: result.report.converged,
                            objective: result.report.objective, history: result.report.history, modelsTrained: result.modelsTrained,
                            selectedWD: result.selectedL2, selectedL1: result.selectedL1,
                            selectedPositiveWeight: result.selectedPositiveWeight, trainRows: trainRows),
            payload: .linearLearner(result.model))
        try writeModel(try artifact.encoded(), algorithm: algorithm)
    }

    /// Trains on channels read into memory (dense rows, or CSR rows `SparseLinearPolicy` keeps).
    /// Returns the result and the train rows.
    func trainInMemory(_ plans: [ChannelPlan], config: LinearLearnerConfig, host: String, threads: Int) throws
        -> (LinearLearnerResult, Int)
    {
        func read(_ plan: ChannelPlan) throws -> ChannelData<Double> {
            try throwIfStopped()
            let timer = PhaseTimer()
            // feature_dim is checked by the trainer, whose message names the hyperparameter.
            let (data, files) = try loadData(plan, loader: ChannelLoader(threads: threads), as: Double.self)
            log.line("#timing: host=\(host), phase=read_\(plan.name), rows=\(data.count), columns=\(data.featureCount + 1), files=\(files), \(timer.fields)")
            return data
        }
        // The train rows are standardized in place, so the job hands over its only reference.
        var trainData: ChannelData<Double>? = try read(plans.first { $0.name == "train" }!)
        let validationData = try plans.first { $0.name == "validation" }.map(read)
        let testData = try plans.first { $0.name == "test" }.map(read)
        try throwIfStopped()

        let trainer = LinearLearnerTrainer(config: config, host: host, threads: threads,
                                           isCancelled: { [stop] in stop.isStopRequested }, log: { [log] in log.line($0) })
        let timer = PhaseTimer()
        let trainRows = trainData!.count
        let result: LinearLearnerResult
        var keepSparse = false
        if case .sparse(let sparse)? = trainData {
            keepSparse = try SparseLinearPolicy.trainsSparse(sparse, config: config, log: log.line)
        }
        if keepSparse {
            func sparseRows(_ data: ChannelData<Double>?) -> SparseDesign? {
                switch data {
                case .none: return nil
                case .sparse(let s)?: return SparseDesign(s, threads: threads)
                case .dense(let d)?:
                    return SparseDesign(SparseLabeledDataset(features: SparseMatrix(d.features), labels: d.labels, weights: d.weights,
                                                             source: d.source), threads: threads)
                }
            }
            var train = SparseDesign(Self.takeSparse(&trainData), threads: threads)
            result = try trainer.train(&train, validation: sparseRows(validationData), test: sparseRows(testData))
        } else {
            var train = Self.takeDense(&trainData)
            result = try trainer.train(&train, validation: validationData?.densified(absent: 0), test: testData?.densified(absent: 0))
        }
        log.line("#timing: host=\(host), phase=fit, rows=\(trainRows), \(timer.fields)")
        return (result, trainRows)
    }

    /// Moves the sparse rows out of `data`, leaving nil, so the caller holds their only reference.
    static func takeSparse(_ data: inout ChannelData<Double>?) -> SparseLabeledDataset<Double> {
        guard case .sparse(let rows)? = data else { preconditionFailure("the channel is not sparse") }
        data = nil
        return rows
    }

    /// Moves the rows out of `data` as a dense dataset (absent sparse entries are zeros), leaving nil.
    static func takeDense(_ data: inout ChannelData<Double>?) -> LabeledDataset<Double> {
        guard let taken = data else { preconditionFailure("no channel rows") }
        data = nil
        return taken.densified(absent: 0)
    }

    /// The first of the train and validation channels that is sharded by S3 key across several
    /// hosts and holds no data file on this host (contract §10.1: a host can legitimately get no
    /// objects), or nil. Such a host sits out, as SageMaker's XGBoost lets a data-less host exit 0;
    /// with one host, or a FullyReplicated channel, an empty channel stays an error.
    func emptyShard(_ configuration: TrainingConfiguration) -> String? {
        guard configuration.resources.hosts.count > 1 else { return nil }
        for name in ["train", "validation"] {
            guard let channel = configuration.channels[name], channel.distribution.lowercased() == "shardedbys3key",
                  channel.inputMode.lowercased() != "pipe" else { continue }
            do {
                _ = try ChannelDirectory.files(in: paths.channel(name), channel: name)
            } catch let error as OptmlError {
                if error.kind == .user { return name }
            } catch {}
        }
        return nil
    }

    /// Whether this host writes the model (the first host, as SageMaker's built-in algorithms do);
    /// says so in the log when it does not.
    func isMaster(_ configuration: TrainingConfiguration) -> Bool {
        let host = configuration.resources.currentHost
        guard configuration.resources.hosts.first == host else {
            log.line("Host \(host) is not the first of \(configuration.resources.hosts); the model is written by \(configuration.resources.hosts[0]).")
            return false
        }
        return true
    }

    /// Writes the model file atomically, clears an old failure file and marks success.
    func writeModel(_ data: Data, algorithm: AlgorithmDescriptor) throws {
        let destination = paths.model.appendingPathComponent(algorithm.modelFileName)
        try AtomicFile.write(data, to: destination)
        try? FileManager.default.removeItem(at: paths.failure)
        try AtomicFile.write(Data(), to: paths.success)
        log.line("Model written to \(destination.path)")
    }

    /// How long a Pipe-mode channel's FIFO may take to appear: `OPTML_PIPE_TIMEOUT_SECONDS`, else 120.
    var pipeTimeout: Double {
        environment["OPTML_PIPE_TIMEOUT_SECONDS"].flatMap(Double.init).map { max(0, $0) } ?? 120
    }

    /// Reads a planned channel: every file of its folder in File and FastFile mode, the FIFO
    /// `<channel>_0` in Pipe mode (contract §1.5). Returns the dataset and the number of files read.
    func load<T: BinaryFloatingPoint & Sendable>(_ plan: ChannelPlan, loader: ChannelLoader, as type: T.Type, absent: T) throws
        -> (LabeledDataset<T>, Int)
    {
        let (data, files) = try loadData(plan, loader: loader, as: type)
        return (data.densified(absent: absent), files)
    }

    /// Reads a planned channel in the form its reader produced (sparse input stays CSR).
    func loadData<T: BinaryFloatingPoint & Sendable>(_ plan: ChannelPlan, loader: ChannelLoader, as type: T.Type) throws
        -> (ChannelData<T>, Int)
    {
        guard plan.config.inputMode.lowercased() == "pipe" else {
            let files = try ChannelDirectory.files(in: paths.channel(plan.name), channel: plan.name)
            return (try loader.readData(files: files, format: plan.format, channel: plan.name, as: type), files.count)
        }
        let fifo = PipeChannel.fifo(dataFolder: paths.data, channel: plan.name)
        try PipeChannel.waitForFIFO(fifo, channel: plan.name, timeout: pipeTimeout)
        log.line("Channel '\(plan.name)' is in Pipe mode: reading \(fifo.path).")
        let file = ChannelFile(url: fifo, relativePath: fifo.lastPathComponent)
        if plan.config.recordWrapper.lowercased() == "recordio" && plan.format != .recordioProtobuf {
            let name = "\(plan.name) channel (\(fifo.lastPathComponent))"
            let bytes = try PipeChannel.unwrapRecordIO(file, displayName: name)
            return (try loader.readData(bytes: bytes, name: name, format: plan.format, channel: plan.name, as: type), 1)
        }
        // A FIFO is read to its end like a file; gzip streams are inflated by the readers.
        return (try loader.readData(files: [file], format: plan.format, channel: plan.name, as: type), 1)
    }

    func throwIfStopped() throws {
        if stop.isStopRequested { throw TrainingCancelled() }
    }

    /// The algorithm from the `algorithm` hyperparameter, else `OPTML_ALGORITHM`.
    func selectAlgorithm(_ hyperparameters: [String: String]) throws -> AlgorithmDescriptor {
        if let raw = hyperparameters["algorithm"] {
            return try AlgorithmCatalog.named(HyperparameterTable.decodeWireValue(raw))
        }
        if let name = environment["OPTML_ALGORITHM"], !name.isEmpty {
            return try AlgorithmCatalog.named(name)
        }
        throw OptmlError.user("No algorithm selected. Set the hyperparameter 'algorithm' (for example \"algorithm\": \"linear-learner\") "
            + "or the environment variable OPTML_ALGORITHM. Available: " + AlgorithmCatalog.all.map(\.name).joined(separator: ", ") + ".")
    }

    struct ChannelPlan {
        var name: String
        var config: ChannelConfig
        var format: DataFormat
    }

    /// Checks channel names, input modes and content types against the algorithm (contract §1.2).
    func planChannels(_ configuration: TrainingConfiguration, algorithm: AlgorithmDescriptor) throws -> [ChannelPlan] {
        let allowed = algorithm.channels.map(\.name)
        for name in configuration.channels.keys.sorted() where !allowed.contains(name) {
            throw OptmlError.user("Extraneous channel found: \(name). \(algorithm.name) reads the channels "
                + allowed.joined(separator: ", ") + ".")
        }
        for rule in algorithm.channels where rule.required && configuration.channels[rule.name] == nil {
            throw OptmlError.user("Missing required channel: \(rule.name)")
        }
        var plans: [ChannelPlan] = []
        for rule in algorithm.channels {
            guard let config = configuration.channels[rule.name] else { continue }
            switch config.inputMode.lowercased() {
            case "file", "fastfile", "pipe": break
            default:
                throw OptmlError.user("Channel '\(rule.name)' has TrainingInputMode '\(config.inputMode)'. Expecting: File, FastFile or Pipe.")
            }
            let contentType: ContentType
            if let text = config.contentType {
                contentType = try ContentType(parsing: text)
            } else {
                contentType = try sniffContentType(channel: rule.name, algorithm: algorithm)
            }
            guard let format = contentType.format, algorithm.trainingContentTypes.contains(where: { (try? ContentType(parsing: $0))?.format == format }) else {
                throw OptmlError.user("Channel '\(rule.name)' has ContentType '\(config.contentType ?? algorithm.defaultContentType)', which \(algorithm.name) does not train on. "
                    + "Use one of: " + algorithm.trainingContentTypes.joined(separator: ", ") + ".")
            }
            if format == .csv, let size = contentType.labelSize, size != 1 {
                throw OptmlError.user("Channel '\(rule.name)' has ContentType '\(config.contentType ?? "")': \(algorithm.name) trains on labelled rows, so label_size must be 1 (the label in the first column).")
            }
            plans.append(ChannelPlan(name: rule.name, config: config, format: format))
        }
        return plans
    }

    /// A channel without ContentType: recordio-protobuf when the first file starts with the RecordIO
    /// magic (the algorithm's default), otherwise CSV, said in the log.
    func sniffContentType(channel: String, algorithm: AlgorithmDescriptor) throws -> ContentType {
        let files = try ChannelDirectory.files(in: paths.channel(channel), channel: channel)
        var head = [UInt8](repeating: 0, count: 4)
        if let handle = FileHandle(forReadingAtPath: files[0].url.path) {
            let data = handle.readData(ofLength: 4)
            head = Array(data)
            try? handle.close()
        }
        if head == [0x0A, 0x23, 0xD7, 0xCE] {
            return try ContentType(parsing: "application/x-recordio-protobuf")
        }
        if algorithm.trainingContentTypes.contains("text/libsvm"), let firstLine = try? firstLine(of: files[0].url), firstLine.contains(":") {
            log.line("Note: channel '\(channel)' has no ContentType and its first line holds index:value pairs; reading it as text/libsvm.")
            return try ContentType(parsing: "text/libsvm")
        }
        log.line("Note: channel '\(channel)' has no ContentType and its first file is not RecordIO; reading it as text/csv.")
        return try ContentType(parsing: "text/csv")
    }

    /// The first line of a file (at most 4 KiB of it).
    func firstLine(of url: URL) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: url.path) else { return "" }
        defer { try? handle.close() }
        let data = handle.readData(ofLength: 4096)
        return String(decoding: data.prefix { $0 != 0x0A }, as: UTF8.self)
    }

    func jsonLine(_ dictionary: [String: String]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: dictionary, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}

extension Duration {
    var secondsValue: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
