import Foundation
import MLCore
import Testing
@testable import GradientBoosting

/// Split gain and leaf weight closed forms on a hand-made six-row example.
@Suite struct TrainingSplitTests {
    // x = 1...6, y = [1, 1, 2, 8, 9, 9]; squared error from base score 0: g = −y, h = 1.
    let data = BoostingData(features: DenseMatrix(rows: 6, columns: 1, storage: [1, 2, 3, 4, 5, 6]), labels: [1, 1, 2, 8, 9, 9])

    private func stump(lambda: Double = 1, alpha: Double = 0, maxDeltaStep: Double = 0, eta: Double = 1) throws -> RegressionTree {
        var p = BoostingParameters(objective: Objective(kind: .squaredError), rounds: 1)
        p.maxDepth = 1; p.baseScore = 0; p.lambda = lambda; p.alpha = alpha; p.maxDeltaStep = maxDeltaStep; p.eta = eta
        return try BoostingTrainer(parameters: p).fit(data).trees[0]
    }

    @Test func gainAndWeightsMatchTheClosedForm() throws {
        let tree = try stump(lambda: 1, eta: 0.5)
        // Best split: {1, 2, 3} | {8, 9, 9}: G_L = −4, G_R = −26, H = 3 each, λ = 1.
        #expect(tree.splitIndices[0] == 0)
        #expect(tree.splitConditions[0] == 4)
        let gain = 16.0 / 4 + 676.0 / 4 - 900.0 / 7
        #expect(abs(Double(tree.lossChanges[0]) - gain) < 1e-4)
        #expect(abs(Double(tree.baseWeights[0]) - 30.0 / 7) < 1e-5)       // −G/(H+λ) of the root
        #expect(abs(Double(tree.splitConditions[1]) - 0.5 * 4.0 / 4) < 1e-6)
        #expect(abs(Double(tree.splitConditions[2]) - 0.5 * 26.0 / 4) < 1e-6)
        #expect(tree.sumHessians == [6, 3, 3])
    }

    @Test func alphaSoftThresholdsTheGradientSums() throws {
        let tree = try stump(lambda: 0, alpha: 2)
        // w = −T(G)/H with T(G) = G + α for G < −α: left (−4 + 2)/3, right (−26 + 2)/3.
        #expect(abs(Double(tree.splitConditions[1]) - 2.0 / 3) < 1e-5)
        #expect(abs(Double(tree.splitConditions[2]) - 24.0 / 3) < 1e-5)
        let gain = 4.0 / 3 + 576.0 / 3 - 784.0 / 6
        #expect(abs(Double(tree.lossChanges[0]) - gain) < 1e-3)
    }

    @Test func maxDeltaStepClipsWeightsAndUsesTheWeightedGain() throws {
        let tree = try stump(lambda: 0, maxDeltaStep: 2)
        // gain(w) = −(2Gw + Hw²) at the clipped weights; the root's w = 5 is clipped to 2.
        // {1, 1} | {2, 8, 9, 9}: 2 + 96 − 96 = 2 beats {1, 1, 2} | {8, 9, 9}: 16/3 + 92 − 96 = 4/3.
        func g(_ G: Double, _ H: Double, _ w: Double) -> Double { -(2 * G * w + H * w * w) }
        #expect(tree.splitConditions[0] == 3)
        #expect(abs(Double(tree.splitConditions[1]) - 1) < 1e-6)          // −G/H = 1 < 2
        #expect(abs(Double(tree.splitConditions[2]) - 2) < 1e-6)          // 7 clipped to 2
        let gain = g(-2, 2, 1) + g(-28, 4, 2) - g(-30, 6, 2)
        #expect(abs(Double(tree.lossChanges[0]) - gain) < 1e-4)
    }

    @Test func minChildWeightForbidsLightChildren() throws {
        var p = BoostingParameters(objective: Objective(kind: .squaredError), rounds: 1)
        p.maxDepth = 1; p.baseScore = 0; p.minChildWeight = 4
        // Each child needs hessian ≥ 4 but only 6 rows exist: no split.
        #expect(try BoostingTrainer(parameters: p).fit(data).trees[0].nodeCount == 1)
    }

    @Test func rulesMatchTheFormulasDirectly() {
        let rules = SplitRules(lambda: 1, alpha: 0.5, maxDeltaStep: 0, minChildWeight: 1, constrained: false)
        #expect(abs(rules.weight(-3, 2) - 2.5 / 3) < 1e-12)
        #expect(rules.weight(-3, 0.5) == 0)                       // below min_child_weight
        #expect(abs(rules.gain(-3, 2, lower: -.infinity, upper: .infinity) - 6.25 / 3) < 1e-12)
        let constrained = SplitRules(lambda: 1, alpha: 0, maxDeltaStep: 0, minChildWeight: 0, constrained: true)
        // Increasing constraint with the left weight above the right one: forbidden.
        #expect(constrained.splitGain(leftG: -5, leftH: 1, rightG: 5, rightH: 1, lower: -.infinity, upper: .infinity, monotone: 1) == -.infinity)
        #expect(constrained.splitGain(leftG: 5, leftH: 1, rightG: -5, rightH: 1, lower: -.infinity, upper: .infinity, monotone: 1) > 0)
    }
}
