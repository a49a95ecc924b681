import Foundation
import LinearLearner
import MLCore
import Testing

@Suite struct StochasticSolverTests {
    static func quickOptions(_ optimizer: StochasticOptimizer = .adam) -> StochasticSolverOptions {
        var o = StochasticSolverOptions.defaults(for: optimizer)
        o.epochs = 10
        o.miniBatchSize = 16
        o.seed = 99
        return o
    }

    // MARK: Initialization (init_method, init_scale, init_sigma, init_bias)

    @Test func uniformInitializationStaysWithinTheScale() {
        var o = StochasticSolverOptions.defaults(for: .sgd)
        o.initialization = .uniform(scale: 0.07)
        o.initialBias = -0.4
        let c = StochasticSolver.initialCoefficients(outputs: 4, features: 500, fitIntercept: true, options: o)
        let w = c.weights.storage
        #expect(w.allSatisfy { abs($0) <= 0.07 })
        // 2000 draws fill the interval: both ends are approached and the mean is near 0.
        #expect(w.min()! < -0.068 && w.max()! > 0.068)
        #expect(abs(w.reduce(0, +) / Double(w.count)) < 0.005)
        #expect(c.intercepts == [-0.4, -0.4, -0.4, -0.4])
    }

    @Test func normalInitializationHasTheRequestedSigma() {
        var o = StochasticSolverOptions.defaults(for: .sgd)
        o.initialization = .normal(sigma: 0.01)
        let c = StochasticSolver.initialCoefficients(outputs: 1, features: 20_000, fitIntercept: false, options: o)
        let w = c.weights.storage
        let mean = w.reduce(0, +) / Double(w.count)
        let sd = (w.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(w.count - 1)).squareRoot()
        #expect(abs(mean) < 3e-4)
        #expect(abs(sd - 0.01) < 3e-4)
        // A normal sample of this size exceeds 3σ somewhere, which a uniform ±σ draw never would.
        #expect(w.contains { abs($0) > 0.03 })
        #expect(c.intercepts == [0])
    }

    @Test func initializationDependsOnTheSeed() {
        var o = StochasticSolverOptions.defaults(for: .adam)
        let a = StochasticSolver.initialCoefficients(outputs: 2, features: 5, fitIntercept: true, options: o)
        #expect(StochasticSolver.initialCoefficients(outputs: 2, features: 5, fitIntercept: true, options: o) == a)
        o.seed = 1
        #expect(StochasticSolver.initialCoefficients(outputs: 2, features: 5, fitIntercept: true, options: o) != a)
    }

    /// With a negligible learning rate one epoch leaves the model where it started: the fit
    /// begins from `initialCoefficients`, including `init_bias`.
    @Test(arguments: [StochasticSolverOptions.Initialization.uniform(scale: 0.5), .normal(sigma: 0.3)])
    func fitStartsFromTheInitialization(_ initialization: StochasticSolverOptions.Initialization) throws {
        let p = StochasticTestProblems.make(.binary, rows: 50, features: 3)
        var o = Self.quickOptions(.sgd)
        o.initialization = initialization
        o.initialBias = 0.7
        o.learningRate = 1e-12
        o.epochs = 1
        let start = StochasticSolver.initialCoefficients(outputs: 1, features: 3, fitIntercept: true, options: o)
        let (c, _) = try StochasticSolver.fit(p, loss: .logistic, regularization: Regularization(), options: o)
        for j in 0 ..< 3 { #expect(abs(c.weights.storage[j] - start.weights.storage[j]) < 1e-9) }
        #expect(abs(c.intercepts[0] - 0.7) < 1e-9)
    }

    // MARK: Early stopping through the monitor

    @Test func monitorStopsTheRunAndSeesEveryEpoch() throws {
        let p = StochasticTestProblems.make(.regression, rows: 100, features: 3)
        var seen: [SolverProgress] = []
        let (c, report) = try StochasticSolver.fit(
            p, loss: .squared, regularization: Regularization(l2: 0.01), options: Self.quickOptions()
        ) { progress in
            seen.append(progress)
            return progress.iteration < 3
        }
        #expect(seen.map(\.iteration) == [1, 2, 3])
        #expect(report.iterations == 3 && report.stoppedByMonitor && !report.converged)
        #expect(report.history == seen.map(\.objective))
        #expect(report.objective == seen[2].objective)
        #expect(c == seen[2].coefficients)
        #expect(report.method == "adam (mini-batch 16, 3 of 10 epochs)")
        // The objective handed to the monitor is the exact objective at its coefficients.
        for progress in seen {
            let exact = StochasticTestProblems.objective(
                StochasticTestProblems.flatten(progress.coefficients), p, .squared, Regularization(l2: 0.01))
            #expect(abs(progress.objective - exact) <= 1e-12)
        }
    }

    @Test func runsEveryEpochWithoutAMonitor() throws {
        let p = StochasticTestProblems.make(.regression, rows: 100, features: 3)
        var o = Self.quickOptions(.sgd)
        o.epochs = 40
        o.learningRate = 0.01
        let (_, report) = try StochasticSolver.fit(p, loss: .squared, regularization: Regularization(l2: 0.01), options: o)
        #expect(report.iterations == 40 && report.history.count == 40 && !report.stoppedByMonitor)
        #expect(report.method == "sgd (mini-batch 16, 40 epochs)")
        // 40 epochs with a decaying rate end on a plateau.
        #expect(report.converged)
        #expect(report.history.last! < report.history.first!)
    }

    // MARK: Determinism

    @Test(arguments: StochasticOptimizer.allCases)
    func equalSeedsGiveBitIdenticalRuns(_ optimizer: StochasticOptimizer) throws {
        let p = StochasticTestProblems.make(.multiclass, rows: 120, features: 4)
        let r = Regularization(l2: 0.01, l1: 0.001)
        let o = Self.quickOptions(optimizer)
        let (a, reportA) = try StochasticSolver.fit(p, loss: .softmax(classes: 3), regularization: r, options: o)
        let (b, reportB) = try StochasticSolver.fit(p, loss: .softmax(classes: 3), regularization: r, options: o)
        #expect(a == b)
        #expect(reportA == reportB)

        var other = o
        other.seed = o.seed + 1
        let (c, _) = try StochasticSolver.fit(p, loss: .softmax(classes: 3), regularization: r, options: other)
        #expect(c != a)

        // The visiting order matters: without shuffling the result differs as well, and is also repeatable.
        var ordered = o
        ordered.shuffle = false
        let (d1, _) = try StochasticSolver.fit(p, loss: .softmax(classes: 3), regularization: r, options: ordered)
        let (d2, _) = try StochasticSolver.fit(p, loss: .softmax(classes: 3), regularization: r, options: ordered)
        #expect(d1 == d2 && d1 != a)
    }

    // MARK: Example weights

    /// With one full batch per epoch the update is deterministic, so a row of weight 2 must act
    /// exactly like the same row twice, and a row of weight 0 like a removed row.
    @Test(arguments: StochasticOptimizer.allCases)
    func weightTwoEqualsADuplicatedRow(_ optimizer: StochasticOptimizer) throws {
        let base = StochasticTestProblems.make(.binary, rows: 30, features: 3, seed: 4)
        var weights = [Double](repeating: 1, count: 30)
        weights[7] = 2
        weights[12] = 0
        let weighted = LinearProblem(features: base.features, labels: base.labels, weights: weights)

        var keep = Array(0 ..< 30).filter { $0 != 12 }
        keep.append(7)
        let expanded = LinearProblem(features: base.features.selecting(rows: keep), labels: keep.map { base.labels[$0] })

        var o = Self.quickOptions(optimizer)
        o.miniBatchSize = 100
        o.epochs = 25
        let r = Regularization(l2: 0.05, l1: 0.01)
        let (a, reportA) = try StochasticSolver.fit(weighted, loss: .logistic, regularization: r, options: o)
        let (b, reportB) = try StochasticSolver.fit(expanded, loss: .logistic, regularization: r, options: o)
        let x = StochasticTestProblems.flatten(a), y = StochasticTestProblems.flatten(b)
        for j in x.indices { #expect(abs(x[j] - y[j]) <= 1e-9, "coefficient \(j)") }
        #expect(abs(reportA.objective - reportB.objective) <= 1e-12)
    }

    // MARK: L1

    /// `y = 2x₀ − 1.5x₁ + 0.2·noise` with four pure-noise features: at the L1 optimum (found here
    /// by full-batch proximal gradient descent) the noise weights are 0; every optimizer must
    /// return exactly 0.0 for them and the same objective. The batches are large enough that a
    /// noise feature's batch gradient stays below `l1`, which exact zeros from a proximal
    /// stochastic step need (see `StochasticSolver`).
    @Test(arguments: StochasticOptimizer.allCases)
    func l1GivesExactZeros(_ optimizer: StochasticOptimizer) throws {
        let n = 200, d = 6
        var g = SeededGenerator(seed: 17)
        var x = [Double](repeating: 0, count: n * d)
        for j in x.indices { x[j] = g.nextGaussian() }
        let y = (0 ..< n).map { 2 * x[$0 * d] - 1.5 * x[$0 * d + 1] + 0.2 * g.nextGaussian() }
        let p = LinearProblem(features: DenseMatrix(rows: n, columns: d, storage: x), labels: y)
        let r = Regularization(l2: 0.001, l1: 0.2)

        var ista = [Double](repeating: 0, count: d + 1)
        for _ in 0 ..< 2000 {
            let grad = StochasticTestProblems.gradient(ista, p, .squared, r)
            for j in ista.indices { ista[j] -= 0.3 * grad[j] }
            for j in 0 ..< d { ista[j] = StochasticUpdateRuleTests.softThreshold(ista[j], 0.3 * r.l1) }
        }
        #expect(ista[2 ..< d].allSatisfy { $0 == 0 } && ista[0] != 0 && ista[1] != 0)
        let best = StochasticTestProblems.objective(ista, p, .squared, r)

        var o = StochasticSolverOptions.defaults(for: optimizer)
        o.epochs = 100
        o.miniBatchSize = 50
        o.learningRate = 0.05
        o.schedulerFactor = 0.95
        let (c, report) = try StochasticSolver.fit(p, loss: .squared, regularization: r, options: o)
        let w = c.weights.storage
        #expect(w[2 ..< d].allSatisfy { $0 == 0 }, "\(w)")
        #expect(w[0] > 1 && w[1] < -1)
        #expect((report.objective - best) / best < 1e-3)
    }

    // MARK: Errors

    @Test func invalidOptionsNameTheHyperparameter() {
        let p = StochasticTestProblems.make(.regression, rows: 10, features: 2)
        func message(_ change: (inout StochasticSolverOptions) -> Void) -> String? {
            var o = StochasticSolverOptions.defaults(for: .adam)
            change(&o)
            do {
                _ = try StochasticSolver.fit(p, loss: .squared, regularization: Regularization(), options: o)
                return nil
            } catch let error as OptmlError {
                #expect(error.kind == .user)
                return error.message
            } catch {
                return "\(error)"
            }
        }
        #expect(message { $0.epochs = 0 } == "Invalid hyperparameter value 0 for epochs. Expecting: A positive integer")
        #expect(message { $0.miniBatchSize = -3 } == "Invalid hyperparameter value -3 for mini_batch_size. Expecting: A positive integer")
        #expect(message { $0.learningRate = 0 } == "Invalid hyperparameter value 0.0 for learning_rate. Expecting: A float > 0")
        #expect(message { $0.momentum = 1 } == "Invalid hyperparameter value 1.0 for momentum. Expecting: A float in [0,1)")
        #expect(message { $0.beta1 = -0.1 } == "Invalid hyperparameter value -0.1 for beta_1. Expecting: A float in [0,1)")
        #expect(message { $0.beta2 = 1 } == "Invalid hyperparameter value 1.0 for beta_2. Expecting: A float in [0,1)")
        #expect(message { $0.biasLearningRateMultiplier = 0 } == "Invalid hyperparameter value 0.0 for bias_lr_mult. Expecting: A float > 0")
        #expect(message { $0.schedulerStep = 0 } == "Invalid hyperparameter value 0 for lr_scheduler_step. Expecting: A positive integer")
        #expect(message { $0.schedulerFactor = 1.5 } == "Invalid hyperparameter value 1.5 for lr_scheduler_factor. Expecting: A float in (0,1]")
        #expect(message { $0.schedulerMinimumLearningRate = 0 } == "Invalid hyperparameter value 0.0 for lr_scheduler_minimum_lr. Expecting: A float > 0")
        #expect(message { $0.initialization = .uniform(scale: 0) } == "Invalid hyperparameter value 0.0 for init_scale. Expecting: A float > 0")
        #expect(message { $0.initialization = .normal(sigma: -1) } == "Invalid hyperparameter value -1.0 for init_sigma. Expecting: A float > 0")
        #expect(message { $0.initialBias = .nan } == "Invalid hyperparameter value nan for init_bias. Expecting: A finite float")
        #expect(message { _ in } == nil)
    }

    @Test func invalidDataIsAUserError() {
        let o = Self.quickOptions()
        let p = StochasticTestProblems.make(.multiclass, rows: 10, features: 2)
        var badLabel = p
        badLabel.labels[4] = 3
        #expect(throws: OptmlError.user("Label 3.0 at row 4 is not a class index. Expecting: an integer in 0 ... 2 (num_classes = 3).")) {
            _ = try StochasticSolver.fit(badLabel, loss: .softmax(classes: 3), regularization: Regularization(), options: o)
        }
        var badWeight = p
        badWeight.weights = [Double](repeating: 1, count: 10)
        badWeight.weights![2] = -1
        #expect(throws: OptmlError.user("Example weight -1.0 at row 2 is invalid. Expecting: a finite float ≥ 0.")) {
            _ = try StochasticSolver.fit(badWeight, loss: .softmax(classes: 3), regularization: Regularization(), options: o)
        }
        var zeroWeights = p
        zeroWeights.weights = [Double](repeating: 0, count: 10)
        #expect(throws: OptmlError.user("Every example weight is 0; at least one row must have a positive weight.")) {
            _ = try StochasticSolver.fit(zeroWeights, loss: .softmax(classes: 3), regularization: Regularization(), options: o)
        }
        var missing = p
        missing.features[6, 1] = .nan
        #expect(throws: OptmlError.user(
            "Feature value nan at row 6, column 1 is not finite; the stochastic optimizer needs finite features (impute or drop missing values first)."
        )) {
            _ = try StochasticSolver.fit(missing, loss: .softmax(classes: 3), regularization: Regularization(), options: o)
        }
        var infiniteLabel = StochasticTestProblems.make(.regression, rows: 10, features: 2)
        infiniteLabel.labels[9] = .infinity
        #expect(throws: OptmlError.user("Label inf at row 9 is not finite.")) {
            _ = try StochasticSolver.fit(infiniteLabel, loss: .squared, regularization: Regularization(), options: o)
        }
        let empty = LinearProblem(features: DenseMatrix(rows: 0, columns: 2), labels: [])
        #expect(throws: OptmlError.user("The training data has no rows; the stochastic optimizer needs at least one.")) {
            _ = try StochasticSolver.fit(empty, loss: .squared, regularization: Regularization(), options: o)
        }
    }

    @Test func divergenceIsAnAlgorithmError() {
        var p = StochasticTestProblems.make(.regression, rows: 50, features: 3)
        for j in p.features.storage.indices { p.features.storage[j] *= 1000 }
        var o = Self.quickOptions(.sgd)
        o.learningRate = 10
        do {
            _ = try StochasticSolver.fit(p, loss: .squared, regularization: Regularization(), options: o)
            Issue.record("expected divergence")
        } catch let error as OptmlError {
            #expect(error.kind == .algorithm)
            #expect(error.message.hasPrefix("The sgd optimizer diverged in epoch "))
            #expect(error.message.hasSuffix("Lower learning_rate (currently 10.0)."))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
