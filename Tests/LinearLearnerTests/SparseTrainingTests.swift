import Foundation
import Testing
import MLCore
@testable import LinearLearner

/// Linear Learner on CSR rows (issue: sparse data in both learners): the sparse objective, solver
/// and trainer give what the dense ones give on the same values, without densifying.
@Suite struct SparseTrainingTests {
    /// A seeded sparse problem: `rows × columns` at about `density`, values in [-2, 2] (some
    /// columns shifted so centering matters), labels from a planted linear model.
    static func problem(rows: Int, columns: Int, density: Double, kind: String, classes: Int = 3, weighted: Bool = false,
                        seed: UInt64 = 7) -> SparseLabeledDataset<Double> {
        var rng = SeededGenerator(seed: seed)
        var truth = (0..<(columns * classes)).map { _ in rng.nextUnit() * 2 - 1 }
        for j in stride(from: 0, to: truth.count, by: 3) { truth[j] = 0 }
        var matrix = SparseMatrix<Double>(columns: columns)
        var labels: [Double] = [], weights: [Double] = []
        for _ in 0..<rows {
            var cols: [UInt32] = [], vals: [Double] = []
            for j in 0..<columns where rng.nextUnit() < density {
                cols.append(UInt32(j))
                vals.append((rng.nextUnit() * 4 - 2) + (j % 5 == 0 ? 3 : 0))
            }
            matrix.appendRow(columns: cols, values: vals)
            func score(_ c: Int) -> Double {
                var s = 0.0
                for (j, v) in zip(cols, vals) { s += v * truth[c * columns + Int(j)] }
                return s
            }
            switch kind {
            case "binary": labels.append(rng.nextUnit() < 1 / (1 + exp(-score(0))) ? 1 : 0)
            case "multiclass":
                let scores = (0..<classes).map { score($0) + (rng.nextUnit() - 0.5) }
                labels.append(Double(scores.indices.max { scores[$0] < scores[$1] }!))
            default: labels.append(3 + score(0) + rng.nextUnit() - 0.5)
            }
            weights.append(0.5 + rng.nextUnit())
        }
        return SparseLabeledDataset(features: matrix, labels: labels, weights: weighted ? weights : nil, source: "train")
    }

    /// The dense objective's value and gradient against the sparse one's on the same centered
    /// rows: the sparse objective never forms `x − m`, yet must agree to rounding.
    @Test(arguments: ["logistic", "squared", "softmax"], [true, false])
    func objectiveMatchesDense(loss name: String, intercept: Bool) throws {
        let data = Self.problem(rows: 300, columns: 40, density: 0.1, kind: name == "softmax" ? "multiclass" : "binary", weighted: true)
        let d = data.featureCount
        var rng = SeededGenerator(seed: 3)
        let shift = (0..<d).map { _ in rng.nextUnit() - 0.5 }
        var dense = data.features.densified(absent: 0)
        for i in 0..<dense.rows { for j in 0..<d { dense[i, j] -= shift[j] } }
        let loss: SmoothObjective.Loss = name == "softmax" ? .softmax(3) : name == "logistic" ? .logistic : .squared
        let k = name == "softmax" ? 3 : 1
        let regularization = Regularization(l2: 0.01, l1: 0, interceptL2Multiplier: 0.5)
        let p = k * d + (intercept ? k : 0)
        let theta = (0..<p).map { _ in rng.nextUnit() - 0.5 }
        let total = data.weights!.reduce(0, +)
        var denseGradient = [Double](repeating: 0, count: p), sparseGradient = denseGradient
        let denseValue = dense.storage.withUnsafeBufferPointer { x in
            data.labels.withUnsafeBufferPointer { y in
                data.weights!.withUnsafeBufferPointer { s in
                    SmoothObjective(x: x.baseAddress!, labels: y.baseAddress!, weights: s.baseAddress!, rows: data.count, features: d,
                                    intercept: intercept, loss: loss, regularization: regularization, totalWeight: total, threads: 1)
                        .evaluate(theta, gradient: &denseGradient, curvature: nil)
                }
            }
        }
        for threads in [1, 2] {
            let sparseValue = data.features.withUnsafeCSR { o, c, v in
                data.labels.withUnsafeBufferPointer { y in
                    data.weights!.withUnsafeBufferPointer { s in
                        shift.withUnsafeBufferPointer { m in
                            // Small rows per worker so two workers really split the rows.
                            SparseSmoothObjective(rowOffsets: o, columns: c, values: v, labels: y.baseAddress!, weights: s.baseAddress!,
                                                  shift: m.baseAddress!, rows: data.count, features: d, intercept: intercept, loss: loss,
                                                  regularization: regularization, totalWeight: total, threads: threads)
                                .evaluate(theta, gradient: &sparseGradient)
                        }
                    }
                }
            }
            #expect(abs(sparseValue - denseValue) <= 1e-12 * max(1, abs(denseValue)), "value \(sparseValue) vs \(denseValue)")
            for i in 0..<p {
                #expect(abs(sparseGradient[i] - denseGradient[i]) <= 1e-11, "gradient[\(i)] \(sparseGradient[i]) vs \(denseGradient[i])")
            }
        }
    }

    static func config(_ values: [String: String]) throws -> LinearLearnerConfig {
        try LinearLearnerConfig(LinearLearnerHyperparameters.table.validate(values))
    }

    /// Trains the same rows dense and sparse; returns both results and the sparse run's log.
    static func trainBoth(_ data: SparseLabeledDataset<Double>, validation: SparseLabeledDataset<Double>?,
                          hyperparameters: [String: String], tolerance: Double = 1e-7) throws -> (dense: LinearLearnerResult, sparse: LinearLearnerResult) {
        let config = try config(hyperparameters)
        let trainer = LinearLearnerTrainer(config: config, host: "algo-1", threads: 2, log: { _ in })
        var dense = data.densified(absent: 0)
        let denseResult = try trainer.train(&dense, validation: validation?.densified(absent: 0), test: nil)
        var sparse = SparseDesign(data, threads: 2)
        sparse.tolerance = tolerance
        let sparseResult = try trainer.train(&sparse, validation: validation.map { SparseDesign($0, threads: 2) }, test: nil)
        return (denseResult, sparseResult)
    }

    static func expectSameModel(_ a: LinearLearnerResult, _ b: LinearLearnerResult, tolerance: Double, metricTolerance: Double = 1e-5) {
        let ca = a.model.coefficients, cb = b.model.coefficients
        let scale = max(1, ca.weights.storage.map(abs).max() ?? 0)
        for (x, y) in zip(ca.weights.storage, cb.weights.storage) {
            #expect(abs(x - y) <= tolerance * scale, "weight \(x) vs \(y)")
        }
        for (x, y) in zip(ca.intercepts, cb.intercepts) { #expect(abs(x - y) <= tolerance * max(1, abs(x)), "intercept \(x) vs \(y)") }
        for ((channel, ma), (_, mb)) in zip(a.metrics, b.metrics) {
            for (x, y) in zip(ma, mb) {
                #expect(x.name == y.name)
                #expect(abs(x.value - y.value) <= metricTolerance * max(1, abs(x.value)), "\(channel) \(x.name): dense \(x.value), sparse \(y.value)")
            }
        }
    }

    // Standardization with centering (normalize_data, unbias_data) on sparse rows is implicit; the
    // kept model and its metrics equal the dense path's.
    @Test func binaryClassifierMatchesDense() throws {
        let train = Self.problem(rows: 3000, columns: 300, density: 0.03, kind: "binary", weighted: true)
        let validation = Self.problem(rows: 800, columns: 300, density: 0.03, kind: "binary", seed: 9)
        let (dense, sparse) = try Self.trainBoth(train, validation: validation, hyperparameters: [
            "predictor_type": "binary_classifier", "feature_dim": "300", "normalize_data": "true", "unbias_data": "true",
            "wd": "0.001", "positive_example_weight_mult": "1", "binary_classifier_model_selection_criteria": "accuracy"])
        #expect(sparse.report.method == "lbfgs")
        Self.expectSameModel(dense, sparse, tolerance: 1e-4)
    }

    // At the sparse path's own stopping rule (scikit-learn's lbfgs default) the model is within
    // solver tolerance of the dense one and its metrics agree to a few parts in ten thousand.
    @Test func defaultSparseToleranceGivesTheSameQuality() throws {
        let train = Self.problem(rows: 3000, columns: 300, density: 0.03, kind: "binary")
        let validation = Self.problem(rows: 800, columns: 300, density: 0.03, kind: "binary", seed: 9)
        let (dense, sparse) = try Self.trainBoth(train, validation: validation, hyperparameters: [
            "predictor_type": "binary_classifier", "feature_dim": "300", "wd": "0.001", "positive_example_weight_mult": "1",
            "binary_classifier_model_selection_criteria": "loss_function"], tolerance: SparseDesign.defaultTolerance)
        Self.expectSameModel(dense, sparse, tolerance: 1e-2, metricTolerance: 2e-3)
    }

    @Test func multiclassMatchesDense() throws {
        let train = Self.problem(rows: 2000, columns: 250, density: 0.04, kind: "multiclass")
        let (dense, sparse) = try Self.trainBoth(train, validation: nil, hyperparameters: [
            "predictor_type": "multiclass_classifier", "num_classes": "3", "feature_dim": "250", "wd": "0.01", "unbias_data": "true"])
        Self.expectSameModel(dense, sparse, tolerance: 1e-4)
    }

    @Test func regressorWithL1MatchesDense() throws {
        let train = Self.problem(rows: 2000, columns: 220, density: 0.05, kind: "regression", weighted: true)
        let (dense, sparse) = try Self.trainBoth(train, validation: nil, hyperparameters: [
            "predictor_type": "regressor", "feature_dim": "220", "wd": "0.001", "l1": "0.001", "loss": "huber_loss"])
        #expect(sparse.report.method == "owlqn")
        Self.expectSameModel(dense, sparse, tolerance: 1e-4)
        let zeros = sparse.model.coefficients.weights.storage.filter { $0 == 0 }.count
        #expect(zeros > 0, "L1 should zero some weights on sparse rows too")
    }

    @Test func sparseRowsStaySparseWhenStandardized() throws {
        let data = Self.problem(rows: 100, columns: 50, density: 0.1, kind: "binary")
        var design = SparseDesign(data)
        design.standardize(means: [Double](repeating: 1, count: 50), scales: [Double](repeating: 2, count: 50))
        #expect(design.features.storedCount == data.features.storedCount)
        #expect(design.shift == [Double](repeating: 0.5, count: 50))
        // Raw scores of the standardized rows equal those of the dense standardized matrix.
        var dense = data.densified(absent: 0)
        dense.standardize(means: [Double](repeating: 1, count: 50), scales: [Double](repeating: 2, count: 50))
        let c = LinearCoefficients(weights: DenseMatrix(rows: 1, columns: 50, storage: (0..<50).map { Double($0) / 50 }), intercepts: [0.3])
        for (a, b) in zip(design.rawScores(c).storage, dense.rawScores(c).storage) { #expect(abs(a - b) < 1e-12) }
    }

    @Test func stochasticOptimizerIsRefusedOnSparseRows() throws {
        let data = Self.problem(rows: 200, columns: 30, density: 0.2, kind: "binary")
        let trainer = LinearLearnerTrainer(config: try Self.config(["predictor_type": "binary_classifier", "optimizer": "adam"]),
                                           host: "algo-1", threads: 1, log: { _ in })
        var design = SparseDesign(data)
        #expect(throws: OptmlError.self) { try trainer.train(&design, validation: nil, test: nil) }
    }

    @Test func nonFiniteStoredValueNamesRowAndColumn() throws {
        var matrix = SparseMatrix<Double>(columns: 10)
        matrix.appendRow(columns: [1, 4], values: [1, 2])
        matrix.appendRow(columns: [], values: [])
        matrix.appendRow(columns: [], values: [])
        matrix.appendRow(columns: [0, 7], values: [3, .nan])
        matrix.appendRow(columns: [], values: [])
        let design = SparseDesign(SparseLabeledDataset(features: matrix, labels: [0, 1, 0, 1, 0], source: "train"))
        let bad = try #require(design.firstNonFiniteFeature())
        #expect(bad.row == 3 && bad.column == 7)
    }
}
