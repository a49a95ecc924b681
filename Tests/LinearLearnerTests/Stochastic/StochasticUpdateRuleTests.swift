import Foundation
import LinearLearner
import MLCore
import Testing

/// With the whole data set as one batch each epoch is one deterministic update, so the solver's
/// coefficients can be compared with the documented update rules written out here: momentum, Adam
/// with bias correction, RMSProp, `bias_lr_mult`, L2 on weights and (scaled) intercepts, the
/// schedule, and the L1 proximal step with each optimizer's threshold.
@Suite struct StochasticUpdateRuleTests {
    static func softThreshold(_ w: Double, _ t: Double) -> Double {
        w > t ? w - t : (w < -t ? w + t : 0)
    }

    /// The documented update of `StochasticOptimizer` / `StochasticUpdateRule`, for `epochs`
    /// full-batch updates from `start`.
    static func reference(
        _ p: LinearProblem, _ loss: LinearLoss, _ r: Regularization, _ o: StochasticSolverOptions, from start: [Double]
    ) -> [Double] {
        var theta = start
        let weightCount = loss.outputs * p.featureCount
        var first = [Double](repeating: 0, count: theta.count)
        var second = [Double](repeating: 0, count: theta.count)
        let schedule = o.schedule(rowCount: p.exampleCount)
        for k in 0 ..< o.epochs {
            let g = StochasticTestProblems.gradient(theta, p, loss, r)
            let rate = schedule.rate(afterUpdates: k)
            let t = Double(k + 1)
            for j in theta.indices {
                let isWeight = j < weightCount
                if !isWeight && !p.fitIntercept { continue }
                let eta = isWeight ? rate : rate * o.biasLearningRateMultiplier
                var threshold = 0.0
                switch o.optimizer {
                case .sgd:
                    first[j] = o.momentum * first[j] + g[j]
                    theta[j] -= eta * first[j]
                    threshold = eta * r.l1 / (1 - o.momentum)
                case .adam:
                    first[j] = o.beta1 * first[j] + (1 - o.beta1) * g[j]
                    second[j] = o.beta2 * second[j] + (1 - o.beta2) * g[j] * g[j]
                    let step = eta / ((second[j] / (1 - pow(o.beta2, t))).squareRoot() + o.epsilon)
                    theta[j] -= step * first[j] / (1 - pow(o.beta1, t))
                    threshold = step * r.l1
                case .rmsprop:
                    second[j] = o.beta2 * second[j] + (1 - o.beta2) * g[j] * g[j]
                    let step = eta / (second[j].squareRoot() + o.epsilon)
                    theta[j] -= step * g[j]
                    threshold = step * r.l1
                }
                if isWeight { theta[j] = softThreshold(theta[j], threshold) }
            }
        }
        return theta
    }

    static func options(_ optimizer: StochasticOptimizer) -> StochasticSolverOptions {
        var o = StochasticSolverOptions.defaults(for: optimizer)
        o.epochs = 12
        o.miniBatchSize = 10_000
        o.learningRate = 0.05
        o.biasLearningRateMultiplier = 3
        o.schedulerStep = 4
        o.schedulerFactor = 0.5
        o.initialization = .normal(sigma: 0.5)
        o.initialBias = 0.25
        o.seed = 21
        return o
    }

    @Test(arguments: StochasticOptimizer.allCases, [LinearLoss.squared, .logistic, .softmax(classes: 3)])
    func fullBatchRunMatchesTheWrittenOutRule(_ optimizer: StochasticOptimizer, _ loss: LinearLoss) throws {
        let kind: StochasticTestProblems.Kind = loss == .squared ? .regression : (loss == .logistic ? .binary : .multiclass)
        let p = StochasticTestProblems.make(kind, rows: 40, features: 3, seed: 5)
        let r = Regularization(l2: 0.1, l1: 0.02, interceptL2Multiplier: 0.5)
        let o = Self.options(optimizer)
        let start = StochasticTestProblems.flatten(
            StochasticSolver.initialCoefficients(outputs: loss.outputs, features: 3, fitIntercept: true, options: o))
        let want = Self.reference(p, loss, r, o, from: start)
        let (c, report) = try StochasticSolver.fit(p, loss: loss, regularization: r, options: o)
        let got = StochasticTestProblems.flatten(c)
        for j in want.indices { #expect(abs(got[j] - want[j]) <= 1e-11 * max(1, abs(want[j])), "coefficient \(j)") }
        #expect(report.method == "\(optimizer.rawValue) (mini-batch 40, 12 epochs)")
    }

    @Test(arguments: StochasticOptimizer.allCases)
    func withoutAnInterceptTheInterceptStaysZero(_ optimizer: StochasticOptimizer) throws {
        var p = StochasticTestProblems.make(.regression, rows: 30, features: 2, seed: 8)
        p.fitIntercept = false
        let r = Regularization(l2: 0.01)
        let o = Self.options(optimizer)
        let start = StochasticTestProblems.flatten(
            StochasticSolver.initialCoefficients(outputs: 1, features: 2, fitIntercept: false, options: o))
        let want = Self.reference(p, .squared, r, o, from: start)
        let (c, _) = try StochasticSolver.fit(p, loss: .squared, regularization: r, options: o)
        #expect(c.intercepts == [0])
        let got = StochasticTestProblems.flatten(c)
        for j in want.indices { #expect(abs(got[j] - want[j]) <= 1e-11 * max(1, abs(want[j]))) }
    }
}
