import Foundation
import LinearLearner
import MLCore
import Testing
import TestSupport

@Suite("Exact solvers: smooth losses")
struct SmoothSolverTests {
    static let tight = ExactSolverOptions(tolerance: 1e-12)

    @Test("logistic matches scikit-learn LogisticRegression (C = 1/(l2·S))",
          arguments: [("logistic", 1000), ("logistic", 0), ("logistic_weighted", 1000), ("logistic_weighted", 0)])
    func logisticVersusScikitLearn(fixture name: String, newtonMaxFeatures: Int) throws {
        let fixture = try SolverFixture.load(name)
        var options = Self.tight
        options.newtonMaxFeatures = newtonMaxFeatures
        let (c, report) = try ExactSolver.fit(fixture.problem, loss: .logistic, regularization: fixture.regularization, options: options)
        #expect(report.method == (newtonMaxFeatures > 0 ? "newton" : "lbfgs"))
        #expect(report.converged)
        for j in 0 ..< fixture.coefficients[0].count {
            #expect(isClose(c.weights[0, j], fixture.coefficients[0][j], relative: 1e-6, absolute: 1e-8))
        }
        #expect(isClose(c.intercepts[0], fixture.intercepts[0], relative: 1e-6, absolute: 1e-8))
        #expect(isClose(report.objective, fixture.objective, relative: 1e-10))
    }

    @Test("softmax matches scikit-learn's multinomial LogisticRegression")
    func softmaxVersusScikitLearn() throws {
        let fixture = try SolverFixture.load("softmax")
        let (c, report) = try ExactSolver.fit(fixture.problem, loss: fixture.linearLoss, regularization: fixture.regularization, options: Self.tight)
        #expect(report.method == "lbfgs")
        #expect(report.converged)
        #expect(c.outputs == 3)
        for k in 0 ..< 3 {
            for j in 0 ..< 4 { #expect(isClose(c.weights[k, j], fixture.coefficients[k][j], relative: 1e-6, absolute: 1e-8)) }
            #expect(isClose(c.intercepts[k], fixture.intercepts[k], relative: 1e-6, absolute: 1e-8))
        }
        #expect(isClose(report.objective, fixture.objective, relative: 1e-10))
    }

    @Test("unregularized softmax converges with the full k outputs")
    func softmaxWithoutRidge() throws {
        let fixture = try SolverFixture.load("softmax")
        let problem = fixture.problem
        let (c, report) = try ExactSolver.fit(problem, loss: fixture.linearLoss, regularization: Regularization(), options: ExactSolverOptions(tolerance: 1e-9))
        #expect(report.converged)
        let gradient = finiteDifferenceGradient(problem, loss: fixture.linearLoss, regularization: Regularization(), at: c)
        #expect(gradient.allSatisfy { abs($0) < 1e-6 })
    }

    @Test("the solution is a stationary point", arguments: [
        LinearLoss.huber(delta: 0.5), .epsilonInsensitiveSquared(epsilon: 0.3), .logistic, .softmax(classes: 3),
    ])
    func stationarity(loss: LinearLoss) throws {
        let (problem, _) = GradientCheckTests.randomProblem(loss, seed: 21)
        let regularization = Regularization(l2: 0.01, interceptL2Multiplier: 0.1)
        for newton in [0, 1000] {
            var options = Self.tight
            options.newtonMaxFeatures = newton
            let (c, report) = try ExactSolver.fit(problem, loss: loss, regularization: regularization, options: options)
            #expect(report.converged, "\(report.method)")
            let gradient = finiteDifferenceGradient(problem, loss: loss, regularization: regularization, at: c)
            #expect(gradient.allSatisfy { abs($0) < 1e-7 }, "\(report.method): \(gradient)")
        }
    }

    @Test("OWL-QN satisfies the L1 subgradient conditions", arguments: [LinearLoss.logistic, .softmax(classes: 3), .huber(delta: 1)])
    func orthantWise(loss: LinearLoss) throws {
        let (problem, _) = GradientCheckTests.randomProblem(loss, seed: 31)
        let regularization = Regularization(l2: 0.01, l1: 0.03)
        let (c, report) = try ExactSolver.fit(problem, loss: loss, regularization: regularization, options: Self.tight)
        #expect(report.method == "owlqn")
        try expectL1Optimality(problem, loss: loss, regularization: regularization, coefficients: c, tolerance: 1e-6)
        #expect(c.weights.storage.contains(0))
    }

    @Test("Newton and L-BFGS agree on a larger logistic problem split among workers")
    func newtonAgreesWithLBFGS() throws {
        let data = SyntheticData.binary(rows: 50_000, features: 8, seed: 12)
        let problem = LinearProblem(features: data.x, labels: data.y)
        let regularization = Regularization(l2: 1e-4)
        var lbfgs = ExactSolverOptions(tolerance: 1e-10, threads: 2)
        lbfgs.newtonMaxFeatures = 0
        let (a, ra) = try ExactSolver.fit(problem, loss: .logistic, regularization: regularization, options: lbfgs)
        let (b, rb) = try ExactSolver.fit(problem, loss: .logistic, regularization: regularization, options: ExactSolverOptions(tolerance: 1e-10, threads: 1))
        #expect(ra.method == "lbfgs" && rb.method == "newton")
        #expect(rb.iterations < ra.iterations)
        for j in 0 ..< 8 { #expect(isClose(a.weights[0, j], b.weights[0, j], relative: 1e-6)) }
        #expect(isClose(ra.objective, rb.objective, relative: 1e-12))
    }

    @Test("a warm start on a row sample reaches the same optimum in fewer full-data iterations")
    func warmStartReachesTheSameOptimum() throws {
        // 120k rows: the stride-8 sample has 15k rows, enough for the warm start to run.
        let data = SyntheticData.binary(rows: 120_000, features: 6, seed: 31)
        let weights = (0 ..< 120_000).map { 0.5 + Double($0 % 3) }
        for problem in [LinearProblem(features: data.x, labels: data.y), LinearProblem(features: data.x, labels: data.y, weights: weights)] {
            let regularization = Regularization(l2: 1e-5)
            let cold = ExactSolverOptions(tolerance: 1e-9, threads: 2, warmStartStride: 1)
            let warm = ExactSolverOptions(tolerance: 1e-9, threads: 2)
            let (a, ra) = try ExactSolver.fit(problem, loss: .logistic, regularization: regularization, options: cold)
            let (b, rb) = try ExactSolver.fit(problem, loss: .logistic, regularization: regularization, options: warm)
            #expect(ra.method == "newton" && rb.method == "newton")
            #expect(rb.iterations < ra.iterations, "warm \(rb.iterations) vs cold \(ra.iterations) Newton iterations")
            for j in 0 ..< 6 { #expect(isClose(a.weights[0, j], b.weights[0, j], relative: 1e-6)) }
            #expect(isClose(a.intercepts[0], b.intercepts[0], relative: 1e-6))
            #expect(isClose(ra.objective, rb.objective, relative: 1e-12))
        }
        // Softmax goes through L-BFGS; the warm-started run ends at the same optimum.
        let regression = SyntheticData.regression(rows: 100_000, features: 5, noise: 1, seed: 5)
        let classes = regression.y.map { $0 < -0.5 ? 0.0 : ($0 < 0.5 ? 1.0 : 2.0) }
        let problem = LinearProblem(features: regression.x, labels: classes)
        let (c, rc) = try ExactSolver.fit(problem, loss: .softmax(classes: 3), regularization: Regularization(l2: 1e-4),
                                          options: ExactSolverOptions(tolerance: 1e-9, threads: 2, warmStartStride: 1))
        let (w, rw) = try ExactSolver.fit(problem, loss: .softmax(classes: 3), regularization: Regularization(l2: 1e-4),
                                          options: ExactSolverOptions(tolerance: 1e-9, threads: 2))
        #expect(isClose(rc.objective, rw.objective, relative: 1e-9))
        for j in 0 ..< 5 { #expect(abs(c.weights[0, j] - w.weights[0, j]) < 1e-4) }
    }

    @Test("the monitor sees every iteration and can stop the solver")
    func monitorStops() throws {
        let fixture = try SolverFixture.load("softmax")
        nonisolated(unsafe) var seen: [Int] = []
        let (_, report) = try ExactSolver.fit(fixture.problem, loss: fixture.linearLoss, regularization: fixture.regularization,
                                              options: Self.tight) { progress in
            seen.append(progress.iteration)
            return progress.iteration < 3
        }
        #expect(seen == [1, 2, 3])
        #expect(report.stoppedByMonitor)
        #expect(!report.converged)
        #expect(report.iterations == 3)
        #expect(report.history.count == 3)
        #expect(zip(report.history, report.history.dropFirst()).allSatisfy { $0 >= $1 })
    }

    @Test("invalid inputs are user errors")
    func invalidInputs() {
        let x = DenseMatrix<Double>([[1, 2], [3, 4]])
        #expect(throws: OptmlError.user("example 1 has label 3.0; softmax with 3 classes needs integer labels 0 … 2")) {
            try ExactSolver.fit(LinearProblem(features: x, labels: [0, 3]), loss: .softmax(classes: 3), regularization: Regularization())
        }
        #expect(throws: OptmlError.user("all 2 example weights are zero; at least one example needs a positive weight")) {
            try ExactSolver.fit(LinearProblem(features: x, labels: [0, 1], weights: [0, 0]), loss: .logistic, regularization: Regularization())
        }
        #expect(throws: OptmlError.user("example 0 has weight -1.0; weights must be finite and non-negative")) {
            try ExactSolver.fit(LinearProblem(features: x, labels: [0, 1], weights: [-1, 1]), loss: .squared, regularization: Regularization())
        }
    }

    @Test("non-finite features are reported as an algorithm error")
    func nonFiniteFeatures() {
        let x = DenseMatrix<Double>([[1, .nan], [3, 4], [0, 1]])
        for loss in [LinearLoss.squared, .logistic] {
            #expect {
                try ExactSolver.fit(LinearProblem(features: x, labels: [0, 1, 1]), loss: loss, regularization: Regularization())
            } throws: { error in
                (error as? OptmlError)?.kind == .algorithm
            }
        }
    }
}
