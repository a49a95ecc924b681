import Foundation
import MLCore
import Testing
@testable import GradientBoosting

/// Sparse (CSR) training: absent entries are missing values, as XGBoost reads libsvm, and a sparse
/// set gives exactly what its copy densified with NaN gives — the same cuts, the same bin codes,
/// the same trees, round metrics and model file — without the dense Float matrix being built.
@Suite struct SparseTrainingTests {
    /// A seeded CSR matrix with the awkward cases: features with few distinct values and features
    /// with many, stored zeros and stored NaNs (missing too), negative values, a feature no row
    /// stores, and empty rows.
    static func sparseMatrix(rows: Int, columns: Int, density: Double, seed: UInt64) -> SparseMatrix<Float> {
        var generator = SeededGenerator(seed: seed)
        var m = SparseMatrix<Float>(columns: columns)
        for i in 0..<rows {
            var indices: [UInt32] = [], values: [Float] = []
            if i % 17 != 0 {
                for f in 0..<columns where f != 3 && generator.nextUnit() < density * (f < 4 ? 6 : 1) {
                    indices.append(UInt32(f))
                    let u = generator.nextUnit()
                    let value: Float
                    switch f % 4 {
                    case 0: value = Float(generator.nextGaussian() * 3)              // many distinct values
                    case 1: value = Float(Int(u * 5)) - 2                            // five levels, zero among them
                    case 2: value = u < 0.05 ? .nan : Float((u * 1000).rounded() / 8) // some stored NaNs
                    default: value = u < 0.5 ? 0 : 1                                 // stored zeros and ones
                    }
                    values.append(value)
                }
            }
            m.appendRow(columns: indices, values: values)
        }
        return m
    }

    static func weights(rows: Int, seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        return (0..<rows).map { i in i % 11 == 0 ? 0 : Float(0.25 + 2 * generator.nextUnit()) }
    }

    static func bits(_ values: [Float]) -> [UInt32] { values.map(\.bitPattern) }

    /// Cuts and codes from the CSR entries equal those from the NaN-densified matrix, bit for bit,
    /// unweighted and weighted, on all rows and on a sample (rows > sampleLimit), on one thread
    /// and on several (the per-feature buckets are filled by parts of the rows).
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)], [1, 3])
    func cutsAndCodesMatchTheDensifiedMatrix(options: (weighted: Bool, sampled: Bool), threads: Int) {
        let rows = 6000, columns = 40
        let sparse = Self.sparseMatrix(rows: rows, columns: columns, density: 0.08, seed: 21)
        let dense = sparse.densified(absent: .nan)
        let weights = options.weighted ? Self.weights(rows: rows, seed: 5) : nil
        let sampleLimit = options.sampled ? 2500 : 200_000
        for maxBin in [16, 256] {
            let expected = BinCuts.compute(features: dense, weights: weights, maxBin: maxBin, sampleLimit: sampleLimit, seed: 7, threads: 1)
            let cuts = BinCuts.compute(sparse: sparse, weights: weights, maxBin: maxBin, sampleLimit: sampleLimit, seed: 7, threads: threads)
            #expect(Self.bits(cuts.values) == Self.bits(expected.values), "maxBin \(maxBin)")
            #expect(cuts.offsets == expected.offsets)
            #expect(Self.bits(cuts.minimums) == Self.bits(expected.minimums))
            // The data exercises both cut rules and the empty feature.
            #expect(expected.binCount(0) == maxBin || expected.binCount(0) == 255)
            #expect(expected.binCount(1) == 5)
            #expect(expected.binCount(3) == 1)

            let a = BinnedMatrix(features: dense, cuts: expected, threads: 1)
            let b = BinnedMatrix(sparse: sparse, cuts: cuts, threads: threads)
            #expect(a.stride == b.stride && a.rows == b.rows)
            #expect(Array(UnsafeBufferPointer(start: a.codes, count: a.rows * a.stride))
                    == Array(UnsafeBufferPointer(start: b.codes, count: b.rows * b.stride)))
        }
    }

    @Test func absentEntriesTakeTheMissingCode() {
        // Row 0 stores feature 1 only; row 1 stores feature 0 as NaN and feature 2; row 2 is empty.
        let sparse = SparseMatrix<Float>(rows: 3, columns: 3, rowOffsets: [0, 1, 3, 3], columnIndices: [1, 0, 2],
                                         values: [2, .nan, -1])
        let cuts = BinCuts.compute(sparse: sparse, maxBin: 256, seed: 0, threads: 1)
        let matrix = BinnedMatrix(sparse: sparse, cuts: cuts, threads: 1)
        // Feature 0 has no value: one bin, missing code 1; features 1 and 2 one value each.
        #expect((0..<3).map { cuts.binCount($0) } == [1, 1, 1])
        let codes = (0..<3).map { i in (0..<3).map { matrix.codes[i * matrix.stride + $0] } }
        #expect(codes == [[1, 0, 1], [1, 1, 0], [1, 1, 1]])
        #expect(matrix.stride == 8 && (3..<8).allSatisfy { matrix.codes[$0] == 0 })
    }

    /// The same parameters trained on a sparse set and on its densified-with-NaN copy, with a
    /// validation set given the same way.
    func trainBoth(objective: Objective.Kind, weighted: Bool, configure: (inout BoostingParameters) -> Void = { _ in })
        throws -> (sparse: TreeEnsemble, dense: TreeEnsemble, sparseLines: [String], denseLines: [String],
                   validation: SparseMatrix<Float>)
    {
        let rows = 3000, columns = 120
        let x = Self.sparseMatrix(rows: rows + 1000, columns: columns, density: 0.05, seed: 31)
        // Labels from a few features, absent ones counting as 0.
        var generator = SeededGenerator(seed: 77)
        let labels: [Float] = (0..<x.rows).map { i in
            let s = Double(x[i, 0] ?? 0) + 2 * Double(x[i, 1] ?? -1) - Double(x[i, 4] ?? 0) + (x[i, 7] == nil ? 0.5 : 0)
                + 0.3 * generator.nextGaussian()
            return objective == .binaryLogistic ? (generator.nextUnit() < 1 / (1 + exp(-s)) ? 1 : 0) : Float(s)
        }
        let trainX = x.selecting(rows: Array(0..<rows)), validX = x.selecting(rows: Array(rows..<x.rows))
        let weights = weighted ? Self.weights(rows: rows, seed: 3) : nil
        var p = BoostingParameters(objective: Objective(kind: objective), rounds: 12)
        p.maxDepth = 4
        p.eta = 0.3
        p.threads = 2
        p.evalMetrics = objective == .binaryLogistic ? [.logloss, .auc] : [.rmse]
        configure(&p)
        func run(_ train: BoostingData, _ validation: BoostingData) throws -> (TreeEnsemble, [String]) {
            var lines: [String] = []
            let model = try BoostingTrainer(parameters: p).train(
                train, evaluationSets: [("train", train), ("validation", validation)],
                onRound: { round, results in
                    lines.append("[\(round)]" + results.map { "\t\($0.data)-\($0.metric):\($0.value.bitPattern)" }.joined())
                }, shouldStop: { false })
            return (model, lines)
        }
        let sparseTrain = BoostingData(sparse: trainX, labels: Array(labels[0..<rows]), weights: weights)
        let sparseValidation = BoostingData(sparse: validX, labels: Array(labels[rows...]))
        let denseTrain = BoostingData(features: trainX.densified(absent: .nan), labels: Array(labels[0..<rows]), weights: weights)
        let denseValidation = BoostingData(features: validX.densified(absent: .nan), labels: Array(labels[rows...]))
        let (s, sl) = try run(sparseTrain, sparseValidation)
        let (d, dl) = try run(denseTrain, denseValidation)
        return (s, d, sl, dl, validX)
    }

    @Test(arguments: [Objective.Kind.binaryLogistic, .squaredError], [false, true])
    func sparseTrainingGrowsTheModelTheDensifiedSetGrows(objective: Objective.Kind, weighted: Bool) throws {
        let (sparse, dense, sparseLines, denseLines, validation) = try trainBoth(objective: objective, weighted: weighted)
        #expect(sparse == dense)
        #expect(try sparse.xgboostJSON() == dense.xgboostJSON())
        // Every round's metrics, train and validation, to the last bit.
        #expect(sparseLines == denseLines)
        #expect(sparseLines.count == 12)
        // The trees split on the informative features and send missing values both ways.
        let splits = sparse.trees.flatMap { t in t.leftChildren.indices.filter { t.leftChildren[$0] >= 0 }.map { (t.splitIndices[$0], t.defaultLeft[$0]) } }
        #expect(Set(splits.map(\.0)).isSuperset(of: [0, 1, 4]))
        #expect(Set(splits.map(\.1)) == [false, true])
        // The model predicts the sparse rows as it predicts their dense copy.
        let forest = try CompiledForest(sparse)
        #expect(try forest.predict(validation, threads: 1) == forest.predict(validation.densified(absent: .nan), threads: 1))
        // And it learned something: the validation metric (the last) improved over the rounds.
        func validationMetric(_ line: String) -> Double { Double(bitPattern: UInt64(line.split(separator: ":").last!)!) }
        let first = validationMetric(sparseLines.first!), last = validationMetric(sparseLines.last!)
        #expect(objective == .binaryLogistic ? last > first : last < first, "\(first) → \(last)")
    }

    @Test func sparseTrainingWithSamplingAndLossguideMatchesToo() throws {
        let (sparse, dense, sparseLines, denseLines, _) = try trainBoth(objective: .squaredError, weighted: false) { p in
            p.subsample = 0.8; p.colsampleByTree = 0.7; p.colsampleByNode = 0.8
            p.growPolicy = .lossguide; p.maxLeaves = 12; p.maxDepth = 0
            p.earlyStoppingRounds = 3
        }
        #expect(sparse == dense)
        #expect(sparseLines == denseLines)
    }

    @Test func sparseEvaluationMarginsEqualTheDenseWalk() throws {
        let (model, _, _, _, validation) = try trainBoth(objective: .binaryLogistic, weighted: false)
        let trees = zip(model.trees, model.treeGroups).map { (tree: $0.0, group: Int($0.1)) }
        var dense = [Float](repeating: 0.25, count: validation.rows), sparse = dense
        BoostingTrainer.addTrees(trees, features: validation.densified(absent: .nan), groups: 1, to: &dense)
        BoostingTrainer.addTrees(trees, sparse: validation, groups: 1, to: &sparse, threads: 2)
        #expect(Self.bits(sparse) == Self.bits(dense))
    }

    @Test func aSparseSetWithOtherColumnsIsRejectedByName() throws {
        let train = BoostingData(sparse: Self.sparseMatrix(rows: 50, columns: 10, density: 0.3, seed: 1), labels: [Float](repeating: 1, count: 50))
        let validation = BoostingData(sparse: Self.sparseMatrix(rows: 20, columns: 12, density: 0.3, seed: 2), labels: [Float](repeating: 1, count: 20))
        var p = BoostingParameters(objective: Objective(kind: .squaredError), rounds: 2)
        p.threads = 1
        #expect(throws: OptmlError.user("The validation data has 12 features but the training data has 10; every set needs the same columns.")) {
            try BoostingTrainer(parameters: p).train(train, evaluationSets: [("validation", validation)], onRound: { _, _ in }, shouldStop: { false })
        }
        // A sparse set and its dense copy are the same set to the trainer; a set is sparse or not.
        #expect(train.isSparse && train.featureCount == 10 && train.rowCount == 50)
        #expect(train.binMatrixByteCount == 50 * 16)
    }
}
