import Foundation
import MLCore
import Testing
@testable import GradientBoosting

@Suite struct TrainingEdgeCaseTests {
    @Test func oneRowConstantAndAllMissingFeaturesTrainWithoutSplitting() throws {
        let one = BoostingData(features: DenseMatrix(rows: 1, columns: 2, storage: [1, .nan]), labels: [3])
        let model = try BoostingTrainer(parameters: BoostingParameters(objective: Objective(kind: .squaredError), rounds: 3)).fit(one)
        #expect(model.trees.count == 3 && model.trees.allSatisfy { $0.nodeCount == 1 })
        #expect(try model.testMargins(one.features)[0] == 3)

        // Feature 0 constant, feature 1 always missing, feature 2 carries the signal.
        var values: [Float] = []
        var labels: [Float] = []
        for i in 0..<400 { values += [7, .nan, Float(i % 20)]; labels.append(i % 20 < 10 ? 0 : 1) }
        let data = BoostingData(features: DenseMatrix(rows: 400, columns: 3, storage: values), labels: labels)
        let trees = try BoostingTrainer(parameters: BoostingParameters(objective: Objective(kind: .binaryLogistic), rounds: 2)).fit(data).trees
        for tree in trees { for n in 0..<tree.nodeCount where !tree.isLeaf(n) { #expect(tree.splitIndices[n] == 2) } }
        #expect(trees[0].splitConditions[0] == 10)
    }

    @Test func unlimitedLossguideGrowsUntilNoSplitHelps() throws {
        let data = SyntheticData.regression(rows: 500, features: 3, seed: 40)
        var p = BoostingParameters(objective: Objective(kind: .squaredError), rounds: 1)
        p.maxDepth = 0; p.growPolicy = .lossguide; p.minChildWeight = 20
        let tree = try BoostingTrainer(parameters: p).fit(data).trees[0]
        #expect(tree.nodeCount > 15)
        for n in 0..<tree.nodeCount { #expect(tree.sumHessians[n] >= 20) }
    }

    @Test func zeroWeightRowsDoNotMoveTheModel() throws {
        // Features on a 0.5 grid (few distinct values, so the cuts are those values whatever the
        // rows), 300 rows kept; then the same 300 feature rows again with wild labels and weight 0.
        var base = SyntheticData.regression(rows: 300, features: 3, seed: 41)
        base.features.storage = base.features.storage.map { ($0 * 2).rounded() / 2 }
        var features = base.features
        features.append(rowsOf: base.features)
        let noisy = BoostingData(features: features, labels: base.labels + [Float](repeating: 1000, count: 300),
                                 weights: [Float](repeating: 1, count: 300) + [Float](repeating: 0, count: 300))
        var p = BoostingParameters(objective: Objective(kind: .squaredError), rounds: 5)
        p.maxDepth = 3
        let a = try BoostingTrainer(parameters: p).fit(noisy), b = try BoostingTrainer(parameters: p).fit(base)
        #expect(abs(a.baseScore - b.baseScore) < 1e-9)
        #expect(a.trees.map(\.splitIndices) == b.trees.map(\.splitIndices))
        let ma = try a.testMargins(base.features), mb = try b.testMargins(base.features)
        #expect(zip(ma, mb).allSatisfy { abs($0 - $1) < 1e-4 })
    }
}
