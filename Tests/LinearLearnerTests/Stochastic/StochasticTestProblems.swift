import Foundation
import LinearLearner
import MLCore

/// Seeded synthetic problems and independent references for the stochastic-solver tests.
///
/// The references share nothing with the solver but `LinearLoss.value` / `derivative` for the
/// single-output losses: the objective, the softmax, the closed-form ridge solution and the
/// full-batch descents are written out here.
enum StochasticTestProblems {
    enum Kind { case regression, binary, multiclass }

    /// `n × d` standard normal features and labels from a random linear model:
    /// regression `z + 0.5·noise`, binary `Bernoulli(sigmoid(3z))`, multiclass the argmax of
    /// three noisy scores (`z`, `−z`, 0).
    static func make(_ kind: Kind, rows n: Int, features d: Int, seed: UInt64 = 11) -> LinearProblem {
        var g = SeededGenerator(seed: seed)
        var x = [Double](repeating: 0, count: n * d)
        for j in x.indices { x[j] = g.nextGaussian() }
        var beta = [Double](repeating: 0, count: d)
        for j in beta.indices { beta[j] = g.nextGaussian() }
        var y = [Double](repeating: 0, count: n)
        for i in 0 ..< n {
            var z = 0.3
            for j in 0 ..< d { z += x[i * d + j] * beta[j] / Double(d).squareRoot() }
            switch kind {
            case .regression:
                y[i] = z + 0.5 * g.nextGaussian()
            case .binary:
                y[i] = g.nextUnit() < 1 / (1 + exp(-3 * z)) ? 1 : 0
            case .multiclass:
                let a = z + g.nextGaussian(), b = -z + g.nextGaussian(), c = g.nextGaussian()
                y[i] = a > b ? (a > c ? 0 : 2) : (b > c ? 1 : 2)
            }
        }
        return LinearProblem(features: DenseMatrix(rows: n, columns: d, storage: x), labels: y)
    }

    /// `[W row-major, b]` of `coefficients`.
    static func flatten(_ c: LinearCoefficients) -> [Double] { c.weights.storage + c.intercepts }

    /// `F(W, b)` of `Regularization`'s doc comment, written independently of the solver.
    static func objective(_ theta: [Double], _ p: LinearProblem, _ loss: LinearLoss, _ r: Regularization) -> Double {
        let d = p.featureCount, k = loss.outputs, n = p.exampleCount
        var total = 0.0, totalWeight = 0.0
        var z = [Double](repeating: 0, count: k)
        for i in 0 ..< n {
            let s = p.weights?[i] ?? 1
            totalWeight += s
            for c in 0 ..< k {
                var v = theta[k * d + c]
                for j in 0 ..< d { v += p.features[i, j] * theta[c * d + j] }
                z[c] = v
            }
            if case .softmax = loss {
                let m = z.max()!
                let lse = m + log(z.reduce(0) { $0 + exp($1 - m) })
                total += s * (lse - z[Int(p.labels[i])])
            } else {
                total += s * loss.value(prediction: z[0], label: p.labels[i])
            }
        }
        var squares = 0.0, absolutes = 0.0, interceptSquares = 0.0
        for j in 0 ..< k * d {
            squares += theta[j] * theta[j]
            absolutes += abs(theta[j])
        }
        for c in 0 ..< k { interceptSquares += theta[k * d + c] * theta[k * d + c] }
        return total / totalWeight + 0.5 * r.l2 * (squares + r.interceptL2Multiplier * interceptSquares) + r.l1 * absolutes
    }

    /// A (sub)gradient of `objective` without the L1 term; intercept entries follow `fitIntercept`.
    static func gradient(_ theta: [Double], _ p: LinearProblem, _ loss: LinearLoss, _ r: Regularization) -> [Double] {
        let d = p.featureCount, k = loss.outputs, n = p.exampleCount
        var g = [Double](repeating: 0, count: theta.count)
        var z = [Double](repeating: 0, count: k)
        var totalWeight = 0.0
        for i in 0 ..< n {
            let s = p.weights?[i] ?? 1
            totalWeight += s
            for c in 0 ..< k {
                var v = theta[k * d + c]
                for j in 0 ..< d { v += p.features[i, j] * theta[c * d + j] }
                z[c] = v
            }
            for c in 0 ..< k {
                let dz: Double
                if case .softmax = loss {
                    let m = z.max()!
                    let sum = z.reduce(0) { $0 + exp($1 - m) }
                    dz = exp(z[c] - m) / sum - (c == Int(p.labels[i]) ? 1 : 0)
                } else {
                    dz = loss.derivative(prediction: z[0], label: p.labels[i])
                }
                for j in 0 ..< d { g[c * d + j] += s * dz * p.features[i, j] }
                g[k * d + c] += s * dz
            }
        }
        for j in g.indices { g[j] /= totalWeight }
        for j in 0 ..< k * d { g[j] += r.l2 * theta[j] }
        for c in 0 ..< k {
            g[k * d + c] = p.fitIntercept ? g[k * d + c] + r.l2 * r.interceptL2Multiplier * theta[k * d + c] : 0
        }
        return g
    }

    /// Ridge least squares in closed form: the normal equations of `½(Xw + b − y)²/n + (l2/2)‖w‖²`
    /// with an unpenalized intercept, solved by Gaussian elimination with partial pivoting.
    static func ridge(_ p: LinearProblem, l2: Double) -> [Double] {
        let d = p.featureCount, n = p.exampleCount, m = d + 1
        var a = [Double](repeating: 0, count: m * m)
        var rhs = [Double](repeating: 0, count: m)
        for i in 0 ..< n {
            var row = (0 ..< d).map { p.features[i, $0] }
            row.append(1)
            for u in 0 ..< m {
                rhs[u] += row[u] * p.labels[i] / Double(n)
                for v in 0 ..< m { a[u * m + v] += row[u] * row[v] / Double(n) }
            }
        }
        for j in 0 ..< d { a[j * m + j] += l2 }
        for col in 0 ..< m {
            let pivot = (col ..< m).max { abs(a[$0 * m + col]) < abs(a[$1 * m + col]) }!
            for v in 0 ..< m { a.swapAt(col * m + v, pivot * m + v) }
            rhs.swapAt(col, pivot)
            for r in col + 1 ..< m {
                let f = a[r * m + col] / a[col * m + col]
                for v in col ..< m { a[r * m + v] -= f * a[col * m + v] }
                rhs[r] -= f * rhs[col]
            }
        }
        var x = [Double](repeating: 0, count: m)
        for r in stride(from: m - 1, through: 0, by: -1) {
            var v = rhs[r]
            for c in r + 1 ..< m { v -= a[r * m + c] * x[c] }
            x[r] = v / a[r * m + r]
        }
        return x
    }

    /// The smallest objective met by full-batch descent from 0: gradient steps `step` for smooth
    /// losses, subgradient steps `step/√t` otherwise, `iterations` of them.
    static func descentMinimum(
        _ p: LinearProblem, _ loss: LinearLoss, _ r: Regularization, step: Double, iterations: Int
    ) -> Double {
        var theta = [Double](repeating: 0, count: loss.outputs * (p.featureCount + 1))
        var best = objective(theta, p, loss, r)
        for t in 1 ... iterations {
            let g = gradient(theta, p, loss, r)
            let eta = loss.isSmooth ? step : step / Double(t).squareRoot()
            for j in theta.indices { theta[j] -= eta * g[j] }
            best = min(best, objective(theta, p, loss, r))
        }
        return best
    }
}
