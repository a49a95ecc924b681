import Foundation
import MLCore
import DataReaders
import Evaluation
import BuiltinAlgorithms
import GradientBoosting
import LinearLearner

/// `optml evaluate`: a processing job that predicts a labelled data set with one model (or two, to
/// compare them) and writes `evaluation.json` (contract §9) and `report.html`.
///
/// Defaults follow the processing-job layout (contract §3): models under
/// `/opt/ml/processing/model`, data under `/opt/ml/processing/input`, results in
/// `/opt/ml/processing/output/evaluation`. The data is read like a training channel (label first
/// for CSV; libsvm and RecordIO-protobuf carry their labels).
public struct EvaluationJob: Sendable {
    /// What the predictions are evaluated as; by default the model's own task.
    public enum TaskChoice: String, Sendable, CaseIterable {
        case binary, multiclass, regression
    }

    public struct Options: Sendable {
        /// One model directory, or two to compare (the first is "A").
        public var modelDirectories: [URL]
        public var input: URL
        public var contentType: String
        public var output: URL
        public var task: TaskChoice?
        public var bootstrapResamples: Int
        /// Fewer rows than this and the standard deviations are reported as NaN (Model Monitor's rule: 200).
        public var bootstrapMinimumRows: Int
        public var seed: UInt64
        public var threads: Int

        public init(modelDirectories: [URL], input: URL, contentType: String, output: URL, task: TaskChoice?,
                    bootstrapResamples: Int, bootstrapMinimumRows: Int = 200, seed: UInt64, threads: Int) {
            self.modelDirectories = modelDirectories
            self.input = input
            self.contentType = contentType
            self.output = output
            self.task = task
            self.bootstrapResamples = bootstrapResamples
            self.bootstrapMinimumRows = bootstrapMinimumRows
            self.seed = seed
            self.threads = threads
        }
    }

    public var options: Options
    public var log: TrainingLog

    public init(options: Options, log: TrainingLog) {
        self.options = options
        self.log = log
    }

    /// Runs the evaluation; returns the paths written.
    public func run() throws -> [URL] {
        guard (1...2).contains(options.modelDirectories.count) else {
            throw OptmlError.user("optml evaluate takes one model directory, or two to compare; got \(options.modelDirectories.count).")
        }
        let contentType = try ContentType(parsing: options.contentType)
        guard let format = contentType.format, [.csv, .libsvm, .recordioProtobuf].contains(format) else {
            throw OptmlError.user("--content-type '\(options.contentType)' is not a labelled data format optml evaluates. "
                + "Use text/csv (label first), text/libsvm or application/x-recordio-protobuf.")
        }
        let files = try ChannelDirectory.files(in: options.input, channel: "input")
        var inputs: [EvaluationInput] = []
        for (index, directory) in options.modelDirectories.enumerated() {
            let predictor = try PredictorLoader.load(
                modelDirectory: directory, ensemble: try PredictorLoader.ensembleEnabled(environment: ProcessInfo.processInfo.environment))
            let readTimer = PhaseTimer()
            let data = try ChannelLoader(threads: options.threads).read(
                files: files, format: format, channel: options.input.path, as: Double.self, absent: predictor.absentSparseValue)
            log.line("#timing: phase=read, rows=\(data.count), files=\(files.count), \(readTimer.fields)")
            guard data.featureCount == predictor.featureCount else {
                throw OptmlError.user("The data under \(options.input.path) has \(data.featureCount) feature columns but the model in "
                    + "\(directory.path) was trained on \(predictor.featureCount).")
            }
            let name = options.modelDirectories.count == 1 ? directory.lastPathComponent : "\(index == 0 ? "A" : "B"): \(directory.lastPathComponent)"
            let predictTimer = PhaseTimer()
            inputs.append(try evaluationInput(predictor: predictor, directory: directory, data: data, name: name))
            log.line("Predicted \(data.count) rows with the \(predictor.algorithm) model in \(directory.path).")
            log.line("#timing: phase=predict, rows=\(data.count), \(predictTimer.fields)")
        }
        let evaluateTimer = PhaseTimer()
        let evaluationOptions = EvaluationOptions(bootstrap: BootstrapOptions(resamples: options.bootstrapResamples, seed: options.seed,
                                                                              threads: options.threads,
                                                                              minimumExamples: options.bootstrapMinimumRows))
        try FileManager.default.createDirectory(at: options.output, withIntermediateDirectories: true)
        var written: [URL] = []
        func write(_ data: Data, _ name: String) throws {
            let url = options.output.appendingPathComponent(name)
            try AtomicFile.write(data, to: url)
            written.append(url)
        }
        if inputs.count == 1 {
            let report = try EvaluationReport(inputs[0], options: evaluationOptions)
            try write(try report.jsonData(), "evaluation.json")
            try write(Data(report.html().utf8), "report.html")
        } else {
            let comparison = try ModelComparison(inputs[0], inputs[1], options: evaluationOptions)
            try write(try comparison.first.jsonData(), "evaluation.json")
            try write(try comparison.second.jsonData(), "evaluation-b.json")
            try write(Data(comparison.html().utf8), "report.html")
            let spread = String(format: "%.6g", comparison.differenceStandardDeviation)
            let verdict: String
            switch comparison.verdict {
            case .first: verdict = "model A (\(options.modelDirectories[0].path)) is better"
            case .second: verdict = "model B (\(options.modelDirectories[1].path)) is better"
            case .undecided: verdict = "neither model is better beyond the bootstrap spread"
            }
            log.line("Comparison on \(comparison.primaryMetric): A − B = \(String(format: "%.6g", comparison.difference)) "
                + "(bootstrap standard deviation \(spread)); \(verdict).")
        }
        log.line("#timing: phase=evaluate, rows=\(inputs[0].labels.count), models=\(inputs.count), "
            + "bootstrap=\(options.bootstrapResamples), \(evaluateTimer.fields)")
        for url in written { log.line("Wrote \(url.path)") }
        return written
    }

    /// The model's predictions in the form the report takes, with what the model directory tells
    /// about the model (threshold, training history, coefficients).
    func evaluationInput(predictor: any Predictor, directory: URL, data: LabeledDataset<Double>, name: String) throws -> EvaluationInput {
        let predictions = predictor.predict(data.features, threads: options.threads)
        let linear = (predictor as? LinearLearnerPredictor)?.model
        let task = try chosenTask(model: predictor.task)
        let outputs: EvaluationInput.Predictions
        let column0 = (0..<predictions.rows).map { predictions.scores[$0 * predictions.scoreWidth] }
        switch task {
        case .binary:
            guard predictions.scoreWidth == 1 else {
                throw OptmlError.user("--task binary needs a model with one score per row; this model gives \(predictions.scoreWidth).")
            }
            let probabilities = linear?.scoresAreProbabilities ?? column0.allSatisfy { $0 >= 0 && $0 <= 1 }
            outputs = .binary(scores: column0, areProbabilities: probabilities)
        case .multiclass:
            guard predictions.scoreWidth >= 2 else {
                throw OptmlError.user("--task multiclass needs a model with one probability per class; this model gives one score per row.")
            }
            outputs = .multiclass(probabilities: DenseMatrix(rows: predictions.rows, columns: predictions.scoreWidth, storage: predictions.scores))
        case .regression:
            guard predictions.scoreWidth == 1 else {
                throw OptmlError.user("--task regression needs a model with one score per row; this model gives \(predictions.scoreWidth).")
            }
            outputs = .regression(column0)
        }
        var input = EvaluationInput(labels: data.labels, predictions: outputs, weights: data.weights, modelName: name,
                                    decisionThreshold: task == .binary ? linear?.threshold : nil)
        if let linear {
            input.featureImportance = [standardizedCoefficients(linear, data.features)]
        }
        let artifactFile = directory.appendingPathComponent(AlgorithmCatalog.linearLearner.modelFileName)
        if linear != nil, let artifact = try? ModelArtifact.load(contentsOf: artifactFile), let training = artifact.training,
           !training.history.isEmpty {
            input.history = [TrainingSeries(name: "train objective (\(training.method))",
                                            steps: (1...training.history.count).map(Double.init), values: training.history,
                                            stepName: "iteration")]
        }
        if let xgboost = predictor as? XGBoostPredictor {
            // XGBoost's get_score definitions: mean gain and cover per split, and split counts.
            for kind in [TreeEnsemble.ImportanceKind.gain, .cover, .weight] {
                let values = xgboost.ensemble.featureImportance(kind)
                input.featureImportance.append(FeatureImportance(
                    kind: kind.rawValue, names: (0 ..< values.count).map { "feature \($0 + 1)" }, values: values.map { $0 ?? 0 }))
            }
            if let record = TrainingRecord.load(from: directory) {
                input.history = record.metrics.compactMap { series in
                    let points = series.values.enumerated().compactMap { round, value in value.map { (Double(round), $0) } }
                    guard !points.isEmpty else { return nil }
                    return TrainingSeries(name: series.name, steps: points.map(\.0), values: points.map(\.1), stepName: "round")
                }
            }
        }
        try input.validate()
        return input
    }

    func chosenTask(model: Task) throws -> TaskChoice {
        let own: TaskChoice
        switch model {
        case .binaryClassification: own = .binary
        case .multiclassClassification: own = .multiclass
        case .regression: own = .regression
        }
        guard let requested = options.task else { return own }
        if requested != own && (requested == .multiclass || own == .multiclass) {
            throw OptmlError.user("--task \(requested.rawValue) does not fit a \(own.rawValue) model: only binary and regression "
                + "(one score per row) can be evaluated as each other.")
        }
        return requested
    }

    /// `|w_j| · std(x_j)` on the evaluation data (the L2 norm over classes for multiclass): how
    /// much one standard deviation of each feature moves the score.
    func standardizedCoefficients(_ model: LinearModel, _ x: DenseMatrix<Double>) -> FeatureImportance {
        let d = x.columns, n = max(x.rows, 1)
        var mean = [Double](repeating: 0, count: d), square = [Double](repeating: 0, count: d)
        for i in 0..<x.rows {
            for j in 0..<d {
                let v = x[i, j]
                mean[j] += v
                square[j] += v * v
            }
        }
        let weights = model.coefficients.weights
        var values: [Double] = []
        for j in 0..<d {
            let m = mean[j] / Double(n)
            let std = max(square[j] / Double(n) - m * m, 0).squareRoot()
            var norm = 0.0
            for c in 0..<weights.rows { norm += weights[c, j] * weights[c, j] }
            values.append(norm.squareRoot() * std)
        }
        return FeatureImportance(kind: "standardised coefficient", names: (1...max(d, 1)).prefix(d).map { "feature \($0)" }, values: values)
    }
}
