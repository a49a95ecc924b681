import Evaluation
import Foundation
import MLCore
import Testing

/// evaluation.json against scikit-learn (values) and scikit-learn on the same Poisson resamples
/// (standard deviations); sagemaker-contract.md §9.1.
@Suite("Evaluation report: values and bootstrap standard deviations")
struct EvaluationReportTests {
    static func options(threads: Int = 2) -> EvaluationOptions {
        let file = ReportFixtureFile.file
        return EvaluationOptions(bootstrap: BootstrapOptions(resamples: file.resamples, seed: file.seed, threads: threads,
                                                             minimumExamples: 0),
                                 evaluationTime: Date(timeIntervalSince1970: 1_796_000_000.25))
    }

    @Test("Every metric's value and standard deviation equal scikit-learn's to 1e-9", arguments: ReportFixtureFile.file.cases)
    func matchesScikitLearn(_ c: ReportCase) throws {
        let report = try EvaluationReport(c.input, options: Self.options())
        let group = report.metrics
        for (name, expected) in c.expected {
            let metric = try #require(group.metric(name), "missing metric \(name)")
            expectClose(metric.value, expected.value, name)
            let std = try #require(expected.standard_deviation)
            expectClose(metric.standardDeviation, std, "\(name) standard deviation")
        }
        // Nothing in the group that the reference does not know, apart from the non-scalar entries.
        let scalarNames = group.names.filter { group.metric($0) != nil }
        #expect(Set(scalarNames) == Set(c.expected.keys))
    }

    @Test("Standard deviations do not depend on the thread count", arguments: [1, 3])
    func threadInvariance(_ threads: Int) throws {
        let c = ReportFixtureFile.file.cases[0]
        let reference = try EvaluationReport(c.input, options: Self.options(threads: 2))
        let other = try EvaluationReport(c.input, options: Self.options(threads: threads))
        #expect(reference.replicates == other.replicates)
        #expect(reference.document == other.document)
    }

    // Large enough that the sorted columns are filled by two threads and that the curves, the
    // point values and the calibration bins run beside the resample groups; a third of the
    // scores are rounded to two decimals, so runs of equal scores (the general ROC/PR step) mix
    // with single-example runs (the short path of the resampling kernel).
    @Test("Large weighted binary data: one and two threads agree, and the values match BinaryMetrics",
          arguments: [false, true])
    func largeBinaryThreadInvariance(weighted: Bool) throws {
        var rng = SeededGenerator(seed: 11)
        let n = 150_000
        var labels = [Double](), scores = [Double](), weights = [Double]()
        for i in 0 ..< n {
            let s = rng.nextUnit()
            labels.append(rng.nextUnit() < 0.2 + 0.6 * s ? 1 : 0)
            scores.append(i % 3 == 0 ? (s * 100).rounded() / 100 : s)
            weights.append(rng.nextUnit() < 0.05 ? 0 : 0.5 + rng.nextUnit())
        }
        let input = EvaluationInput(labels: labels, predictions: .binary(scores: scores, areProbabilities: true),
                                    weights: weighted ? weights : nil)
        func report(threads: Int) throws -> EvaluationReport {
            try EvaluationReport(input, options: EvaluationOptions(bootstrap: BootstrapOptions(resamples: 40, seed: 3, threads: threads),
                                                                   evaluationTime: Date(timeIntervalSince1970: 1_796_000_000)))
        }
        let one = try report(threads: 1)
        let two = try report(threads: 2)
        let sameReplicates = one.replicates == two.replicates
        let sameDocument = one.document == two.document
        #expect(sameReplicates && sameDocument)
        let w: [Double]? = weighted ? weights : nil
        let metrics = one.metrics
        expectClose(metrics.metric("auc")!.value, try #require(BinaryMetrics.rocAUC(labels: labels, scores: scores, weights: w)), "auc")
        expectClose(metrics.metric("average_precision")!.value,
                    try #require(BinaryMetrics.averagePrecision(labels: labels, scores: scores, weights: w)), "average precision")
        expectClose(metrics.metric("log_loss")!.value, BinaryMetrics.logLoss(labels: labels, probabilities: scores, weights: w), "log loss")
        let auc = metrics.metric("auc")!
        #expect(auc.standardDeviation > 0.0005 && auc.standardDeviation < 0.005, "AUC sd \(auc.standardDeviation)")
    }

    @Test("A different seed gives different resamples but the same values")
    func seedChangesOnlySpread() throws {
        let c = ReportFixtureFile.file.cases[2]
        var options = Self.options()
        let a = try EvaluationReport(c.input, options: options)
        options.bootstrap.seed += 1
        let b = try EvaluationReport(c.input, options: options)
        #expect(a.metrics.metric("rmse")!.value == b.metrics.metric("rmse")!.value)
        #expect(a.metrics.metric("rmse")!.standardDeviation != b.metrics.metric("rmse")!.standardDeviation)
    }

    @Test("The bootstrap spread matches the textbook binomial spread of accuracy on large data")
    func spreadIsRight() throws {
        // 20 000 rows, accuracy p ≈ 0.8: the standard error is √(p(1−p)/n) ≈ 0.00283.
        var rng = SeededGenerator(seed: 5)
        let n = 20_000
        var labels = [Double](), scores = [Double]()
        for _ in 0 ..< n {
            let y: Double = rng.nextUnit() < 0.5 ? 1 : 0
            labels.append(y)
            scores.append(rng.nextUnit() < 0.8 ? (y == 1 ? 0.9 : 0.1) : (y == 1 ? 0.2 : 0.7))
        }
        let report = try EvaluationReport(EvaluationInput(labels: labels, predictions: .binary(scores: scores, areProbabilities: true)),
                                          options: EvaluationOptions(bootstrap: BootstrapOptions(resamples: 200, seed: 1, threads: 2)))
        let accuracy = report.metrics.metric("accuracy")!
        let expected = (accuracy.value * (1 - accuracy.value) / Double(n)).squareRoot()
        // 200 resamples estimate a standard deviation to about ±10 %.
        #expect(abs(accuracy.standardDeviation / expected - 1) < 0.2, "\(accuracy.standardDeviation) vs \(expected)")
    }
}
