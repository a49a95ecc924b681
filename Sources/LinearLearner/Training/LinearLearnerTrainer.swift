import Foundation
import MLCore
import Evaluation
import LinearAlgebra

/// What training produced: the model, how it was found, and the metrics printed for each channel.
public struct LinearLearnerResult: Sendable {
    public var model: LinearModel
    public var report: SolverReport
    /// The regularization and positive weight of the kept model.
    public var selectedL2: Double
    public var selectedL1: Double
    public var selectedPositiveWeight: Double?
    public var modelsTrained: Int
    /// Final metrics by channel name, in the order printed.
    public var metrics: [(channel: String, values: [QualityMetric])]
}

/// Trains Linear Learner models: checks labels, scales, searches regularization, solves, picks the
/// threshold, and prints SageMaker's metric lines.
///
/// The trainer never touches files or the environment: channels arrive as datasets, lines leave
/// through `log`, and cancellation is polled through `isCancelled`.
public struct LinearLearnerTrainer: Sendable {
    public var config: LinearLearnerConfig
    public var host: String
    public var threads: Int
    public var isCancelled: @Sendable () -> Bool
    public var log: @Sendable (String) -> Void

    public init(config: LinearLearnerConfig, host: String, threads: Int,
                isCancelled: @escaping @Sendable () -> Bool = { false }, log: @escaping @Sendable (String) -> Void) {
        self.config = config
        self.host = host
        self.threads = max(1, threads)
        self.isCancelled = isCancelled
        self.log = log
    }

    /// The name of the objective metric in `#quality_metric` lines (matches `\S+_objective`).
    public var objectiveName: String {
        LinearLearnerMetricName.objective(task: config.task, loss: config.lossName)
    }

    /// Trains on `train` (whose feature matrix is standardized in place to save memory), selects on
    /// `validation` when given, and reports on every channel.
    public func train<D: LinearDesign>(_ train: inout D, validation: D?, test: D?) throws -> LinearLearnerResult {
        let timer = PhaseTimer()
        // OpenBLAS's process-wide pool follows our thread budget: a BLAS call with more threads
        // than the budget would leave its workers spinning in sched_yield after it returns, on
        // cores the budget does not own.
        BLASThreads.set(threads)
        try check(train, channel: "train", featureCount: nil)
        if let validation { try check(validation, channel: "validation", featureCount: train.featureCount) }
        if let test { try check(test, channel: "test", featureCount: train.featureCount) }
        if config.predictorType == .binaryClassifier { try requireBothClasses(train) }
        for warning in config.warnings { log("Warning: \(warning)") }

        let isRegression = config.predictorType == .regressor
        let scaler = FeatureScaler(train, sampleSize: config.scalerSampleSize, center: config.unbiasData,
                                   scale: config.normalizeData, centerLabel: config.unbiasLabel, scaleLabel: config.normalizeLabel)
        scaler.transform(&train)
        var scaledValidation = validation
        if var v = scaledValidation { scaler.transform(&v); scaledValidation = v }

        let baseWeights = train.weights
        let candidates = searchCandidates(hasValidation: validation != nil, train: train)
        if candidates.count > 1 {
            log("Training \(candidates.count) models (num_models) and keeping the best on the \(validation != nil ? "validation" : "train") channel by \(selectionDescription).")
        }
        let selectionSet = scaledValidation ?? train
        var best: (score: Double, coefficients: LinearCoefficients, report: SolverReport, candidate: Candidate, threshold: Double?,
                   history: [String])?
        for (index, candidate) in candidates.enumerated() {
            try checkCancelled()
            let weights = problemWeights(train, base: baseWeights, positiveWeight: candidate.positiveWeight)
            let regularization = Regularization(l2: candidate.l2, l1: candidate.l1,
                                                interceptL2Multiplier: config.biasWeightDecayMultiplier)
            let verbose = candidates.count == 1
            let monitor = EarlyStoppingMonitor(trainer: self, validation: scaledValidation, scaler: scaler, verbose: verbose)
            let started = ContinuousClock.now
            var (coefficients, report) = try solve(train, labels: scaler.transformLabels(train.labels), weights: weights,
                                                   regularization: regularization, seed: candidate.seed,
                                                   monitor: { monitor.observe($0) })
            try checkCancelled()
            if let kept = monitor.best, monitor.stopped || kept.loss < monitor.lastLoss {
                coefficients = kept.coefficients
                log("Early stopping kept iteration \(kept.iteration) (validation \(objectiveName) \(MetricLines.format(kept.loss) ?? "n/a")).")
            }
            let seconds = (ContinuousClock.now - started).seconds
            let passes = max(1, report.iterations)
            if let line = MetricLines.linearLearnerThroughput(host: host, recordsPerSecond: Double(train.count * passes) / max(seconds, 1e-9)) {
                log(line)
            }
            log("Model \(index + 1)/\(candidates.count): \(candidate.describe) solved by \(report.method) in \(report.iterations) iterations, \(String(format: "%.3f", seconds)) s, converged: \(report.converged).")

            // A lone regressor has nothing to choose (no rival, no threshold): skip the scoring pass.
            let (score, threshold): (Double, Double?)
            if candidates.count == 1 && config.predictorType == .regressor {
                (score, threshold) = (0, nil)
            } else {
                let scores = selectionSet.rawScores(coefficients)
                (score, threshold) = selectionScore(scores: scores, dataset: selectionSet, scaler: scaler)
            }
            if candidates.count > 1 {
                log("Model \(index + 1)/\(candidates.count) selection score (\(selectionDescription), higher is better): \(MetricLines.format(score) ?? "n/a")")
            }
            if best == nil || score > best!.score {
                best = (score, coefficients, report, candidate, threshold, monitor.deferredLines)
            }
        }
        guard let chosen = best else { throw OptmlError.algorithm("No model was trained.") }
        if candidates.count > 1 {
            log("Kept model: \(chosen.candidate.describe). Its per-iteration objective:")
            for line in chosen.history { log(line) }
        }
        log(MetricLines.linearLearnerProgress(host: host, completedEpochs: 1, totalEpochs: 1))
        // The model is final here; what follows is reporting. The split lets benchmarks compare
        // the model fit with a peer's `fit` and see the cost of the final metrics on its own.
        log("#timing: host=\(host), phase=model, rows=\(train.count), \(timer.fields)")
        let metricsTimer = PhaseTimer()

        // Final metrics: train on the standardized matrix (same model, same scores); the others raw.
        let folded = scaler.fold(chosen.coefficients, labelScaling: isRegression)
        let model = LinearModel(predictorType: config.predictorType, lossName: config.lossName,
                                featureCount: train.featureCount, classCount: config.numClasses,
                                coefficients: folded, threshold: chosen.threshold)
        var metrics: [(channel: String, values: [QualityMetric])] = []
        let trainOutputs = convert(raw: train.rawScores(chosen.coefficients), scaler: scaler)
        metrics.append(("train", report(outputs: trainOutputs, dataset: train, threshold: chosen.threshold)))
        if let validation {
            metrics.append(("validation", report(outputs: outputs(model: model, rows: validation),
                                                 dataset: validation, threshold: chosen.threshold)))
        }
        if let test {
            metrics.append(("test", report(outputs: outputs(model: model, rows: test),
                                           dataset: test, threshold: chosen.threshold)))
        }
        for (channel, values) in metrics {
            for metric in values {
                if let line = MetricLines.linearLearnerQuality(host: host, channel: channel, epoch: nil, metric: metric.name,
                                                               isLoss: metric.isLoss, value: metric.value) {
                    log(line)
                } else {
                    log("Note: \(channel) \(metric.name) is undefined on this data and is not reported.")
                }
            }
        }
        log("#timing: host=\(host), phase=final_metrics, channels=\(metrics.count), \(metricsTimer.fields)")
        let positive: Double?
        switch chosen.candidate.positiveWeight {
        case .some(let w): positive = w
        case .none: positive = nil
        }
        return LinearLearnerResult(model: model, report: chosen.report, selectedL2: chosen.candidate.l2,
                                   selectedL1: chosen.candidate.l1, selectedPositiveWeight: positive,
                                   modelsTrained: candidates.count, metrics: metrics)
    }

    // MARK: - Checks

    func check(_ data: some LinearDesign, channel: String, featureCount: Int?) throws {
        if let expected = config.featureDim, data.featureCount != expected {
            throw OptmlError.user("feature_dim is \(expected) but the \(channel) channel has \(data.featureCount) feature columns "
                + "(each row holds the label, then the features). Set feature_dim to \(data.featureCount) or to auto.")
        }
        if let featureCount, data.featureCount != featureCount {
            throw OptmlError.user("The \(channel) channel has \(data.featureCount) feature columns but the train channel has \(featureCount). "
                + "Every channel must have the same columns.")
        }
        if let bad = data.firstNonFiniteFeature() {
            let row = bad.row + 1, column = bad.column + 1
            throw OptmlError.user("\(channel) channel, row \(row): feature \(column) (column \(column + 1)) is "
                + (bad.value.isNaN ? "missing" : "not finite") + ". Linear Learner needs a finite value in every feature column.")
        }
        for (i, y) in data.labels.enumerated() {
            switch config.predictorType {
            case .regressor:
                guard y.isFinite else {
                    throw OptmlError.user("\(channel) channel, row \(i + 1): the label is not a finite number.")
                }
            case .binaryClassifier:
                guard y == 0 || y == 1 else {
                    throw OptmlError.user("\(channel) channel, row \(i + 1): label \(Self.text(y)) is not 0 or 1. "
                        + "predictor_type 'binary_classifier' needs labels 0 and 1 in the first column.")
                }
            case .multiclassClassifier:
                let k = config.numClasses!
                guard y >= 0, y < Double(k), y == y.rounded() else {
                    throw OptmlError.user("\(channel) channel, row \(i + 1): label \(Self.text(y)) is not a class index. "
                        + "predictor_type 'multiclass_classifier' with num_classes=\(k) needs integer labels 0 to \(k - 1).")
                }
            }
        }
        if let weights = data.weights, let bad = weights.firstIndex(where: { !($0 >= 0 && $0.isFinite) }) {
            throw OptmlError.user("\(channel) channel, row \(bad + 1): weight \(weights[bad]) is not a finite number >= 0.")
        }
    }

    /// A label as a user wrote it: `2`, not `2.0`.
    static func text(_ y: Double) -> String {
        y == y.rounded() && abs(y) < 1e15 ? String(Int64(y)) : String(y)
    }

    func requireBothClasses(_ data: some LinearDesign) throws {
        let positives = data.labels.reduce(0, +)
        if positives == 0 || positives == Double(data.count) {
            throw OptmlError.user("The train channel has only label \(positives == 0 ? 0 : 1) rows; "
                + "predictor_type 'binary_classifier' needs examples of both labels 0 and 1.")
        }
    }

    func checkCancelled() throws {
        if isCancelled() { throw TrainingCancelled() }
    }

    // MARK: - Search

    struct Candidate: Sendable {
        var l2: Double
        var l1: Double
        var positiveWeight: Double?
        var seed: UInt64
        var describe: String {
            var parts = ["wd=\(l2)", "l1=\(l1)"]
            if let positiveWeight { parts.append("positive_example_weight_mult=\(MetricLines.format(positiveWeight) ?? "\(positiveWeight)")") }
            return parts.joined(separator: ", ")
        }
    }

    /// The models to train: a wd grid when wd is auto and there is a validation channel, both positive
    /// weights when positive_example_weight_mult is auto, and seeds for the stochastic optimizers.
    func searchCandidates(hasValidation: Bool, train: some LinearDesign) -> [Candidate] {
        let l1: Double = { if case .fixed(let v) = config.l1 { return v }; return 0 }()
        var l2Values: [Double]
        let searchWD = config.wd == .auto && hasValidation
        switch config.wd {
        case .fixed(let v): l2Values = [v]
        case .auto:
            if searchWD {
                let k = config.numModels ?? 6
                l2Values = k == 1 ? [1e-6] : (0..<k).map { pow(10, -7 + 6 * Double($0) / Double(k - 1)) }
            } else {
                l2Values = [1e-6]
            }
        }
        var positiveWeights: [Double?] = [nil]
        if config.predictorType == .binaryClassifier {
            let positives = train.labels.reduce(0, +)
            let balanced = (Double(train.count) - positives) / positives
            switch config.positiveWeight {
            case .multiplier(let w): positiveWeights = [w]
            case .balanced: positiveWeights = [balanced]
            case .auto: positiveWeights = [1, balanced]
            }
        }
        var seeds: [UInt64] = [0]
        if config.stochastic != nil, !searchWD, config.positiveWeight != .auto, let k = config.numModels, k > 1 {
            seeds = (0..<UInt64(k)).map { $0 }
        } else if config.stochastic == nil, !searchWD, let k = config.numModels, k > 1 {
            log("num_models=\(k): wd is fixed or there is no validation channel to choose by, and the exact solver is deterministic, so one model per setting is trained.")
        }
        var out: [Candidate] = []
        for l2 in l2Values { for w in positiveWeights { for seed in seeds {
            out.append(Candidate(l2: l2, l1: l1, positiveWeight: w, seed: seed))
        } } }
        return out
    }

    var selectionDescription: String {
        guard config.predictorType == .binaryClassifier else { return "lowest \(objectiveName)" }
        switch config.selection {
        case .accuracy: return "accuracy"
        case .fBeta: return "F-beta (beta=\(config.fBeta))"
        case .precisionAtTargetRecall: return "precision at recall \(config.targetRecall)"
        case .recallAtTargetPrecision: return "recall at precision \(config.targetPrecision)"
        case .lossFunction: return "lowest \(objectiveName)"
        }
    }

    func problemWeights(_ data: some LinearDesign, base: [Double]?, positiveWeight: Double?) -> [Double]? {
        switch config.predictorType {
        case .binaryClassifier:
            guard let w = positiveWeight, w != 1 else { return base }
            return data.labels.enumerated().map { i, y in (base?[i] ?? 1) * (y == 1 ? w : 1) }
        case .multiclassClassifier:
            guard config.balanceMulticlassWeights else { return base }
            let k = config.numClasses!
            var counts = [Double](repeating: 0, count: k)
            for (i, y) in data.labels.enumerated() { counts[Int(y)] += base?[i] ?? 1 }
            let total = counts.reduce(0, +)
            let classWeight = counts.map { $0 > 0 ? total / (Double(k) * $0) : 0 }
            return data.labels.enumerated().map { i, y in (base?[i] ?? 1) * classWeight[Int(y)] }
        case .regressor:
            return base
        }
    }

    func solve<D: LinearDesign>(_ rows: D, labels: [Double], weights: [Double]?, regularization: Regularization, seed: UInt64,
                                monitor: @escaping SolverMonitor) throws -> (LinearCoefficients, SolverReport) {
        var stochastic = config.stochastic
        stochastic?.seed = seed
        var options = ExactSolverOptions()
        options.threads = threads
        return try rows.fit(labels: labels, weights: weights, fitIntercept: config.useBias, loss: config.loss,
                            regularization: regularization, stochastic: stochastic, exact: options, monitor: monitor)
    }

    // MARK: - Scores and metrics

    /// Model outputs in the units metrics use: regression predictions (original label units),
    /// binary scores (probabilities for logistic), multiclass probabilities.
    enum Outputs {
        case values([Double])
        case probabilities(DenseMatrix<Double>)
    }

    /// The outputs of the final (unstandardized) model on raw rows: what `LinearModel.scores` and
    /// `classProbabilities` give.
    func outputs(model: LinearModel, rows: some LinearDesign) -> Outputs {
        let raw = rows.rawScores(model.coefficients)
        return config.predictorType == .regressor ? .values(raw.storage) : classifierOutputs(raw)
    }

    func convert(raw: DenseMatrix<Double>, scaler: FeatureScaler) -> Outputs {
        switch config.predictorType {
        case .regressor:
            return .values(raw.storage.map { $0 * scaler.labelScale + scaler.labelMean })
        case .binaryClassifier, .multiclassClassifier:
            return classifierOutputs(raw)
        }
    }

    /// Binary scores (probabilities, or margins for hinge loss) or multiclass softmax
    /// probabilities from raw outputs; classifier outputs do not depend on label scaling.
    func classifierOutputs(_ raw: DenseMatrix<Double>) -> Outputs {
        switch config.predictorType {
        case .regressor, .binaryClassifier:
            return .values(config.lossName == "hinge_loss" ? raw.storage : raw.storage.map { 1 / (1 + exp(-$0)) })
        case .multiclassClassifier:
            var p = raw
            let k = p.columns
            for i in 0..<p.rows {
                var m = -Double.infinity
                for j in 0..<k { m = max(m, p[i, j]) }
                var total = 0.0
                for j in 0..<k { p[i, j] = exp(p[i, j] - m); total += p[i, j] }
                for j in 0..<k { p[i, j] /= total }
            }
            return .probabilities(p)
        }
    }

    /// Mean weighted loss (the objective without regularization) in original label units.
    func objectiveLoss(_ outputs: Outputs, dataset: some LinearDesign) -> Double {
        var total = 0.0, weightSum = 0.0
        switch outputs {
        case .values(let v):
            for i in 0..<v.count {
                let w = dataset.weight(i)
                if config.loss == .logistic {
                    // Cross entropy of the probability, clipped as scikit-learn's log_loss clips.
                    let q = min(max(v[i], 1e-15), 1 - 1e-15)
                    total -= w * Foundation.log(dataset.labels[i] == 1 ? q : 1 - q)
                } else {
                    total += w * config.loss.value(prediction: v[i], label: dataset.labels[i])
                }
                weightSum += w
            }
        case .probabilities(let p):
            for i in 0..<p.rows {
                let w = dataset.weight(i)
                total -= w * Foundation.log(max(p[i, Int(dataset.labels[i])], 1e-15))
                weightSum += w
            }
        }
        return weightSum > 0 ? total / weightSum : 0
    }

    /// The selection score (higher is better) of a candidate on the selection channel, and its threshold.
    func selectionScore(scores raw: DenseMatrix<Double>, dataset: some LinearDesign, scaler: FeatureScaler) -> (Double, Double?) {
        let out = convert(raw: raw, scaler: scaler)
        guard config.predictorType == .binaryClassifier, case .values(let scores) = out else {
            return (-objectiveLoss(out, dataset: dataset), nil)
        }
        let (labels, sampled, weights) = calibrationSample(scores: scores, dataset: dataset)
        let defaultThreshold = config.lossName == "hinge_loss" ? 0.0 : 0.5
        let criterion: ThresholdCriterion
        switch config.selection {
        case .lossFunction:
            return (-objectiveLoss(out, dataset: dataset), defaultThreshold)
        case .accuracy: criterion = .accuracy
        case .fBeta: criterion = .fBeta(config.fBeta)
        case .precisionAtTargetRecall: criterion = .precisionAtTargetRecall(config.targetRecall)
        case .recallAtTargetPrecision: criterion = .recallAtTargetPrecision(config.targetPrecision)
        }
        let choice = BinaryMetrics.bestThreshold(labels: labels, scores: sampled, weights: weights, criterion: criterion)
        if !choice.met {
            log("Warning: no threshold reaches the target of \(selectionDescription) on the selection channel; the closest one is used.")
        }
        return (choice.value, choice.threshold)
    }

    func calibrationSample(scores: [Double], dataset: some LinearDesign) -> ([Double], [Double], [Double]?) {
        guard let limit = config.calibrationSamples, limit < scores.count else {
            return (dataset.labels, scores, dataset.weights)
        }
        var rng = SeededGenerator(seed: 0xCA11B)
        var rows = Array(0..<scores.count)
        rows.shuffle(using: &rng)
        let picked = rows.prefix(limit).sorted()
        return (picked.map { dataset.labels[$0] }, picked.map { scores[$0] }, dataset.weights.map { w in picked.map { w[$0] } })
    }

    func report(outputs: Outputs, dataset: some LinearDesign, threshold: Double?) -> [QualityMetric] {
        let loss = objectiveLoss(outputs, dataset: dataset)
        let converted: LinearLearnerOutputs
        switch (outputs, config.predictorType) {
        case (.values(let v), .regressor): converted = .regressionPredictions(v)
        case (.values(let v), _): converted = .binaryScores(v)
        case (.probabilities(let p), _): converted = .multiclassProbabilities(p)
        }
        let defaultThreshold = config.lossName == "hinge_loss" ? 0.0 : 0.5
        return MetricLines.linearLearnerReport(
            task: config.task, labels: dataset.labels, outputs: converted, weights: dataset.weights,
            threshold: threshold ?? defaultThreshold, beta: config.fBeta, topK: config.accuracyTopK,
            objectiveLossName: objectiveName, objectiveLossValue: loss)
    }
}

/// Thrown when SIGTERM asked training to stop.
public struct TrainingCancelled: Error, Sendable {
    /// What was saved before stopping (XGBoost's `save_model_on_termination`), for the message;
    /// nil when nothing was written.
    public var savedModel: String?

    public init(savedModel: String? = nil) {
        self.savedModel = savedModel
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
