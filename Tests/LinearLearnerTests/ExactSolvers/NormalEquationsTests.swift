import Foundation
import LinearLearner
import MLCore
import Testing
import TestSupport

@Suite("Exact solvers: squared loss")
struct NormalEquationsTests {
    /// Solves a small dense system by Gaussian elimination with partial pivoting — an independent
    /// reference for the closed forms.
    static func gaussianSolve(_ a: [[Double]], _ b: [Double]) -> [Double] {
        var m = a
        var v = b
        let n = b.count
        for col in 0 ..< n {
            let pivot = (col ..< n).max { abs(m[$0][col]) < abs(m[$1][col]) }!
            m.swapAt(col, pivot)
            v.swapAt(col, pivot)
            for row in (col + 1) ..< n {
                let f = m[row][col] / m[col][col]
                for j in col ..< n { m[row][j] -= f * m[col][j] }
                v[row] -= f * v[col]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for row in stride(from: n - 1, through: 0, by: -1) {
            var s = v[row]
            for j in (row + 1) ..< n { s -= m[row][j] * x[j] }
            x[row] = s / m[row][row]
        }
        return x
    }

    @Test("noise-free least squares recovers the generating coefficients")
    func exactRecovery() throws {
        let truth = [1.5, -2, 0.25, 4]
        let data = SyntheticData.regression(rows: 50, features: 4, weights: truth, bias: 3, noise: 0, seed: 1)
        let (c, report) = try ExactSolver.fit(
            LinearProblem(features: data.x, labels: data.y, fitIntercept: true), loss: .squared, regularization: Regularization())
        #expect(report.method == "normal-equations")
        for j in 0 ..< 4 { #expect(isClose(c.weights[0, j], truth[j], relative: 1e-10)) }
        #expect(isClose(c.intercepts[0], 3, relative: 1e-10))
        #expect(report.objective < 1e-12)
    }

    @Test("ridge matches the closed form (XᵀSX/S + l2·I_w) θ = XᵀSy/S", arguments: [false, true])
    func ridgeClosedForm(weighted: Bool) throws {
        let data = SyntheticData.regression(rows: 40, features: 3, bias: 1, noise: 0.5, seed: 2)
        var rng = SeededGenerator(seed: 9)
        let s: [Double] = weighted ? (0 ..< 40).map { _ in 0.2 + 2 * rng.nextUnit() } : [Double](repeating: 1, count: 40)
        let l2 = 0.7
        let m = 0.25
        let S = s.reduce(0, +)
        var a = [[Double]](repeating: [Double](repeating: 0, count: 4), count: 4)
        var b = [Double](repeating: 0, count: 4)
        for i in 0 ..< 40 {
            let z = [data.x[i, 0], data.x[i, 1], data.x[i, 2], 1]
            for p in 0 ..< 4 {
                for q in 0 ..< 4 { a[p][q] += s[i] * z[p] * z[q] / S }
                b[p] += s[i] * z[p] * data.y[i] / S
            }
        }
        for p in 0 ..< 3 { a[p][p] += l2 }
        a[3][3] += l2 * m
        let expected = Self.gaussianSolve(a, b)
        let problem = LinearProblem(features: data.x, labels: data.y, weights: weighted ? s : nil, fitIntercept: true)
        let regularization = Regularization(l2: l2, interceptL2Multiplier: m)
        let (c, report) = try ExactSolver.fit(problem, loss: .squared, regularization: regularization)
        for j in 0 ..< 3 { #expect(isClose(c.weights[0, j], expected[j], relative: 1e-10)) }
        #expect(isClose(c.intercepts[0], expected[3], relative: 1e-10))
        let direct = referenceObjective(problem, loss: .squared, regularization: regularization, coefficients: c)
        #expect(isClose(report.objective, direct, relative: 1e-10))
    }

    @Test("weights act as row multiplicities")
    func weightsAsMultiplicities() throws {
        let data = SyntheticData.regression(rows: 30, features: 3, noise: 1, seed: 4)
        let multiplicity = (0 ..< 30).map { Double($0 % 3 + 1) }
        var rows: [[Double]] = []
        var labels: [Double] = []
        for i in 0 ..< 30 {
            for _ in 0 ..< Int(multiplicity[i]) {
                rows.append(Array(data.x.row(i)))
                labels.append(data.y[i])
            }
        }
        let regularization = Regularization(l2: 0.1)
        let (weighted, _) = try ExactSolver.fit(
            LinearProblem(features: data.x, labels: data.y, weights: multiplicity), loss: .squared, regularization: regularization)
        let (replicated, _) = try ExactSolver.fit(
            LinearProblem(features: DenseMatrix(rows), labels: labels), loss: .squared, regularization: regularization)
        for j in 0 ..< 3 { #expect(isClose(weighted.weights[0, j], replicated.weights[0, j], relative: 1e-10)) }
        #expect(isClose(weighted.intercepts[0], replicated.intercepts[0], relative: 1e-10))
    }

    @Test("collinear columns fall back to the minimum-norm least-squares solution")
    func singularFallback() throws {
        // Column 2 duplicates column 0: the minimum-norm solution splits that weight equally.
        let base = SyntheticData.regression(rows: 60, features: 2, weights: [2, -1], bias: 0.5, noise: 0, seed: 6)
        var rows: [[Double]] = []
        for i in 0 ..< 60 { rows.append([base.x[i, 0], base.x[i, 1], base.x[i, 0]]) }
        let (c, report) = try ExactSolver.fit(
            LinearProblem(features: DenseMatrix(rows), labels: base.y), loss: .squared, regularization: Regularization())
        #expect(report.method == "normal-equations+eigen-fallback")
        #expect(isClose(c.weights[0, 0], 1, relative: 1e-8))
        #expect(isClose(c.weights[0, 2], 1, relative: 1e-8))
        #expect(isClose(c.weights[0, 1], -1, relative: 1e-8))
        #expect(isClose(c.intercepts[0], 0.5, relative: 1e-8))
    }

    @Test("more features than rows without ridge gives an interpolating minimum-norm fit")
    func underdetermined() throws {
        let data = SyntheticData.regression(rows: 5, features: 12, noise: 0.3, seed: 8)
        let (c, report) = try ExactSolver.fit(
            LinearProblem(features: data.x, labels: data.y, fitIntercept: false), loss: .squared, regularization: Regularization())
        #expect(report.method == "normal-equations+eigen-fallback")
        let predictions = c.predict(data.x)
        for i in 0 ..< 5 { #expect(isClose(predictions[i, 0], data.y[i], relative: 1e-7, absolute: 1e-7)) }
    }

    @Test("lasso by coordinate descent satisfies the subgradient conditions")
    func lassoOptimality() throws {
        let truth = [3, 0, 0, -2, 0, 0.5]
        let data = SyntheticData.regression(rows: 200, features: 6, weights: truth, bias: 1, noise: 0.5, seed: 10)
        let problem = LinearProblem(features: data.x, labels: data.y)
        let regularization = Regularization(l2: 0.05, l1: 0.1)
        let (c, report) = try ExactSolver.fit(problem, loss: .squared, regularization: regularization, options: ExactSolverOptions(tolerance: 1e-12))
        #expect(report.method == "normal-equations+coordinate-descent")
        try expectL1Optimality(problem, loss: .squared, regularization: regularization, coefficients: c, tolerance: 1e-7)
        #expect(c.weights.storage.contains(0))
    }
}

/// Checks 0 ∈ ∂F: for w_j ≠ 0, ∂f/∂w_j + l1·sign(w_j) = 0; for w_j = 0, |∂f/∂w_j| ≤ l1; intercept
/// gradient 0. `f` is the smooth part, differentiated numerically.
func expectL1Optimality(
    _ problem: LinearProblem, loss: LinearLoss, regularization: Regularization, coefficients c: LinearCoefficients,
    tolerance: Double, sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let smoothPart = Regularization(l2: regularization.l2, interceptL2Multiplier: regularization.interceptL2Multiplier)
    let gradient = finiteDifferenceGradient(problem, loss: loss, regularization: smoothPart, at: c)
    let count = c.weights.storage.count
    for j in 0 ..< count {
        let w = c.weights.storage[j]
        if w == 0 {
            #expect(abs(gradient[j]) <= regularization.l1 + tolerance, "coordinate \(j)", sourceLocation: sourceLocation)
        } else {
            #expect(abs(gradient[j] + regularization.l1 * (w > 0 ? 1 : -1)) <= tolerance, "coordinate \(j)", sourceLocation: sourceLocation)
        }
    }
    for j in count ..< gradient.count {
        #expect(abs(gradient[j]) <= tolerance, "intercept \(j - count)", sourceLocation: sourceLocation)
    }
}
