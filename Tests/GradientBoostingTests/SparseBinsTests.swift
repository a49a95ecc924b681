import Foundation
import MLCore
import Testing
@testable import GradientBoosting

/// Training on the bins of stored entries only (`SparseBinnedMatrix`): the layout's global bin
/// indices, node histograms equal to the one-byte matrix's (missing sums as node totals minus the
/// bins), and the same trees and predictions as the dense path on the data densified with NaN.
@Suite struct SparseBinsTests {
    /// Three features with known cuts: bins 3, 2 and 2, so slots 0–2, 3–4 and 5–6.
    static let smallCuts = BinCuts(perFeature: [[1, 2, 10], [5, 100], [0.5, 9]], minimums: [0, 0, 0])

    @Test func layoutHoldsTheGlobalBinOfEveryStoredEntry() {
        var m = SparseMatrix<Float>(columns: 3)
        m.appendRow(columns: [0, 2], values: [0.5, 3])        // bin 0 of f0 → 0; bin 1 of f2 → 6
        m.appendRow(columns: [], values: [])                  // all missing
        m.appendRow(columns: [1, 2], values: [7, .nan])       // bin 1 of f1 → 4; a stored NaN is missing
        m.appendRow(columns: [0, 1, 2], values: [1, 2, 0.1])  // 1, 3, 5
        m.appendRow(columns: [0], values: [50])               // beyond the last cut: the last bin, 2
        for threads in [1, 2] {
            let s = SparseBinnedMatrix(sparse: m, cuts: Self.smallCuts, threads: threads)
            #expect(s.slotOffsets == [0, 3, 5, 7] && s.slotCount == 7 && !s.wide)
            #expect(s.entryCount == 7)
            #expect((0...5).map { s.rowOffsets[$0] } == [0, 2, 2, 3, 6, 7])
            let entries = (0..<s.entryCount).map { Int(s.entries.assumingMemoryBound(to: UInt16.self)[$0]) }
            #expect(entries == [0, 6, 4, 1, 3, 5, 2])
            // A row's bin of a feature, the bin count when it has none.
            let bins = (0..<5).map { i in (0..<3).map { s.bin(row: i, feature: $0) } }
            #expect(bins == [[0, 2, 1], [3, 2, 2], [3, 1, 2], [1, 0, 0], [2, 2, 2]])
            #expect(s.byteCount == 7 * 2 + 6 * 8)
        }
    }

    @Test func moreThan65536SlotsTakeFourByteEntries() {
        // 300 features of 255 bins each: 76 500 slots.
        let perFeature = (0..<300).map { _ in (1...255).map { Float($0) } }
        let cuts = BinCuts(perFeature: perFeature, minimums: [Float](repeating: 0, count: 300))
        var m = SparseMatrix<Float>(columns: 300)
        m.appendRow(columns: [0, 299], values: [0, 254.5])
        m.appendRow(columns: [150], values: [3])
        let s = SparseBinnedMatrix(sparse: m, cuts: cuts, threads: 1)
        #expect(s.wide && s.slotCount == 76_500)
        let entries = (0..<s.entryCount).map { Int(s.entries.assumingMemoryBound(to: UInt32.self)[$0]) }
        #expect(entries == [0, 299 * 255 + 254, 150 * 255 + 3])
        #expect(s.bin(row: 0, feature: 299) == 254 && s.bin(row: 1, feature: 299) == 255 && s.bin(row: 1, feature: 150) == 3)
    }

    @Test func featureRangesCoverEveryFeatureOnceInOrder() {
        let cuts = BinCuts(perFeature: (0..<10).map { _ in [1, 2] }, minimums: [Float](repeating: 0, count: 10))
        let entries = [8000, 0, 0, 0, 0, 0, 0, 0, 0, 8000]
        for parts in 1...4 {
            let ranges = SparseBinnedMatrix.featureRanges(perFeatureEntries: entries, cuts: cuts, parts: parts)
            #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == 10 && ranges.count <= parts)
            #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
        }
        // Work 8016, 16, …, 16, 8016: half of 16 160 is reached at feature 4.
        #expect(SparseBinnedMatrix.featureRanges(perFeatureEntries: entries, cuts: cuts, parts: 2) == [0..<5, 5..<10])
    }

    /// The histogram of a node (every third row, in a shuffled order) from the stored entries
    /// equals the one-byte matrix's of the NaN-densified data slot for slot, whole or summed in
    /// feature ranges; each feature's missing sums are the node totals minus its bins.
    @Test(arguments: [1, 3])
    func nodeHistogramEqualsTheDensePathsBinForBin(parts: Int) {
        let rows = 3000, columns = 60
        let sparse = SparseTrainingTests.sparseMatrix(rows: rows, columns: columns, density: 0.05, seed: 8)
        let dense = sparse.densified(absent: .nan)
        let cuts = BinCuts.compute(sparse: sparse, maxBin: 64, seed: 1, threads: 1)
        let denseMatrix = BinnedMatrix(features: dense, cuts: cuts, threads: 1)
        let sparseMatrix = SparseBinnedMatrix(sparse: sparse, cuts: cuts, threads: 1)
        var generator = SeededGenerator(seed: 4)
        var nodeRows = Array(stride(from: 0, to: rows, by: 3))
        nodeRows.shuffle(using: &generator)
        let count = nodeRows.count
        // The node's gradient pairs and (for the dense kernel) row records, in node order.
        let pairs = (0..<(2 * count)).map { i in Float(i % 2 == 0 ? generator.nextGaussian() : generator.nextUnit() + 0.05) }
        var records = [UInt8](repeating: 0, count: count * denseMatrix.stride)
        for (j, row) in nodeRows.enumerated() {
            for b in 0..<denseMatrix.stride { records[j * denseMatrix.stride + b] = denseMatrix.codes[row * denseMatrix.stride + b] }
        }
        let denseHistogram = UnsafeMutablePointer<SIMD2<Double>>.allocate(capacity: denseMatrix.slotCount)
        let sparseHistogram = UnsafeMutablePointer<SIMD2<Double>>.allocate(capacity: sparseMatrix.slotCount)
        defer { denseHistogram.deallocate(); sparseHistogram.deallocate() }
        let builder = HistogramBuilder(matrix: denseMatrix, threads: 1)
        records.withUnsafeBytes { codes in
            pairs.withUnsafeBufferPointer { builder.build(codes: codes.baseAddress!, start: 0, count: count, gradients: $0.baseAddress!, into: denseHistogram) }
        }
        let positionRows = nodeRows.map { UInt32($0) }
        let featureParts = SparseBinnedMatrix.featureRanges(perFeatureEntries: [Int](repeating: 1, count: columns), cuts: cuts, parts: parts)
        #expect(featureParts.count == parts)
        sparseHistogram.initialize(repeating: SIMD2(.nan, .nan), count: sparseMatrix.slotCount)
        positionRows.withUnsafeBufferPointer { r in
            pairs.withUnsafeBufferPointer { g in
                for features in featureParts {
                    let slots = Int(sparseMatrix.slotOffsets[features.lowerBound])..<Int(sparseMatrix.slotOffsets[features.upperBound])
                    (sparseHistogram + slots.lowerBound).update(repeating: .zero, count: slots.count)
                    TreeGrower.accumulate(sparseMatrix, rows: r.baseAddress!, start: 0, count: count, gradients: g.baseAddress!,
                                          slots: slots, into: sparseHistogram)
                }
            }
        }
        var total = SIMD2<Double>.zero
        for j in 0..<count { total += SIMD2(Double(pairs[2 * j]), Double(pairs[2 * j + 1])) }
        var withMissing = 0
        for f in 0..<columns {
            let bins = cuts.binCount(f)
            var sum = SIMD2<Double>.zero
            for b in 0..<bins {
                let d = denseHistogram[Int(denseMatrix.slotOffsets[f]) + b], s = sparseHistogram[Int(sparseMatrix.slotOffsets[f]) + b]
                // The same additions in the same order: equal to the bit.
                #expect(d == s, "feature \(f) bin \(b)")
                sum += s
            }
            let missing = denseHistogram[Int(denseMatrix.slotOffsets[f]) + bins], derived = total - sum
            #expect(abs(derived.x - missing.x) <= 1e-9 * (1 + abs(missing.x)) && abs(derived.y - missing.y) <= 1e-9 * (1 + abs(missing.y)),
                    "feature \(f): missing \(missing), totals − bins \(derived)")
            if missing.y > 0 { withMissing += 1 }
        }
        #expect(withMissing == columns)
    }

    // MARK: Whole models

    /// A seeded sparse training set (2 % density; 12 000 rows by default, enough for the root's
    /// histogram pass to be shared by feature range on 2 threads; the awkward values of
    /// `SparseTrainingTests.sparseMatrix`) with labels from a few features.
    static func dataset(objective: Objective.Kind, rows: Int = 12_000, columns: Int = 300) -> (x: SparseMatrix<Float>, labels: [Float]) {
        let x = SparseTrainingTests.sparseMatrix(rows: rows, columns: columns, density: 0.02, seed: 41)
        var generator = SeededGenerator(seed: 9)
        let labels: [Float] = (0..<rows).map { i in
            let s = Double(x[i, 0] ?? 0) + 2 * Double(x[i, 1] ?? -1) - Double(x[i, 4] ?? 0) + (x[i, 7] == nil ? 0.5 : 0)
                + 0.5 * Double(x[i, 13] ?? 0) + 0.3 * generator.nextGaussian()
            return objective == .binaryLogistic ? (generator.nextUnit() < 1 / (1 + exp(-s)) ? 1 : 0) : Float(s)
        }
        return (x, labels)
    }

    /// Trees with the same shape, split features, thresholds and default directions, and leaf
    /// values equal to the rounding of Float (the double sums behind them may differ in the
    /// last bits when they were added in another order).
    static func expectSameTrees(_ a: TreeEnsemble, _ b: TreeEnsemble, _ context: String) {
        #expect(a.trees.count == b.trees.count, "\(context)")
        for (t, (x, y)) in zip(a.trees, b.trees).enumerated() {
            #expect(x.leftChildren == y.leftChildren && x.rightChildren == y.rightChildren, "\(context): tree \(t) shape")
            guard x.leftChildren == y.leftChildren else { continue }
            for node in x.leftChildren.indices {
                if x.leftChildren[node] >= 0 {
                    #expect(x.splitIndices[node] == y.splitIndices[node] && x.splitConditions[node] == y.splitConditions[node]
                             && x.defaultLeft[node] == y.defaultLeft[node], "\(context): tree \(t) node \(node)")
                } else {
                    let u = Double(x.splitConditions[node]), v = Double(y.splitConditions[node])
                    #expect(abs(u - v) <= 2e-7 * max(abs(u), abs(v)), "\(context): tree \(t) leaf \(node): \(u) vs \(v)")
                }
            }
        }
    }

    @Test(arguments: [Objective.Kind.binaryLogistic, .squaredError], [1, 2])
    func sparseBinsGrowTheTreesTheDensePathGrows(objective: Objective.Kind, threads: Int) throws {
        let (x, labels) = Self.dataset(objective: objective)
        let train = BoostingData(sparse: x, labels: labels)
        #expect(train.usesSparseBins)
        let denseTrain = BoostingData(features: x.densified(absent: .nan), labels: labels)
        var p = BoostingParameters(objective: Objective(kind: objective), rounds: 5)
        p.maxDepth = 5
        p.eta = 0.3
        p.threads = threads
        func fit(_ data: BoostingData) throws -> TreeEnsemble {
            try BoostingTrainer(parameters: p).train(data, evaluationSets: [], onRound: { _, _ in }, shouldStop: { false })
        }
        let sparseModel = try fit(train), denseModel = try fit(denseTrain)
        Self.expectSameTrees(sparseModel, denseModel, "\(objective), \(threads) threads")
        // Trees of depth 5 that send missing values both ways.
        #expect(sparseModel.trees.allSatisfy { $0.leftChildren.count > 20 })
        let splits = sparseModel.trees.flatMap { t in t.leftChildren.indices.filter { t.leftChildren[$0] >= 0 }.map { t.defaultLeft[$0] } }
        #expect(Set(splits) == [false, true])
        let forestA = try CompiledForest(sparseModel), forestB = try CompiledForest(denseModel)
        let a = try forestA.predict(x, threads: 1), b = try forestB.predict(x, threads: 1)
        #expect(zip(a, b).allSatisfy { abs($0 - $1) <= 1e-6 * max(1, abs($1)) })
        // The thread count does not change the sparse path's model at all.
        if threads == 2 {
            p.threads = 1
            #expect(try fit(train) == sparseModel)
        }
    }

    /// Without room for a histogram per waiting node, children are summed from their rows instead
    /// of by subtraction: the same tree.
    @Test func histogramBudgetChangesNoTree() {
        let (x, labels) = Self.dataset(objective: .squaredError, rows: 2000, columns: 200)
        var p = BoostingParameters(objective: Objective(kind: .squaredError), rounds: 1)
        p.maxDepth = 6
        p.threads = 2
        let cuts = BinCuts.compute(sparse: x, maxBin: 256, seed: 0, threads: 1)
        let matrix = SparseBinnedMatrix(sparse: x, cuts: cuts, threads: 2)
        let gradients: [Float] = labels.flatMap { label -> [Float] in [0.5 - label, 1] }
        var trees: [RegressionTree] = []
        var leafRows: [[Int]] = []
        for budget in [0, 16 * matrix.slotCount, TreeGrower.sparseHistogramBudget] {
            let grower = TreeGrower(sparse: matrix, parameters: p, histogramBudget: budget)
            let grown = gradients.withUnsafeBufferPointer { grower.grow(gradients: $0.baseAddress!, eta: 0.3) }
            trees.append(grown.tree)
            leafRows.append(grown.leaves.flatMap { leaf in var r: [Int] = []; grower.forEachRow(of: leaf) { r.append($0) }; return r.sorted() })
        }
        #expect(trees[0].leftChildren.count > 30)
        for k in 1..<trees.count {
            let a = TreeEnsemble(objective: Objective(kind: .squaredError), featureCount: 200, baseScore: 0, trees: [trees[0]], treeGroups: [0])
            let b = TreeEnsemble(objective: Objective(kind: .squaredError), featureCount: 200, baseScore: 0, trees: [trees[k]], treeGroups: [0])
            Self.expectSameTrees(a, b, "budget \(k)")
            #expect(leafRows[k] == leafRows[0])
        }
    }

    /// Sets at or above a quarter of their rows × features stored keep the one-byte matrix.
    @Test func densitySelectsTheLayout() {
        var m = SparseMatrix<Float>(columns: 4)
        m.appendRow(columns: [0], values: [1])
        m.appendRow(columns: [1, 2], values: [1, 2])
        #expect(!BoostingData(sparse: m, labels: [0, 1]).usesSparseBins)   // 3 of 8
        m.appendRow(columns: [], values: [])
        m.appendRow(columns: [], values: [])
        let data = BoostingData(sparse: m, labels: [0, 1, 0, 1])           // 3 of 16
        #expect(data.usesSparseBins && data.binMatrixByteCount == 3 * 2 + 5 * 8)
        #expect(!BoostingData(features: m.densified(absent: .nan), labels: [0, 1, 0, 1]).usesSparseBins)
    }
}
