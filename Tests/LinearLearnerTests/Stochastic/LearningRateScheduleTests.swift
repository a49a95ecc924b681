import Foundation
import LinearLearner
import Testing

@Suite struct LearningRateScheduleTests {
    @Test func decaysByFactorEveryStepDownToTheMinimum() {
        let schedule = LearningRateSchedule(initial: 0.1, step: 7, factor: 0.8, minimum: 1e-3)
        var expected = 0.1
        for k in 0 ..< 400 {
            if k > 0, k % 7 == 0 { expected *= 0.8 }
            let want = max(1e-3, expected)
            #expect(abs(schedule.rate(afterUpdates: k) - want) <= 1e-13 * want, "after \(k) updates")
        }
        // 0.1 · 0.8^j < 1e-3 from j = 21 on, i.e. after 147 updates.
        #expect(schedule.rate(afterUpdates: 146) > 1e-3)
        #expect(schedule.rate(afterUpdates: 147) == 1e-3)
        #expect(schedule.rate(afterUpdates: 1_000_000) == 1e-3)
    }

    @Test func disabledScheduleIsConstant() {
        let schedule = LearningRateSchedule(initial: 0.05, step: 1, factor: 0.5, minimum: 1e-5, isEnabled: false)
        for k in [0, 1, 10, 1000] { #expect(schedule.rate(afterUpdates: k) == 0.05) }
        #expect(LearningRateSchedule.constant(0.2).rate(afterUpdates: 99) == 0.2)
    }

    @Test func minimumAboveTheInitialRateKeepsTheInitialRate() {
        let schedule = LearningRateSchedule(initial: 1e-6, step: 1, factor: 0.5, minimum: 1e-5)
        for k in [0, 1, 50] { #expect(schedule.rate(afterUpdates: k) == 1e-6) }
    }

    @Test func autoStepIsOneEpochOfBatches() {
        var options = StochasticSolverOptions.defaults(for: .adam)
        options.miniBatchSize = 30
        #expect(options.schedule(rowCount: 100).step == 4)
        #expect(options.schedule(rowCount: 90).step == 3)
        // The batch is capped at the row count: one update per epoch.
        #expect(options.schedule(rowCount: 10).step == 1)
        options.schedulerStep = 5
        #expect(options.schedule(rowCount: 100).step == 5)
        options.useScheduler = false
        #expect(!options.schedule(rowCount: 100).isEnabled)
    }

    /// Full-batch SGD without momentum, one update per epoch, so the coefficients after `T` epochs
    /// follow the schedule exactly: compared with the same iteration written out here.
    @Test func solverFollowsTheSchedule() throws {
        let p = StochasticTestProblems.make(.regression, rows: 12, features: 2)
        var options = StochasticSolverOptions.defaults(for: .sgd)
        options.momentum = 0
        options.miniBatchSize = 12
        options.learningRate = 0.3
        options.schedulerStep = 2
        options.schedulerFactor = 0.5
        options.schedulerMinimumLearningRate = 0.05
        options.epochs = 9
        let r = Regularization()
        var theta = StochasticTestProblems.flatten(
            StochasticSolver.initialCoefficients(outputs: 1, features: 2, fitIntercept: true, options: options))
        for k in 0 ..< 9 {
            let rate = max(0.05, 0.3 * pow(0.5, Double(k / 2)))
            let g = StochasticTestProblems.gradient(theta, p, .squared, r)
            for j in theta.indices { theta[j] -= rate * g[j] }
        }
        let (c, _) = try StochasticSolver.fit(p, loss: .squared, regularization: r, options: options)
        let fitted = StochasticTestProblems.flatten(c)
        for j in theta.indices { #expect(abs(fitted[j] - theta[j]) <= 1e-12, "coefficient \(j)") }

        // Without the decay the same run ends elsewhere.
        options.useScheduler = false
        let (constant, _) = try StochasticSolver.fit(p, loss: .squared, regularization: r, options: options)
        #expect(constant != c)
    }
}
