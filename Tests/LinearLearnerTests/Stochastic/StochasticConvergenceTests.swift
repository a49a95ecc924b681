import LinearLearner
import MLCore
import Testing

/// Each stochastic optimizer reaches the optimum of each loss family on small seeded problems.
///
/// The optimum comes from an independent reference (`StochasticTestProblems`): the closed-form
/// ridge solution for the squared loss, a long full-batch gradient descent for logistic and
/// softmax, a long full-batch subgradient descent (best iterate) for hinge and quantile. The
/// solver runs 150 epochs of 20-row batches at rate 0.05 with a per-epoch decay of 0.97 (observed
/// excesses are below 5·10⁻⁵ for every case), and its final
/// objective (re-evaluated independently) must be within `tolerance` (relative) of the reference.
@Suite struct StochasticConvergenceTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var loss: LinearLoss
        var kind: StochasticTestProblems.Kind
        /// Allowed relative excess of the solver's objective over the reference.
        var tolerance: Double
        var testDescription: String { "\(loss)" }
    }

    static let cases: [Case] = [
        Case(loss: .squared, kind: .regression, tolerance: 3e-4),
        Case(loss: .logistic, kind: .binary, tolerance: 3e-4),
        Case(loss: .softmax(classes: 3), kind: .multiclass, tolerance: 3e-4),
        Case(loss: .hinge(margin: 1), kind: .binary, tolerance: 1e-3),
        Case(loss: .quantile(tau: 0.5), kind: .regression, tolerance: 1e-3),
    ]

    static let regularization = Regularization(l2: 0.01)

    static func options(_ optimizer: StochasticOptimizer) -> StochasticSolverOptions {
        var o = StochasticSolverOptions.defaults(for: optimizer)
        o.epochs = 150
        o.miniBatchSize = 20
        o.learningRate = 0.05
        o.schedulerFactor = 0.97
        o.schedulerMinimumLearningRate = 1e-7
        o.seed = 3
        return o
    }

    static func reference(_ c: Case, _ p: LinearProblem) -> Double {
        switch c.loss {
        case .squared:
            let theta = StochasticTestProblems.ridge(p, l2: regularization.l2)
            return StochasticTestProblems.objective(theta, p, c.loss, regularization)
        case .logistic, .softmax:
            return StochasticTestProblems.descentMinimum(p, c.loss, regularization, step: 1, iterations: 2000)
        default:
            return StochasticTestProblems.descentMinimum(p, c.loss, regularization, step: 0.5, iterations: 6000)
        }
    }

    @Test(arguments: cases)
    func reachesTheOptimum(_ c: Case) throws {
        let p = StochasticTestProblems.make(c.kind, rows: 200, features: 4)
        let best = Self.reference(c, p)
        for optimizer in StochasticOptimizer.allCases {
            let (coefficients, report) = try StochasticSolver.fit(
                p, loss: c.loss, regularization: Self.regularization, options: Self.options(optimizer))
            let value = StochasticTestProblems.objective(
                StochasticTestProblems.flatten(coefficients), p, c.loss, Self.regularization)
            // The report's objective is the exact objective at the returned coefficients.
            #expect(abs(report.objective - value) <= 1e-12 * max(1, value))
            #expect(report.history.count == 150 && report.iterations == 150)
            let excess = (value - best) / best
            #expect(excess <= c.tolerance, "\(optimizer): objective \(value), reference \(best)")
            // A value far below the reference would mean the reference or the objective is wrong.
            #expect(excess >= -c.tolerance, "\(optimizer): objective \(value), reference \(best)")
        }
    }
}
