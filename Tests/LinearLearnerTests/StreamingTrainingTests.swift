import Foundation
import Testing
import MLCore
@testable import LinearLearner

/// Linear Learner over rows streamed in blocks (issue on data channels: channels larger than
/// memory): `StreamingDesign` trains the model the in-memory rows train, reading the features one
/// block at a time.
@Suite struct StreamingTrainingTests {
    /// Dense rows of the seeded sparse problem (shifted columns, so centering matters).
    static func rows(_ n: Int, columns: Int, kind: String, weighted: Bool = false, seed: UInt64 = 7) -> LabeledDataset<Double> {
        SparseTrainingTests.problem(rows: n, columns: columns, density: 0.6, kind: kind, weighted: weighted, seed: seed)
            .densified(absent: 0)
    }

    /// The first `m` rows and the rest (same planted model).
    static func split(_ data: LabeledDataset<Double>, at m: Int) -> (LabeledDataset<Double>, LabeledDataset<Double>) {
        let d = data.featureCount, n = data.count
        func part(_ r: Range<Int>) -> LabeledDataset<Double> {
            LabeledDataset(features: DenseMatrix(rows: r.count, columns: d, storage: Array(data.features.storage[(r.lowerBound * d) ..< (r.upperBound * d)])),
                           labels: Array(data.labels[r]), weights: data.weights.map { Array($0[r]) }, source: data.source)
        }
        return (part(0 ..< m), part(m ..< n))
    }

    /// Trains the same rows in memory and streamed in blocks of `blockRows`.
    static func trainBoth(_ data: LabeledDataset<Double>, validation: LabeledDataset<Double>? = nil,
                          test: LabeledDataset<Double>? = nil, blockRows: Int = 700,
                          hyperparameters: [String: String]) throws -> (memory: LinearLearnerResult, streamed: LinearLearnerResult) {
        let trainer = LinearLearnerTrainer(config: try SparseTrainingTests.config(hyperparameters), host: "algo-1", threads: 2,
                                           log: { _ in })
        var dense = data
        let memory = try trainer.train(&dense, validation: validation, test: test)
        var streamed = try StreamingDesign(source: InMemoryBlockSource(data, blockRows: blockRows), threads: 2)
        func design(_ rows: LabeledDataset<Double>) throws -> StreamingDesign {
            try StreamingDesign(source: InMemoryBlockSource(rows, blockRows: blockRows), threads: 2)
        }
        let result = try trainer.train(&streamed, validation: try validation.map(design), test: try test.map(design))
        try streamed.checkFailure()
        return (memory, result)
    }

    /// Squared loss: the normal equations summed over blocks give the in-memory model to rounding
    /// (weights, normalize_data and normalize_label, ridge, intercept).
    @Test(arguments: [false, true])
    func regressorEqualsInMemory(weighted: Bool) throws {
        let data = Self.rows(2500, columns: 12, kind: "regression", weighted: weighted)
        let (memory, streamed) = try Self.trainBoth(data, hyperparameters: [
            "predictor_type": "regressor", "feature_dim": "12", "normalize_data": "true", "normalize_label": "true",
            "wd": "0.01", "num_point_for_scaler": "1000"])
        #expect(streamed.report.method == "normal-equations")
        #expect(memory.report.method == "normal-equations")
        SparseTrainingTests.expectSameModel(memory, streamed, tolerance: 1e-9, metricTolerance: 1e-9)
    }

    /// L1 on squared loss is coordinate descent on the same accumulated system.
    @Test func regressorWithL1EqualsInMemory() throws {
        let data = Self.rows(1500, columns: 10, kind: "regression")
        let (memory, streamed) = try Self.trainBoth(data, hyperparameters: [
            "predictor_type": "regressor", "feature_dim": "10", "l1": "0.05", "wd": "0"])
        #expect(streamed.report.method == "normal-equations+coordinate-descent")
        SparseTrainingTests.expectSameModel(memory, streamed, tolerance: 1e-9, metricTolerance: 1e-9)
    }

    /// Logistic loss: L-BFGS over blocks (the in-memory rows use Newton's method) reaches the same
    /// optimum within the solver tolerance; threshold and metrics follow, on the test channel too.
    /// (With a validation channel the two paths can keep different iterates: early stopping keeps
    /// the iterate with the best validation loss, and Newton and L-BFGS pass through different
    /// ones.)
    @Test func binaryEqualsInMemory() throws {
        let (data, test) = Self.split(Self.rows(3800, columns: 15, kind: "binary", weighted: true), at: 3000)
        let (memory, streamed) = try Self.trainBoth(data, test: test, hyperparameters: [
            "predictor_type": "binary_classifier", "feature_dim": "15", "wd": "0.001",
            "positive_example_weight_mult": "1", "binary_classifier_model_selection_criteria": "accuracy"])
        #expect(streamed.report.method == "lbfgs")
        SparseTrainingTests.expectSameModel(memory, streamed, tolerance: 1e-5, metricTolerance: 1e-4)
    }

    /// Softmax: L-BFGS over blocks on both paths.
    @Test func multiclassEqualsInMemory() throws {
        let data = Self.rows(3000, columns: 8, kind: "multiclass")
        let (memory, streamed) = try Self.trainBoth(data, hyperparameters: [
            "predictor_type": "multiclass_classifier", "num_classes": "3", "feature_dim": "8", "wd": "0.001"])
        #expect(streamed.report.method == "lbfgs")
        SparseTrainingTests.expectSameModel(memory, streamed, tolerance: 1e-5, metricTolerance: 1e-4)
    }

    /// The wd search over a validation channel (num_models) runs one streamed solve per candidate
    /// and keeps the same model.
    @Test func wdSearchEqualsInMemory() throws {
        let (data, validation) = Self.split(Self.rows(2600, columns: 6, kind: "regression"), at: 2000)
        let (memory, streamed) = try Self.trainBoth(data, validation: validation, test: validation, hyperparameters: [
            "predictor_type": "regressor", "feature_dim": "6", "num_models": "3"])
        #expect(streamed.modelsTrained == 3)
        #expect(streamed.selectedL2 == memory.selectedL2)
        SparseTrainingTests.expectSameModel(memory, streamed, tolerance: 1e-9, metricTolerance: 1e-9)
    }

    /// The first pass finds the first non-finite feature in channel order, as the dense rows do.
    @Test func firstNonFiniteFeatureIsFound() throws {
        var data = Self.rows(300, columns: 4, kind: "regression")
        data.features[211, 2] = .nan
        data.features[250, 1] = .infinity
        let design = try StreamingDesign(source: InMemoryBlockSource(data, blockRows: 50), threads: 1)
        let found = try #require(design.firstNonFiniteFeature())
        #expect(found.row == 211 && found.column == 2 && found.value.isNaN)
        #expect(design.count == 300 && design.featureCount == 4)
    }

    /// The stochastic optimizers and the IRLS losses do not stream: a clear error, never a silent
    /// fallback.
    @Test(arguments: [["predictor_type": "binary_classifier", "optimizer": "adam"],
                      ["predictor_type": "regressor", "loss": "absolute_loss"]])
    func unsupportedSettingsThrow(hyperparameters: [String: String]) throws {
        let data = Self.rows(200, columns: 3, kind: hyperparameters["predictor_type"] == "regressor" ? "regression" : "binary")
        let trainer = LinearLearnerTrainer(config: try SparseTrainingTests.config(hyperparameters), host: "algo-1", threads: 1,
                                           log: { _ in })
        var design = try StreamingDesign(source: InMemoryBlockSource(data, blockRows: 64), threads: 1)
        let error = #expect(throws: OptmlError.self) { try trainer.train(&design, validation: nil, test: nil) }
        #expect(error?.description.contains("streaming") == true)
    }

    /// Cancellation between blocks stops a pass.
    @Test func cancellationStopsThePass() throws {
        let data = Self.rows(500, columns: 3, kind: "regression")
        #expect(throws: TrainingCancelled.self) {
            _ = try StreamingDesign(source: InMemoryBlockSource(data, blockRows: 100), threads: 1, isCancelled: { true })
        }
    }
}
