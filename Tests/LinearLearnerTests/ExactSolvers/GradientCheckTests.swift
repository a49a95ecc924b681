import Foundation
import MLCore
import Testing
import TestSupport
@testable import LinearLearner

/// The fused objective/gradient kernels against central finite differences of the objective
/// computed straight from its definition.
@Suite("Exact solvers: gradients vs finite differences")
struct GradientCheckTests {
    static let smoothLosses: [LinearLoss] = [
        .squared, .logistic, .huber(delta: 0.7), .epsilonInsensitiveSquared(epsilon: 0.2), .softmax(classes: 4),
    ]

    /// A small random problem with labels suited to `loss`, weights, and random coefficients.
    static func randomProblem(_ loss: LinearLoss, seed: UInt64) -> (LinearProblem, LinearCoefficients) {
        var rng = SeededGenerator(seed: seed)
        let n = 37
        let d = 5
        let k = loss.outputs
        var x = DenseMatrix<Double>(rows: n, columns: d)
        for i in 0 ..< x.storage.count { x.storage[i] = rng.nextGaussian() }
        let y: [Double] = (0 ..< n).map { _ in
            switch loss {
            case .logistic, .hinge: return rng.nextUnit() < 0.5 ? 0 : 1
            case .softmax(let classes): return Double(Int(rng.nextUnit() * Double(classes)))
            default: return 2 * rng.nextGaussian()
            }
        }
        let weights = (0 ..< n).map { _ in 0.5 + rng.nextUnit() }
        var c = LinearCoefficients.zeros(outputs: k, features: d)
        for i in 0 ..< c.weights.storage.count { c.weights.storage[i] = 0.5 * rng.nextGaussian() }
        for i in 0 ..< k { c.intercepts[i] = 0.3 * rng.nextGaussian() }
        return (LinearProblem(features: x, labels: y, weights: weights, fitIntercept: true), c)
    }

    @Test("fused objective and gradient match the definition", arguments: smoothLosses)
    func objectiveAndGradient(loss: LinearLoss) throws {
        let (problem, c) = Self.randomProblem(loss, seed: 11)
        let regularization = Regularization(l2: 0.3, interceptL2Multiplier: 0.5)
        let smooth: SmoothObjective.Loss
        switch loss {
        case .squared: smooth = .squared
        case .logistic: smooth = .logistic
        case .huber(let delta): smooth = .huber(delta)
        case .epsilonInsensitiveSquared(let eps): smooth = .epsilonInsensitiveSquared(eps)
        case .softmax(let k): smooth = .softmax(k)
        default: Issue.record("not smooth"); return
        }
        let theta = c.weights.storage + c.intercepts
        var gradient = [Double](repeating: 0, count: theta.count)
        let value = problem.features.storage.withUnsafeBufferPointer { x in
            problem.labels.withUnsafeBufferPointer { y in
                problem.weights!.withUnsafeBufferPointer { s in
                    let objective = SmoothObjective(
                        x: x.baseAddress!, labels: y.baseAddress!, weights: s.baseAddress!, rows: problem.features.rows,
                        features: problem.features.columns, intercept: true, loss: smooth, regularization: regularization,
                        totalWeight: problem.totalWeight, threads: 2)
                    return gradient.withUnsafeMutableBufferPointer { g in objective.evaluate(theta, gradient: g.baseAddress!) }
                }
            }
        }
        let expected = referenceObjective(problem, loss: loss, regularization: regularization, coefficients: c)
        #expect(isClose(value, expected, relative: 1e-12))
        let numeric = finiteDifferenceGradient(problem, loss: loss, regularization: regularization, at: c)
        for (analytic, fd) in zip(gradient, numeric) {
            #expect(isClose(analytic, fd, relative: 1e-6, absolute: 1e-7), "analytic \(analytic) vs finite difference \(fd)")
        }
    }

    @Test("per-example loss derivatives match finite differences away from kinks")
    func lossDerivatives() {
        let losses: [LinearLoss] = [
            .squared, .absolute, .huber(delta: 1), .epsilonInsensitiveSquared(epsilon: 0.3),
            .epsilonInsensitiveAbsolute(epsilon: 0.3), .quantile(tau: 0.2), .logistic, .hinge(margin: 1),
        ]
        var rng = SeededGenerator(seed: 5)
        for loss in losses {
            for _ in 0 ..< 50 {
                let y: Double = loss == .logistic || loss == .hinge(margin: 1) ? (rng.nextUnit() < 0.5 ? 0 : 1) : rng.nextGaussian()
                let p = 3 * rng.nextGaussian()
                let h = 1e-6
                let fd = (loss.value(prediction: p + h, label: y) - loss.value(prediction: p - h, label: y)) / (2 * h)
                let analytic = loss.derivative(prediction: p, label: y)
                // Skip points within the step of a kink, where the difference quotient straddles it.
                let fdLeft = (loss.value(prediction: p, label: y) - loss.value(prediction: p - h, label: y)) / h
                let fdRight = (loss.value(prediction: p + h, label: y) - loss.value(prediction: p, label: y)) / h
                guard abs(fdLeft - fdRight) < 1e-4 else { continue }
                #expect(isClose(analytic, fd, relative: 1e-6, absolute: 1e-6), "\(loss) at p=\(p), y=\(y)")
            }
        }
    }

    @Test("the curvature output is the second derivative of each row's loss")
    func curvature() {
        let (problem, c) = Self.randomProblem(.logistic, seed: 3)
        let theta = c.weights.storage + c.intercepts
        var gradient = [Double](repeating: 0, count: theta.count)
        var curvature = [Double](repeating: 0, count: problem.features.rows)
        problem.features.storage.withUnsafeBufferPointer { x in
            problem.labels.withUnsafeBufferPointer { y in
                problem.weights!.withUnsafeBufferPointer { s in
                    let objective = SmoothObjective(
                        x: x.baseAddress!, labels: y.baseAddress!, weights: s.baseAddress!, rows: problem.features.rows,
                        features: problem.features.columns, intercept: true, loss: .logistic, regularization: Regularization(),
                        totalWeight: problem.totalWeight, threads: 1)
                    gradient.withUnsafeMutableBufferPointer { g in
                        curvature.withUnsafeMutableBufferPointer { h in
                            _ = objective.evaluate(theta, gradient: g.baseAddress!, curvature: h.baseAddress!)
                        }
                    }
                }
            }
        }
        let scores = c.predict(problem.features)
        for i in 0 ..< problem.features.rows {
            let expected = problem.weights![i] * LinearLoss.logistic.secondDerivative(prediction: scores[i, 0], label: problem.labels[i])
            #expect(isClose(curvature[i], expected, relative: 1e-12))
        }
    }
}
