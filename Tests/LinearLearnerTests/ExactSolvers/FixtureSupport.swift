import Foundation
import LinearLearner
import MLCore

/// A reference problem and solution from `make_fixtures.py` (scikit-learn / SciPy).
struct SolverFixture: Decodable {
    var x: [[Double]]
    var y: [Double]
    var weights: [Double]?
    var l2: Double
    var l1: Double
    var loss: String
    var classes: Int?
    var tau: Double?
    var epsilon: Double?
    var margin: Double?
    var reference: String
    var coefficients: [[Double]]
    var intercepts: [Double]
    var objective: Double

    /// Loads `Fixtures/<name>.json` next to this file (the test target declares no resources).
    static func load(_ name: String) throws -> SolverFixture {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/\(name).json")
        return try JSONDecoder().decode(SolverFixture.self, from: Data(contentsOf: url))
    }

    var linearLoss: LinearLoss {
        switch loss {
        case "logistic": return .logistic
        case "softmax": return .softmax(classes: classes!)
        case "quantile": return .quantile(tau: tau!)
        case "absolute": return .absolute
        case "epsilon_absolute": return .epsilonInsensitiveAbsolute(epsilon: epsilon!)
        case "hinge": return .hinge(margin: margin!)
        default: fatalError("unknown fixture loss \(loss)")
        }
    }

    var problem: LinearProblem {
        LinearProblem(features: DenseMatrix(x), labels: y, weights: weights, fitIntercept: true)
    }

    var regularization: Regularization { Regularization(l2: l2, l1: l1) }
}

/// The objective F computed directly from its definition, independent of the solvers' kernels.
func referenceObjective(
    _ problem: LinearProblem, loss: LinearLoss, regularization: Regularization, coefficients c: LinearCoefficients
) -> Double {
    let n = problem.features.rows
    let d = problem.features.columns
    var total = 0.0
    var weightSum = 0.0
    for i in 0 ..< n {
        let s = problem.weights?[i] ?? 1
        weightSum += s
        var scores = [Double](repeating: 0, count: c.outputs)
        for k in 0 ..< c.outputs {
            var p = c.intercepts[k]
            for j in 0 ..< d { p += problem.features[i, j] * c.weights[k, j] }
            scores[k] = p
        }
        if case .softmax = loss {
            let m = scores.max()!
            let lse = m + log(scores.reduce(0) { $0 + exp($1 - m) })
            total += s * (lse - scores[Int(problem.labels[i])])
        } else {
            total += s * loss.value(prediction: scores[0], label: problem.labels[i])
        }
    }
    return total / weightSum + regularization.penalty(c)
}

/// Central finite-difference gradient of `referenceObjective` over [W row-major, b].
func finiteDifferenceGradient(
    _ problem: LinearProblem, loss: LinearLoss, regularization: Regularization, at c: LinearCoefficients, step: Double = 1e-6
) -> [Double] {
    let k = c.outputs
    let d = c.featureCount
    var gradient: [Double] = []
    for index in 0 ..< (k * d + k) {
        var plus = c
        var minus = c
        if index < k * d {
            plus.weights.storage[index] += step
            minus.weights.storage[index] -= step
        } else {
            plus.intercepts[index - k * d] += step
            minus.intercepts[index - k * d] -= step
        }
        let fp = referenceObjective(problem, loss: loss, regularization: regularization, coefficients: plus)
        let fm = referenceObjective(problem, loss: loss, regularization: regularization, coefficients: minus)
        gradient.append((fp - fm) / (2 * step))
    }
    return gradient
}
