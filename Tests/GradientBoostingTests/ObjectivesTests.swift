import Foundation
import MLCore
import Testing
@testable import GradientBoosting

@Suite struct ObjectivesTests {
    static let smooth: [Objective] = [
        Objective(kind: .squaredError), Objective(kind: .squaredLogError), Objective(kind: .logistic),
        Objective(kind: .pseudoHuberError, huberSlope: 1.5), Objective(kind: .binaryLogistic, scalePositiveWeight: 3),
        Objective(kind: .binaryLogitRaw), Objective(kind: .countPoisson), Objective(kind: .gamma),
        Objective(kind: .tweedie, tweedieVariancePower: 1.3),
    ]

    private func label(for kind: Objective.Kind, _ i: Int) -> Float {
        switch kind {
        case .logistic: return [0.2, 0.9, 0.5][i % 3]
        case .binaryLogistic, .binaryLogitRaw, .binaryHinge: return Float(i % 2)
        case .gamma: return [0.5, 2, 4][i % 3]
        case .countPoisson, .tweedie: return [0, 1, 3][i % 3]
        default: return [-0.5, 1, 2.5][i % 3]
        }
    }

    /// Gradient = dL/dm and hessian = d²L/dm² by central differences of the loss (with
    /// max_delta_step 0; Poisson's hessian with it is checked below).
    @Test(arguments: smooth)
    func gradientAndHessianMatchFiniteDifferences(objective: Objective) {
        let margins: [Float] = [-0.7, 0.1, 0.4, 1.2, -0.2, 0.8]
        let labels = margins.indices.map { label(for: objective.kind, $0) }
        var out = [Float](repeating: 0, count: 2 * margins.count)
        margins.withUnsafeBufferPointer { m in
            out.withUnsafeMutableBufferPointer { ObjectiveFunctions.gradients(objective: objective, margins: m, labels: labels, weights: nil, into: $0) }
        }
        let e = 1e-4
        for i in margins.indices {
            let m = Double(margins[i]), y = Double(labels[i])
            func L(_ x: Double) -> Double { ObjectiveFunctions.loss(objective: objective, margin: x, label: y) }
            let g = (L(m + e) - L(m - e)) / (2 * e)
            let h = (L(m + e) - 2 * L(m) + L(m - e)) / (e * e)
            #expect(abs(Double(out[2 * i]) - g) < 2e-3 * max(1, abs(g)), "\(objective.kind) gradient row \(i)")
            // Squared log error floors its hessian at 1e-6 where the loss is concave, as XGBoost does.
            let expected = objective.kind == .squaredLogError ? max(h, 1e-6) : h
            #expect(abs(Double(out[2 * i + 1]) - expected) < 5e-3 * max(1, abs(expected)), "\(objective.kind) hessian row \(i)")
        }
    }

    @Test func poissonHessianUsesMaxDeltaStep() {
        let objective = Objective(kind: .countPoisson, maxDeltaStep: 0.7)
        var out = [Float](repeating: 0, count: 2)
        [Float(0.3)].withUnsafeBufferPointer { m in
            out.withUnsafeMutableBufferPointer { ObjectiveFunctions.gradients(objective: objective, margins: m, labels: [2], weights: [2], into: $0) }
        }
        #expect(abs(Double(out[0]) - 2 * (exp(0.3) - 2)) < 1e-5)
        #expect(abs(Double(out[1]) - 2 * exp(1.0)) < 1e-5)
    }

    @Test func piecewiseObjectivesFollowXGBoost() {
        func pairs(_ objective: Objective, _ m: [Float], _ y: [Float]) -> [Float] {
            var out = [Float](repeating: 0, count: 2 * m.count)
            m.withUnsafeBufferPointer { mm in
                out.withUnsafeMutableBufferPointer { ObjectiveFunctions.gradients(objective: objective, margins: mm, labels: y, weights: nil, into: $0) }
            }
            return out
        }
        #expect(pairs(Objective(kind: .absoluteError), [1, -1], [0, 0]) == [1, 1, -1, 1])
        #expect(pairs(Objective(kind: .quantileError, quantileAlpha: 0.2), [1, -1], [0, 0]) == [0.8, 1, -0.2, 1])
        let hinge = pairs(Objective(kind: .binaryHinge), [0.5, 2, -0.5], [1, 1, 0])
        #expect(hinge[0] == -1 && hinge[1] == 1)                       // inside the margin
        #expect(hinge[2] == 0 && hinge[3] > 0 && hinge[3] < 1e-30)     // beyond it: no gradient
        #expect(hinge[4] == 1 && hinge[5] == 1)
    }

    @Test func softmaxGradientsArePMinusOneHotWithTwiceTheBinomialHessian() {
        let objective = Objective(kind: .multiSoftprob, classCount: 3)
        let margins: [Float] = [0.1, 0.5, -0.3, 1, 0, 0]
        var out = [Float](repeating: 0, count: 12)
        margins.withUnsafeBufferPointer { m in
            out.withUnsafeMutableBufferPointer { ObjectiveFunctions.gradients(objective: objective, margins: m, labels: [2, 0], weights: nil, into: $0) }
        }
        for i in 0..<2 {
            let row = margins[(3 * i)..<(3 * i + 3)].map { exp(Double($0)) }
            let p = row.map { $0 / row.reduce(0, +) }
            for c in 0..<3 {
                let y = (i == 0 && c == 2) || (i == 1 && c == 0) ? 1.0 : 0.0
                #expect(abs(Double(out[2 * (c * 2 + i)]) - (p[c] - y)) < 1e-6)
                #expect(abs(Double(out[2 * (c * 2 + i) + 1]) - 2 * p[c] * (1 - p[c])) < 1e-6)
            }
        }
    }

    @Test func baseScoreEstimatesFollowXGBoost() {
        let labels: [Float] = [1, 2, 3, 4, 10]
        #expect(ObjectiveFunctions.estimateBaseScore(objective: Objective(kind: .squaredError), labels: labels, weights: nil) == 4)
        #expect(ObjectiveFunctions.estimateBaseScore(objective: Objective(kind: .absoluteError), labels: labels, weights: nil) == 3)
        // Quantile at α·(n + 1) = 1.8: between the 1st and 2nd values.
        #expect(abs(ObjectiveFunctions.estimateBaseScore(objective: Objective(kind: .quantileError, quantileAlpha: 0.3),
                                                         labels: labels, weights: nil) - 1.8) < 1e-12)
        #expect(ObjectiveFunctions.estimateBaseScore(objective: Objective(kind: .binaryLogistic), labels: [0, 1, 1, 1], weights: [3, 1, 1, 1]) == 0.5)
        #expect(ObjectiveFunctions.estimateBaseScore(objective: Objective(kind: .binaryHinge), labels: [0, 1], weights: nil) == 0)
    }

    @Test(arguments: Objective.Kind.allCases)
    func everyObjectiveTrainsAndLowersItsDefaultMetric(kind: Objective.Kind) throws {
        var data = SyntheticData.regression(rows: 800, features: 4, seed: 31)
        switch kind {
        case .logistic: data.labels = data.labels.map { 1 / (1 + exp(-$0)) }
        case .binaryLogistic, .binaryLogitRaw, .binaryHinge: data.labels = data.labels.map { $0 > 0 ? 1 : 0 }
        case .countPoisson, .tweedie: data.labels = data.labels.map { ($0 + 4).rounded(.down).clamped(0, 20) }
        case .gamma, .squaredLogError: data.labels = data.labels.map { exp($0 / 3) }
        case .multiSoftmax, .multiSoftprob: data.labels = data.labels.map { $0 < -1 ? 0 : ($0 < 1 ? 1 : 2) }
        default: break
        }
        let objective = Objective(kind: kind, classCount: kind == .multiSoftmax || kind == .multiSoftprob ? 3 : 1,
                                  maxDeltaStep: kind == .countPoisson ? 0.7 : 0)
        var p = BoostingParameters(objective: objective, rounds: 15)
        p.eta = 0.3
        var values: [Double] = []
        _ = try BoostingTrainer(parameters: p).train(data, evaluationSets: [("train", data)],
                                                     onRound: { _, r in values.append(r[0].value) }, shouldStop: { false })
        #expect(values.count == 15)
        #expect(values.allSatisfy { $0.isFinite })
        #expect(values.last! < values.first!, "\(kind): \(values.first!) → \(values.last!)")
    }
}

private extension Float {
    func clamped(_ lower: Float, _ upper: Float) -> Float { Swift.min(Swift.max(self, lower), upper) }
}
