import Foundation
import MLCore

/// The evaluation of one model on one labelled data set: the `evaluation.json` document (values
/// and bootstrap standard deviations), the bootstrap replicates (for comparisons), the figures
/// of the HTML report and any warnings about the data.
///
/// Cost: for binary classification one sort of the scores, then one O(n) pass per sixteen
/// bootstrap resamples, with the curves and point values as extra jobs among those passes (all
/// spread over `BootstrapOptions.threads`); multiclass and regression need no sort and take one
/// O(n) pass per resample.
public struct EvaluationReport: Sendable {
    /// `evaluation.json`.
    public let document: ModelQualityDocument
    /// Every scalar metric on every resample (empty when the bootstrap was off or too few rows).
    public let replicates: BootstrapReplicates
    /// Things a reader should know, in plain words (one class only, constant predictions, …).
    public let warnings: [String]
    /// Chart data.
    public let figures: ReportFigures
    public let modelName: String
    public let task: Task
    public let featureImportance: [FeatureImportance]
    public let history: [TrainingSeries]
    /// The bootstrap settings used.
    public let bootstrap: BootstrapOptions

    /// A value computed by one task of a parallel run and read after the run has joined.
    private final class ResultSlot<T>: @unchecked Sendable {
        var value: T?
    }

    /// Validates `input` (see `EvaluationInput.validate`) and computes everything.
    public init(_ input: EvaluationInput, options: EvaluationOptions = EvaluationOptions()) throws {
        try input.validate()
        modelName = input.modelName
        task = input.task
        featureImportance = input.featureImportance
        history = input.history
        bootstrap = options.bootstrap
        let n = input.labels.count
        let runBootstrap = options.bootstrap.resamples > 0 && n >= options.bootstrap.minimumExamples
        var warnings: [String] = []
        var figures = ReportFigures()
        var group = MetricGroup()
        let names: [String]
        let pointValues: [Double]
        let replicates: BootstrapReplicates

        switch input.predictions {
        case .binary(let scores, let areProbabilities):
            let threshold = input.effectiveThreshold!
            let pass = BinaryResamplingPass(labels: input.labels, scores: scores, weights: input.weights,
                                            threshold: threshold, scoresAreProbabilities: areProbabilities,
                                            threads: options.bootstrap.threads)
            names = pass.metricNames
            // The point values, the curves and the calibration bins run as extra tasks among the
            // bootstrap's resample groups, so with two or more threads they cost no wall time.
            let point = ResultSlot<[Double]>()
            let curves = ResultSlot<(figures: ReportFigures, warnings: [String])>()
            let calibration = ResultSlot<CalibrationCurve>()
            var extra: [@Sendable () -> Void] = [
                { curves.value = Self.binaryFigures(pass: pass, input: input, threshold: threshold,
                                                    areProbabilities: areProbabilities, options: options) },
                { point.value = pass.evaluate(UnitCounts()) },
            ]
            if areProbabilities {
                extra.append {
                    calibration.value = BinaryMetrics.calibrationCurve(validatedLabels: input.labels, probabilities: scores,
                                                                       weights: input.weights, binCount: options.calibrationBins)
                }
            }
            replicates = BootstrapReplicates.runGrouped(metricNames: names, options: options.bootstrap,
                                                        resamples: runBootstrap ? options.bootstrap.resamples : 0,
                                                        alongside: extra) { pass.evaluate($0) }
            pointValues = point.value!
            figures = curves.value!.figures
            figures.calibration = calibration.value
            warnings += curves.value!.warnings
        case .multiclass(let probabilities):
            let pass = MulticlassResamplingPass(labels: input.labels, probabilities: probabilities, weights: input.weights)
            names = pass.metricNames
            pointValues = pass.evaluate(UnitCounts())
            replicates = runBootstrap ? BootstrapReplicates.run(metricNames: names, options: options.bootstrap) { pass.evaluate($0) }
                : BootstrapReplicates(metricNames: names, resamples: 0, values: [])
            let k = probabilities.columns
            let predicted = pass.predicted.map { Double($0) }
            let matrix = MulticlassMetrics.confusionMatrix(labels: input.labels, predicted: predicted, classCount: k,
                                                           weights: input.weights)
            figures.classNames = input.classNames ?? (0 ..< k).map(String.init)
            figures.confusion = (0 ..< k).map { a in (0 ..< k).map { matrix[a, $0] } }
            let absent = (0 ..< k).filter { c in (0 ..< k).allSatisfy { matrix[c, $0] == 0 } }
            if !absent.isEmpty {
                warnings.append("No rows of class \(absent.map { figures.classNames[$0] }.joined(separator: ", ")) in the data: "
                                + "their recall counts as 0 in the macro averages and they are left out of balanced accuracy.")
            }
        case .regression(let predictions):
            let pass = RegressionResamplingPass(labels: input.labels, predictions: predictions, weights: input.weights)
            names = pass.metricNames
            // The point values come from the two-pass functions that match scikit-learn exactly.
            let w = input.weights
            let y = input.labels
            pointValues = [
                RegressionMetrics.mae(labels: y, predictions: predictions, weights: w),
                RegressionMetrics.mse(labels: y, predictions: predictions, weights: w),
                RegressionMetrics.rmse(labels: y, predictions: predictions, weights: w),
                RegressionMetrics.r2(labels: y, predictions: predictions, weights: w),
                RegressionMetrics.explainedVariance(labels: y, predictions: predictions, weights: w),
                RegressionMetrics.maxError(labels: y, predictions: predictions),
                RegressionMetrics.mape(labels: y, predictions: predictions, weights: w),
            ]
            replicates = runBootstrap ? BootstrapReplicates.run(metricNames: names, options: options.bootstrap) { pass.evaluate($0) }
                : BootstrapReplicates(metricNames: names, resamples: 0, values: [])
            let step = max(1, (n + options.scatterPointLimit - 1) / options.scatterPointLimit)
            let rows = Array(stride(from: 0, to: n, by: step))
            figures.regressionSample = (rows.map { y[$0] }, rows.map { predictions[$0] })
            if y.allSatisfy({ $0 == y[0] }) {
                warnings.append("Every target equals \(y[0]): R² and explained variance are 1 for a perfect fit and 0 otherwise.")
            }
            if y.contains(0) {
                warnings.append("Some targets are 0: their MAPE terms divide by 2.2e-16 and dominate the average.")
            }
        }
        if !runBootstrap && options.bootstrap.resamples > 0 {
            warnings.append("Standard deviations need at least \(options.bootstrap.minimumExamples) rows; this data has \(n), so they are \"NaN\".")
        }

        // The Model Monitor entries first, in its documented order, then the additional metrics.
        func add(_ name: String) {
            guard let m = names.firstIndex(of: name) else { return }
            group.set(name, .metric(MetricValue(value: pointValues[m], standardDeviation: replicates.standardDeviation(of: name))))
        }
        var document = ModelQualityDocument(dataset: DatasetSummary(itemCount: n, evaluationTime: options.evaluationTime))
        switch input.predictions {
        case .binary:
            let c = figures.confusion
            group.set("confusion_matrix", .confusionMatrix(classes: ["0", "1"], counts: c))
            for name in ["recall", "precision", "accuracy", "recall_best_constant_classifier", "precision_best_constant_classifier",
                         "accuracy_best_constant_classifier", "true_positive_rate", "true_negative_rate",
                         "false_positive_rate", "false_negative_rate"] { add(name) }
            if let roc = figures.roc {
                group.set("receiver_operating_characteristic_curve", .rocCurve(falsePositiveRates: roc.x, truePositiveRates: roc.y))
            }
            if let pr = figures.precisionRecall {
                group.set("precision_recall_curve", .precisionRecallCurve(precisions: pr.y, recalls: pr.x))
            }
            for name in ["auc", "f0_5", "f1", "f2", "f0_5_best_constant_classifier", "f1_best_constant_classifier",
                         "f2_best_constant_classifier"] + names { add(name) }
            document.binaryClassificationMetrics = group
        case .multiclass:
            group.set("confusion_matrix", .confusionMatrix(classes: (0 ..< figures.confusion.count).map(String.init),
                                                           counts: figures.confusion))
            for name in names { add(name) }
            document.multiclassClassificationMetrics = group
        case .regression:
            for name in names { add(name) }
            document.regressionMetrics = group
        }
        document.evaluation = EvaluationSettings(modelName: input.modelName, decisionThreshold: input.effectiveThreshold,
                                                 bootstrapResamples: replicates.resamples, bootstrapSeed: options.bootstrap.seed)
        self.document = document
        self.replicates = replicates
        self.warnings = warnings
        self.figures = figures
    }

    /// `evaluation.json`, pretty-printed.
    public func jsonData() throws -> Data { try document.jsonData() }

    /// The metric group of the document.
    public var metrics: MetricGroup { document.metrics! }

    private static func binaryFigures(pass: BinaryResamplingPass, input: EvaluationInput, threshold: Double,
                                      areProbabilities: Bool, options: EvaluationOptions) -> (figures: ReportFigures, warnings: [String]) {
        var figures = ReportFigures()
        var warnings: [String] = []
        let sortedScores = pass.sortedScores
        let sweep = pass.sweep()
        let positives = sweep.truePositives.last ?? 0
        let negatives = sweep.falsePositives.last ?? 0
        figures.classNames = input.classNames ?? ["0", "1"]
        if positives == 0 || negatives == 0 {
            warnings.append("Only \(positives == 0 ? "negative (0)" : "positive (1)") rows carry weight: AUC, "
                            + "\(positives == 0 ? "average precision, " : "")the ROC curve and the agreement statistics are undefined (\"NaN\").")
        }
        if sweep.count == 1 {
            warnings.append("Every row has the same score (\(sweep.thresholds[0])): the model does not rank rows, so its AUC is 0.5.")
        }
        // Curve point 0 is the origin of the sweep (nothing predicted positive); point i > 0 is
        // sweep point i − 1.
        sweep.truePositives.withUnsafeBufferPointer { tps in
            sweep.falsePositives.withUnsafeBufferPointer { fps in
                if positives > 0 && negatives > 0 {
                    figures.roc = CurveThinning.thin(count: sweep.count + 1, limit: options.curvePointLimit,
                                                     x: { $0 == 0 ? 0 : fps[$0 - 1] / negatives },
                                                     y: { $0 == 0 ? 0 : tps[$0 - 1] / positives })
                }
                if positives > 0 {
                    figures.precisionRecall = CurveThinning.thin(
                        count: sweep.count + 1, limit: options.curvePointLimit,
                        x: { $0 == 0 ? 0 : tps[$0 - 1] / positives },
                        y: { $0 == 0 ? 1 : tps[$0 - 1] / (tps[$0 - 1] + fps[$0 - 1]) })
                }
            }
        }
        // Decisions at the threshold: from the sweep, the last point whose score is >= threshold.
        func row(_ t: Double) -> ThresholdRow {
            var lo = 0, hi = sweep.thresholds.count  // first index with score < t
            while lo < hi {
                let mid = (lo + hi) / 2
                if sweep.thresholds[mid] >= t { lo = mid + 1 } else { hi = mid }
            }
            let tp = lo > 0 ? sweep.truePositives[lo - 1] : 0
            let fp = lo > 0 ? sweep.falsePositives[lo - 1] : 0
            let confusion = BinaryConfusion(tp: tp, fp: fp, tn: negatives - fp, fn: positives - tp)
            return ThresholdRow(threshold: t, predictedPositiveRate: (tp + fp) / (positives + negatives), confusion: confusion)
        }
        let decision = row(threshold).confusion
        figures.confusion = [[decision.tn, decision.fp], [decision.fn, decision.tp]]
        var ladder: [Double]
        if areProbabilities {
            ladder = (1 ... 9).map { Double($0) / 10 }
        } else {
            // Margins: the deciles of the scores.
            ladder = (1 ... 9).map { sortedScores[min(sortedScores.count - 1, sortedScores.count * (10 - $0) / 10)] }
        }
        if !ladder.contains(threshold) { ladder.append(threshold) }
        figures.thresholdTable = Set(ladder).sorted().map(row)
        return (figures, warnings)
    }
}
