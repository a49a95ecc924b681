import Evaluation
import Foundation
import MLCore
import Testing

@Suite("Metric line formatting")
struct MetricLineFormatTests {
    @Test("Numbers print like Python 2 str(float): %.12g, plus .0 for integral values", arguments: [
        (0.9947933615359583, "0.994793361536"),
        (0.98971722365, "0.98971722365"),
        (1.0, "1.0"),
        (0.0, "0.0"),
        (-0.0, "-0.0"),
        (100.0, "100.0"),
        (22743.7031111, "22743.7031111"),
        (0.0373249375545, "0.0373249375545"),
        (0.00001, "1e-05"),
        (1e20, "1e+20"),
        (123456789012345.0, "1.23456789012e+14"),
        (-2.5, "-2.5"),
    ])
    func format(_ value: Double, _ expected: String) {
        #expect(MetricLines.format(value) == expected)
    }

    @Test("Non-finite values are refused", arguments: [Double.nan, .infinity, -.infinity])
    func nonFinite(_ value: Double) {
        #expect(MetricLines.format(value) == nil)
        #expect(MetricLines.linearLearnerQuality(host: "algo-1", channel: "validation", epoch: nil, metric: "mse",
                                                 isLoss: true, value: value) == nil)
        #expect(MetricLines.linearLearnerThroughput(host: "algo-1", recordsPerSecond: value) == nil)
        #expect(MetricLines.xgboostRound(round: 0, entries: [("train", "rmse", 1), ("validation", "rmse", value)]) == nil)
    }

    @Test("Linear Learner lines reproduce the observed log")
    func observedLines() {
        #expect(MetricLines.linearLearnerQuality(host: "algo-1", channel: "validation", epoch: nil, metric: "roc_auc_score",
                                                 isLoss: false, value: 0.998988169365)
                == "#quality_metric: host=algo-1, validation roc_auc_score <score>=0.998988169365")
        #expect(MetricLines.linearLearnerQuality(host: "algo-1", channel: "validation", epoch: 14,
                                                 metric: LinearLearnerMetricName.binaryCrossEntropyObjective,
                                                 isLoss: true, value: 0.202477744686)
                == "#quality_metric: host=algo-1, epoch=14, validation binary_classification_cross_entropy_objective <loss>=0.202477744686")
        #expect(MetricLines.linearLearnerQuality(host: "algo-1", channel: "validation", epoch: nil,
                                                 metric: QualityMetric(name: "recall", isLoss: false, value: 1))
                == "#quality_metric: host=algo-1, validation recall <score>=1.0")
        #expect(MetricLines.linearLearnerQuality(host: "algo-1", channel: "test", epoch: nil,
                                                 metric: LinearLearnerMetricName.binaryFBeta(1), isLoss: false,
                                                 value: 0.9956416464891041)
                == "#quality_metric: host=algo-1, test binary_f_1.000 <score>=0.995641646489")
        #expect(MetricLines.linearLearnerProgress(host: "algo-1", completedEpochs: 15, totalEpochs: 15)
                == "#progress_metric: host=algo-1, completed 100 % of epochs")
        #expect(MetricLines.linearLearnerThroughput(host: "algo-1", recordsPerSecond: 22743.7031111)
                == "#throughput_metric: host=algo-1, train throughput=22743.7031111 records/second")
    }

    @Test("XGBoost rounds: real tabs and %.5f")
    func xgboost() {
        let line = MetricLines.xgboostRound(round: 3, entries: [("train", "rmse", 18.9694), ("validation", "rmse", 20.9535)])
        #expect(line == "[3]\ttrain-rmse:18.96940\tvalidation-rmse:20.95350")
        #expect(MetricLines.xgboostRound(round: 0, entries: []) == "[0]")
    }

    @Test("An XGBoost line, as CloudWatch renders it, is captured by the service-side regex")
    func xgboostServiceRegex() throws {
        let line = try #require(MetricLines.xgboostRound(round: 12, entries: [("train", "error", 0.14588),
                                                                              ("validation", "error", 0.15525)]))
        let rendered = line.replacingOccurrences(of: "\t", with: "#011")
        let number = #"([-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)"#
        #expect(try firstCapture(#".*\[[0-9]+\].*#011train-error:"# + number + ".*", in: rendered) == "0.14588")
        #expect(try firstCapture(#".*\[[0-9]+\].*#011validation-error:"# + number + ".*", in: rendered) == "0.15525")
    }

    @Test("Metric names per predictor type")
    func names() {
        #expect(LinearLearnerMetricName.binaryFBeta(0.5) == "binary_f_0.500")
        #expect(LinearLearnerMetricName.macroFBeta(2) == "macro_f_2.000")
        #expect(LinearLearnerMetricName.multiclassTopKAccuracy(3) == "multiclass_top_k_accuracy_3")
        #expect(LinearLearnerMetricName.objective(task: .binaryClassification, loss: "logistic")
                == "binary_classification_cross_entropy_objective")
        #expect(LinearLearnerMetricName.objective(task: .binaryClassification, loss: "hinge_loss")
                == "binary_classification_hinge_loss_objective")
        #expect(LinearLearnerMetricName.objective(task: .multiclassClassification(classes: 3), loss: "softmax_loss")
                == "multiclass_cross_entropy_objective")
        #expect(LinearLearnerMetricName.objective(task: .regression, loss: "squared_loss") == "squared_loss_objective")
        #expect(LinearLearnerMetricName.objective(task: .regression, loss: "huber_loss") == "huber_loss_objective")
    }
}

/// The first capture group of `pattern` in `line` (searching, not anchored, as SageMaker does),
/// or nil when it does not match.
func firstCapture(_ pattern: String, in line: String) throws -> String? {
    let regex = try NSRegularExpression(pattern: pattern)
    let range = NSRange(line.startIndex ..< line.endIndex, in: line)
    guard let match = regex.firstMatch(in: line, range: range),
          let capture = Range(match.range(at: 1), in: line) else { return nil }
    return String(line[capture])
}
