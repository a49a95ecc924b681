import Evaluation
import Foundation
import MLCore
import Testing

/// The contract guarantee: every line optml prints is scraped by exactly the service regex that
/// names it, and by no other.
@Suite("Linear Learner metric definitions")
struct LinearLearnerDefinitionsTests {
    static let definitions = MetricLines.linearLearnerDefinitions
    static let channels = ["train", "validation", "test"]

    /// One printed line and the definitions that must capture it.
    struct PrintedLine: Sendable, CustomTestStringConvertible {
        var line: String
        var value: Double
        var expectedDefinitions: Set<String>
        var testDescription: String { line }
    }

    /// The metric-name-to-definition-key mapping of contract §7.1 (`binary_f_1.000` is
    /// `binary_f_beta`, and so on).
    static func definitionKey(_ metric: String) -> String {
        if metric.hasSuffix("_objective") { return "objective_loss" }
        if metric.hasPrefix("binary_f_") { return "binary_f_beta" }
        if metric.hasPrefix("macro_f_") { return "macro_f_beta" }
        if metric.hasPrefix("multiclass_top_k_accuracy_") { return "multiclass_top_k_accuracy" }
        return metric
    }

    /// Reports for all three predictor types on every channel, final and per-epoch.
    static let printedLines: [PrintedLine] = {
        let names = Set(definitions.map(\.name))
        var generator = SeededGenerator(seed: 11)
        let n = 40
        let binaryLabels = (0 ..< n).map { Double($0 % 2) }
        let binaryScores = (0 ..< n).map { _ in generator.nextUnit() }
        let regressionLabels = (0 ..< n).map { _ in generator.nextGaussian() }
        let regressionPredictions = regressionLabels.map { $0 + 0.3 * generator.nextGaussian() }
        let classes = 4
        let multiclassLabels = (0 ..< n).map { Double($0 % classes) }
        var probabilities = DenseMatrix<Double>(rows: n, columns: classes)
        for i in 0 ..< n {
            let raw = (0 ..< classes).map { _ in generator.nextUnit() + 0.01 }
            let sum = raw.reduce(0, +)
            for j in 0 ..< classes { probabilities[i, j] = raw[j] / sum }
        }
        let reports: [[QualityMetric]] = [
            MetricLines.linearLearnerReport(
                task: .binaryClassification, labels: binaryLabels, outputs: .binaryScores(binaryScores), threshold: 0.5,
                beta: 1, topK: 3, objectiveLossName: LinearLearnerMetricName.binaryCrossEntropyObjective,
                objectiveLossValue: 0.41),
            MetricLines.linearLearnerReport(
                task: .binaryClassification, labels: binaryLabels, outputs: .binaryScores(binaryScores), threshold: 0.5,
                beta: 0.5, topK: 3,
                objectiveLossName: LinearLearnerMetricName.objective(task: .binaryClassification, loss: "hinge_loss"),
                objectiveLossValue: 0.8),
            MetricLines.linearLearnerReport(
                task: .regression, labels: regressionLabels, outputs: .regressionPredictions(regressionPredictions),
                threshold: 0, beta: 1, topK: 3,
                objectiveLossName: LinearLearnerMetricName.objective(task: .regression, loss: "squared_loss"),
                objectiveLossValue: 0.045),
            MetricLines.linearLearnerReport(
                task: .multiclassClassification(classes: classes), labels: multiclassLabels,
                outputs: .multiclassProbabilities(probabilities), threshold: 0.5, beta: 2, topK: 2,
                objectiveLossName: LinearLearnerMetricName.multiclassCrossEntropyObjective, objectiveLossValue: 1.3),
        ]
        var lines: [PrintedLine] = []
        for report in reports {
            for channel in channels {
                for metric in report {
                    let key = definitionKey(metric.name)
                    // Final line: scraped by `<channel>:<key>` (`:final` for train/validation objective).
                    var finalName = "\(channel):\(key)"
                    if key == "objective_loss" && channel != "test" { finalName += ":final" }
                    let line = MetricLines.linearLearnerQuality(host: "algo-1", channel: channel, epoch: nil, metric: metric)!
                    lines.append(PrintedLine(line: line, value: metric.value,
                                             expectedDefinitions: names.contains(finalName) ? [finalName] : []))
                    // Per-epoch line: scraped only by the `epoch=` objective regexes.
                    let epochName = "\(channel):objective_loss"
                    let epochLine = MetricLines.linearLearnerQuality(host: "algo-1", channel: channel, epoch: 14, metric: metric)!
                    let epochExpected: Set<String> = key == "objective_loss" && channel != "test" ? [epochName] : []
                    lines.append(PrintedLine(line: epochLine, value: metric.value, expectedDefinitions: epochExpected))
                }
            }
        }
        lines.append(PrintedLine(line: MetricLines.linearLearnerProgress(host: "algo-1", completedEpochs: 3, totalEpochs: 4),
                                 value: 75, expectedDefinitions: ["train:progress"]))
        lines.append(PrintedLine(line: MetricLines.linearLearnerThroughput(host: "algo-2", recordsPerSecond: 22743.7031111)!,
                                 value: 22743.7031111, expectedDefinitions: ["train:throughput"]))
        return lines
    }()

    @Test("Each line is captured by exactly the definitions that name it, with the printed value", arguments: printedLines)
    func capturedByItsDefinition(_ printed: PrintedLine) throws {
        var matched: Set<String> = []
        for definition in Self.definitions {
            if let capture = try firstCapture(definition.regex, in: printed.line) {
                matched.insert(definition.name)
                let value = try #require(Double(capture), "\(definition.name) captured '\(capture)'")
                #expect(abs(value - printed.value) <= 1e-11 * max(1, abs(printed.value)))
            }
        }
        #expect(matched == printed.expectedDefinitions)
    }

    @Test("Every definition scrapes at least one line optml prints")
    func everyDefinitionIsUsed() {
        let used = Set(Self.printedLines.flatMap(\.expectedDefinitions))
        for definition in Self.definitions {
            #expect(used.contains(definition.name), "no printed line for \(definition.name)")
        }
    }

    @Test("The observed public log lines are scraped as the contract says")
    func observedLog() throws {
        let finalLine = "#quality_metric: host=algo-1, validation binary_classification_cross_entropy_objective <loss>=0.0373249375545"
        let epochLine = "#quality_metric: host=algo-1, epoch=14, validation binary_classification_cross_entropy_objective <loss>=0.202477744686"
        let byName = Dictionary(uniqueKeysWithValues: Self.definitions.map { ($0.name, $0.regex) })
        #expect(try firstCapture(byName["validation:objective_loss:final"]!, in: finalLine) == "0.0373249375545")
        #expect(try firstCapture(byName["validation:objective_loss:final"]!, in: epochLine) == nil)
        #expect(try firstCapture(byName["validation:objective_loss"]!, in: epochLine) == "0.202477744686")
        #expect(try firstCapture(byName["validation:objective_loss"]!, in: finalLine) == nil)
        #expect(try firstCapture(byName["test:binary_f_beta"]!,
                                 in: "#quality_metric: host=algo-1, test binary_f_1.000 <score>=0.995641646489") == "0.995641646489")
    }

    @Test("Definitions are exactly the contract's table, with directions")
    func table() {
        let names = Self.definitions.map(\.name)
        #expect(Set(names).count == names.count, "duplicate names")
        let expected: [String] = ["train:progress", "train:throughput", "train:objective_loss", "train:objective_loss:final",
                                  "validation:objective_loss", "validation:objective_loss:final", "test:objective_loss"]
            + ["binary_classification_accuracy", "binary_f_beta", "precision", "recall", "mse", "absolute_loss"]
                .flatMap { key in Self.channels.map { "\($0):\(key)" } }
            + ["multiclass_accuracy", "multiclass_top_k_accuracy", "dcg", "macro_precision", "macro_recall", "macro_f_beta",
               "rmse", "roc_auc_score"]
                .flatMap { key in ["validation", "test"].map { "\($0):\(key)" } }
        #expect(names == expected)
        let minimized: Set<String> = ["objective_loss", "mse", "absolute_loss", "rmse"]
        for definition in Self.definitions {
            let key = definition.name.split(separator: ":")[1]
            #expect(definition.maximize == !minimized.contains(String(key)), "\(definition.name)")
        }
        let regexes = Dictionary(uniqueKeysWithValues: Self.definitions.map { ($0.name, $0.regex) })
        #expect(regexes["train:objective_loss"] == #"#quality_metric: host=\S+, epoch=\S+, train \S+_objective <loss>=(\S+)"#)
        #expect(regexes["test:objective_loss"] == #"#quality_metric: host=\S+, test \S+_objective <loss>=(\S+)"#)
        #expect(regexes["validation:binary_f_beta"] == #"#quality_metric: host=\S+, validation binary_f_\S+ <score>=(\S+)"#)
        #expect(regexes["test:multiclass_top_k_accuracy"]
                == #"#quality_metric: host=\S+, test multiclass_top_k_accuracy_\S+ <score>=(\S+)"#)
        #expect(regexes["train:mse"] == #"#quality_metric: host=\S+, train mse <loss>=(\S+)"#)
        #expect(regexes["train:progress"] == #"#progress_metric: host=\S+, completed (\S+) %"#)
        #expect(regexes["train:throughput"] == #"#throughput_metric: host=\S+, train throughput=(\S+) records/second"#)
    }
}
