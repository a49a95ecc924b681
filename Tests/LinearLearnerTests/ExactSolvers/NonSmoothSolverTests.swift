import Foundation
import LinearLearner
import MLCore
import Testing
import TestSupport

/// IRLS against linear-programming and SVM references: the objective must reach the reference
/// optimum to a relative 1e-7 (the solutions themselves need not be unique).
@Suite("Exact solvers: piecewise-linear losses")
struct NonSmoothSolverTests {
    @Test("IRLS reaches the reference optimum", arguments: [
        "quantile", "quantile_l1", "absolute", "epsilon_absolute", "hinge_lp", "hinge_svc",
    ])
    func reachesReferenceOptimum(fixture name: String) throws {
        let fixture = try SolverFixture.load(name)
        let problem = fixture.problem
        let regularization = fixture.regularization
        let (c, report) = try ExactSolver.fit(problem, loss: fixture.linearLoss, regularization: regularization,
                                              options: ExactSolverOptions(tolerance: 1e-10))
        #expect(report.method == (fixture.l1 > 0 ? "irls+coordinate-descent" : "irls"))
        let ours = referenceObjective(problem, loss: fixture.linearLoss, regularization: regularization, coefficients: c)
        #expect(isClose(ours, report.objective, relative: 1e-12))
        // The reference objective, recomputed here from its coefficients with our definition.
        let reference = referenceObjective(
            problem, loss: fixture.linearLoss, regularization: regularization,
            coefficients: LinearCoefficients(weights: DenseMatrix(fixture.coefficients), intercepts: fixture.intercepts))
        #expect(isClose(reference, fixture.objective, relative: 1e-9), "fixture objective is consistent")
        #expect(ours <= reference * (1 + 1e-7), "\(fixture.reference): reference \(reference), ours \(ours) after \(report.iterations) iterations")
        #expect(ours >= reference * (1 - 1e-7), "below the optimum: the reference is not optimal")
    }

    @Test("weighted quantile regression equals replicated rows")
    func weightedQuantile() throws {
        let data = SyntheticData.regression(rows: 40, features: 2, noise: 1, seed: 14)
        let multiplicity = (0 ..< 40).map { Double($0 % 2 + 1) }
        var rows: [[Double]] = []
        var labels: [Double] = []
        for i in 0 ..< 40 {
            for _ in 0 ..< Int(multiplicity[i]) {
                rows.append(Array(data.x.row(i)))
                labels.append(data.y[i])
            }
        }
        let options = ExactSolverOptions(tolerance: 1e-10)
        let loss = LinearLoss.quantile(tau: 0.8)
        let (_, weighted) = try ExactSolver.fit(LinearProblem(features: data.x, labels: data.y, weights: multiplicity),
                                                loss: loss, regularization: Regularization(l2: 0.01), options: options)
        let (_, replicated) = try ExactSolver.fit(LinearProblem(features: DenseMatrix(rows), labels: labels),
                                                  loss: loss, regularization: Regularization(l2: 0.01), options: options)
        #expect(isClose(weighted.objective, replicated.objective, relative: 1e-7))
    }
}
