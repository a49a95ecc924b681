import Foundation
import MLCore

/// Gradients, hessians, label checks, the starting margin and the margin → prediction transform
/// of every objective, with XGBoost's formulas.
///
/// The tree learner only ever sees the (gradient, hessian) pairs written by `gradients`; the loss
/// itself appears in `loss`, which exists for tests (finite differences) and documentation.
enum ObjectiveFunctions {
    /// Smallest hessian of the logistic and softmax losses (XGBoost's `kEps`).
    static let hessianFloor: Float = 1e-16

    // MARK: Labels

    /// Checks that every label is valid for the objective.
    ///
    /// - Throws: `OptmlError.user` naming the set, the first bad row and the valid label range.
    static func checkLabels(_ labels: [Float], objective: Objective, dataName: String) throws {
        let name = objective.kind.rawValue
        func fail(_ row: Int, _ rule: String) -> OptmlError {
            OptmlError.user("The \(dataName) data has label \(labels[row]) in row \(row + 1); objective '\(name)' needs \(rule).")
        }
        switch objective.kind {
        case .logistic, .binaryLogistic, .binaryLogitRaw, .binaryHinge:
            if let i = labels.firstIndex(where: { $0 < 0 || $0 > 1 }) {
                throw fail(i, "labels in [0, 1] (label must be in [0,1] for logistic regression)")
            }
        case .countPoisson:
            if let i = labels.firstIndex(where: { $0 < 0 }) { throw fail(i, "non-negative labels (PoissonRegression: label must be nonnegative)") }
        case .tweedie:
            if let i = labels.firstIndex(where: { $0 < 0 }) { throw fail(i, "non-negative labels (TweedieRegression: label must be nonnegative)") }
        case .gamma:
            if let i = labels.firstIndex(where: { $0 <= 0 }) { throw fail(i, "positive labels (GammaRegression: label must be positive)") }
        case .squaredLogError:
            if let i = labels.firstIndex(where: { $0 <= -1 }) { throw fail(i, "labels greater than -1 so that log(label + 1) is defined") }
        case .multiSoftmax, .multiSoftprob:
            let k = Float(objective.classCount)
            if let i = labels.firstIndex(where: { $0 < 0 || $0 >= k || $0 != $0.rounded() }) {
                throw fail(i, "whole-number class labels in [0, \(objective.classCount)) (label must be in [0, num_class))")
            }
        case .squaredError, .pseudoHuberError, .absoluteError, .quantileError:
            break
        }
    }

    // MARK: Starting point

    /// `base_score` estimated from the labels as XGBoost ≥ 2 does (see `BoostingParameters.baseScore`).
    static func estimateBaseScore(objective: Objective, labels: [Float], weights: [Float]?) -> Double {
        let logistic = objective.kind == .logistic || objective.kind == .binaryLogistic || objective.kind == .binaryLogitRaw
        if logistic && objective.scalePositiveWeight != 1 {
            // With scale_pos_weight XGBoost takes one Newton step from a zero margin instead of
            // the label mean, and reports its sigmoid.
            let step = newtonStepFromZero(objective: objective, labels: labels, weights: weights)
            return min(max(1 / (1 + exp(-step)), 1e-6), 1 - 1e-6)
        }
        switch objective.kind {
        case .squaredError, .logistic, .binaryLogistic, .binaryLogitRaw, .countPoisson, .gamma, .tweedie:
            var sum = 0.0, total = 0.0
            for i in labels.indices {
                let w = Double(weights?[i] ?? 1)
                sum += w * Double(labels[i]); total += w
            }
            let mean = total > 0 ? sum / total : 0
            switch objective.kind {
            case .logistic, .binaryLogistic, .binaryLogitRaw: return min(max(mean, 1e-6), 1 - 1e-6)
            case .countPoisson, .gamma, .tweedie: return max(mean, 1e-6)
            default: return mean
            }
        case .absoluteError:
            return weightedQuantile(labels.map(Double.init), weights: weights, alpha: 0.5)
        case .quantileError:
            return weightedQuantile(labels.map(Double.init), weights: weights, alpha: objective.quantileAlpha)
        case .pseudoHuberError, .squaredLogError:
            return newtonStepFromZero(objective: objective, labels: labels, weights: weights)
        case .binaryHinge:
            // XGBoost stores the intercept in output space, and hinge's output is 0/1: one
            // Newton step from 0, then 1 if it is positive, else 0.
            return newtonStepFromZero(objective: objective, labels: labels, weights: weights) > 0 ? 1 : 0
        case .multiSoftmax, .multiSoftprob:
            return 0.5
        }
    }

    /// −Σg / Σh at margin 0: the margin one Newton step from zero reaches.
    private static func newtonStepFromZero(objective: Objective, labels: [Float], weights: [Float]?) -> Double {
        let n = labels.count
        let margins = [Float](repeating: 0, count: n)
        var pairs = [Float](repeating: 0, count: 2 * n)
        margins.withUnsafeBufferPointer { m in
            pairs.withUnsafeMutableBufferPointer { p in
                gradients(objective: objective, margins: m, labels: labels, weights: weights, into: p)
            }
        }
        var g = 0.0, h = 0.0
        for i in 0..<n { g += Double(pairs[2 * i]); h += Double(pairs[2 * i + 1]) }
        return h > 0 ? -g / h : 0
    }

    /// The margin a `base_score` stands for: the logit for `binary:logistic` and `reg:logistic`,
    /// the log for the log-link objectives (Poisson, gamma, Tweedie), the value itself otherwise
    /// (also for `binary:logitraw`, as XGBoost does).
    ///
    /// - Throws: `OptmlError.user` when the score is outside the link's domain.
    static func baseMargin(objective: Objective, baseScore: Double) throws -> Float {
        switch objective.kind {
        case .logistic, .binaryLogistic:
            guard baseScore > 0 && baseScore < 1 else {
                throw OptmlError.user("Hyperparameter base_score: \(baseScore) is not in (0, 1); objective '\(objective.kind.rawValue)' needs a probability (base_score must be in (0,1) for logistic loss).")
            }
            return Float(log(baseScore / (1 - baseScore)))
        case .countPoisson, .gamma, .tweedie:
            guard baseScore > 0 else {
                throw OptmlError.user("Hyperparameter base_score: \(baseScore) is not in (0, +inf); objective '\(objective.kind.rawValue)' takes the log of it.")
            }
            return Float(log(baseScore))
        default:
            return Float(baseScore)
        }
    }

    // MARK: Gradients

    /// Writes `(gradient, hessian)` of every row (and class) into `out`.
    ///
    /// - Parameters:
    ///   - margins: row-major `rows × outputGroups` margins.
    ///   - out: for group `k`, row `i`: gradient at `2 * (k * rows + i)`, hessian right after it.
    ///   - threads: rows are split into this many contiguous blocks computed concurrently.
    static func gradients(objective: Objective, margins: UnsafeBufferPointer<Float>, labels: [Float], weights: [Float]?,
                          into out: UnsafeMutableBufferPointer<Float>, threads: Int = 1) {
        let n = labels.count
        let blocks = n >= 65_536 ? max(1, threads) : 1
        labels.withUnsafeBufferPointer { y in
            if let weights {
                weights.withUnsafeBufferPointer { w in
                    ParallelRunner.forEach(count: blocks, threads: blocks) { b in
                        fill(objective: objective, n: n, rows: (n * b / blocks)..<(n * (b + 1) / blocks), margins: margins, y: y,
                             w: w.baseAddress, out: out)
                    }
                }
            } else {
                ParallelRunner.forEach(count: blocks, threads: blocks) { b in
                    fill(objective: objective, n: n, rows: (n * b / blocks)..<(n * (b + 1) / blocks), margins: margins, y: y, w: nil,
                         out: out)
                }
            }
        }
    }

    private static func fill(objective: Objective, n: Int, rows: Range<Int>, margins: UnsafeBufferPointer<Float>, y: UnsafeBufferPointer<Float>,
                             w: UnsafePointer<Float>?, out: UnsafeMutableBufferPointer<Float>) {
        let k = objective.outputGroups
        if k > 1 {
            softmaxGradients(classes: k, n: n, rows: rows, margins: margins, y: y, w: w, out: out)
            return
        }
        @inline(__always) func each(_ body: (Float, Float) -> (Float, Float)) {
            if let w {
                for i in rows {
                    let (g, h) = body(margins[i], y[i])
                    out[2 * i] = g * w[i]; out[2 * i + 1] = h * w[i]
                }
            } else {
                for i in rows {
                    let (g, h) = body(margins[i], y[i])
                    out[2 * i] = g; out[2 * i + 1] = h
                }
            }
        }
        switch objective.kind {
        case .squaredError:
            each { m, y in (m - y, 1) }
        case .squaredLogError:
            each { m, y in
                let p = max(m, -1 + 1e-6)
                let r = log1pf(p) - log1pf(y)
                let g = r / (p + 1)
                let h = max((1 - r) / ((p + 1) * (p + 1)), 1e-6)
                return (g, h)
            }
        case .logistic, .binaryLogistic, .binaryLogitRaw:
            let spw = Float(objective.scalePositiveWeight)
            each { m, y in
                let p = 1 / (1 + expf(-m))
                let scale: Float = y == 1 ? spw : 1
                return ((p - y) * scale, max(p * (1 - p), hessianFloor) * scale)
            }
        case .pseudoHuberError:
            let slope = Float(objective.huberSlope)
            let slope2 = slope * slope
            each { m, y in
                let z = m - y
                let scaleSqrt = (1 + (z / slope) * (z / slope)).squareRoot()
                return (z / scaleSqrt, slope2 / ((slope2 + z * z) * scaleSqrt))
            }
        case .absoluteError:
            each { m, y in (m > y ? 1 : (m < y ? -1 : 0), 1) }
        case .quantileError:
            let alpha = Float(objective.quantileAlpha)
            each { m, y in (y - m >= 0 ? -alpha : 1 - alpha, 1) }
        case .binaryHinge:
            each { m, y in
                let sign: Float = y > 0.5 ? 1 : -1
                return sign * m < 1 ? (-sign, 1) : (0, Float.leastNormalMagnitude)
            }
        case .countPoisson:
            let step = Float(objective.maxDeltaStep)
            each { m, y in (expf(m) - y, expf(m + step)) }
        case .gamma:
            each { m, y in
                let r = y * expf(-m)
                return (1 - r, r)
            }
        case .tweedie:
            let rho = Float(objective.tweedieVariancePower)
            each { m, y in
                let a = expf((1 - rho) * m), b = expf((2 - rho) * m)
                return (-y * a + b, -y * (1 - rho) * a + (2 - rho) * b)
            }
        case .multiSoftmax, .multiSoftprob:
            break
        }
    }

    private static func softmaxGradients(classes k: Int, n: Int, rows: Range<Int>, margins: UnsafeBufferPointer<Float>,
                                         y: UnsafeBufferPointer<Float>, w: UnsafePointer<Float>?, out: UnsafeMutableBufferPointer<Float>) {
        var probabilities = [Float](repeating: 0, count: k)
        probabilities.withUnsafeMutableBufferPointer { p in
            for i in rows {
                softmax(UnsafeBufferPointer(rebasing: margins[(i * k)..<(i * k + k)]), into: p)
                let label = Int(y[i])
                let weight = w?[i] ?? 1
                for c in 0..<k {
                    let pc = p[c]
                    let g = (c == label ? pc - 1 : pc) * weight
                    let h = max(2 * pc * (1 - pc), hessianFloor) * weight
                    out[2 * (c * n + i)] = g
                    out[2 * (c * n + i) + 1] = h
                }
            }
        }
    }

    /// Numerically stable softmax of one row of margins.
    @inline(__always)
    static func softmax(_ margins: UnsafeBufferPointer<Float>, into p: UnsafeMutableBufferPointer<Float>) {
        var top = -Float.infinity
        for m in margins { top = max(top, m) }
        var sum: Float = 0
        for c in 0..<margins.count { let e = expf(margins[c] - top); p[c] = e; sum += e }
        for c in 0..<margins.count { p[c] /= sum }
    }

    // MARK: Loss (for tests and documentation)

    /// The per-row loss whose first and second derivatives in the margin are `gradients`
    /// (for hinge, absolute and quantile error, whose hessians are conventions, only the gradient).
    static func loss(objective: Objective, margin m: Double, label y: Double) -> Double {
        switch objective.kind {
        case .squaredError: return 0.5 * (m - y) * (m - y)
        case .squaredLogError: let r = log1p(m) - log1p(y); return 0.5 * r * r
        case .logistic, .binaryLogistic, .binaryLogitRaw:
            let p = 1 / (1 + exp(-m))
            let scale = y == 1 ? objective.scalePositiveWeight : 1
            return -scale * (y * log(p) + (1 - y) * log(1 - p))
        case .pseudoHuberError:
            let d = objective.huberSlope
            return d * d * ((1 + ((m - y) / d) * ((m - y) / d)).squareRoot() - 1)
        case .absoluteError: return abs(m - y)
        case .quantileError:
            let a = objective.quantileAlpha
            return y >= m ? a * (y - m) : (1 - a) * (m - y)
        case .binaryHinge:
            let s = y > 0.5 ? 1.0 : -1.0
            return max(0, 1 - s * m)
        case .countPoisson: return exp(m) - y * m
        case .gamma: return y * exp(-m) + m
        case .tweedie:
            let rho = objective.tweedieVariancePower
            return -y * exp((1 - rho) * m) / (1 - rho) + exp((2 - rho) * m) / (2 - rho)
        case .multiSoftmax, .multiSoftprob:
            return .nan
        }
    }

    // MARK: Predictions

    /// Maps margins to the objective's outputs in place: probabilities for logistic and softmax
    /// objectives (per class for `multi:*`, also for `multi:softmax`, whose metrics XGBoost computes
    /// on probabilities), means for log-link objectives, 0/1 for hinge, margins otherwise.
    /// Margins to predictions in place (the link's inverse), rows spread over `threads` in large inputs.
    static func transform(objective: Objective, margins: inout [Float], threads: Int = 1) {
        let rowWidth = objective.kind == .multiSoftmax || objective.kind == .multiSoftprob ? objective.classCount : 1
        let rows = margins.count / max(1, rowWidth)
        let blocks = (rows + 8191) / 8192
        margins.withUnsafeMutableBufferPointer { m in
            let shared = Unshared(m)
            ParallelRunner.forEach(count: blocks, threads: rows >= 65_536 ? threads : 1) { block in
                let lower = block * 8192, upper = min(rows, lower + 8192)
                transform(objective: objective, margins: shared.value.baseAddress! + lower * rowWidth, rows: upper - lower)
            }
        }
    }

    /// `transform` of `rows` rows at `m`.
    private static func transform(objective: Objective, margins m: UnsafeMutablePointer<Float>, rows: Int) {
        switch objective.kind {
        case .logistic, .binaryLogistic:
            for i in 0..<rows { m[i] = 1 / (1 + expf(-m[i])) }
        case .countPoisson, .gamma, .tweedie:
            for i in 0..<rows { m[i] = expf(m[i]) }
        case .binaryHinge:
            for i in 0..<rows { m[i] = m[i] > 0 ? 1 : 0 }
        case .multiSoftmax, .multiSoftprob:
            let k = objective.classCount
            var row = [Float](repeating: 0, count: k)
            row.withUnsafeMutableBufferPointer { p in
                for i in 0..<rows {
                    softmax(UnsafeBufferPointer(start: m + i * k, count: k), into: p)
                    for c in 0..<k { m[i * k + c] = p[c] }
                }
            }
        case .squaredError, .squaredLogError, .pseudoHuberError, .absoluteError, .quantileError, .binaryLogitRaw:
            break
        }
    }

    // MARK: Quantiles

    /// XGBoost's quantile: with no weights, linear interpolation at position `alpha · (n + 1)`
    /// (1-based) clamped to the ends; with weights, the first value whose cumulative weight reaches
    /// `alpha` of the total.
    static func weightedQuantile(_ values: [Double], weights: [Float]?, alpha: Double) -> Double {
        let n = values.count
        guard n > 0 else { return 0 }
        let order = values.indices.sorted { values[$0] < values[$1] }
        if let weights {
            var cdf = [Double](repeating: 0, count: n)
            var run = 0.0
            for (j, i) in order.enumerated() { run += Double(weights[i]); cdf[j] = run }
            let target = alpha * run
            var lo = 0, hi = n
            while lo < hi { let mid = (lo + hi) / 2; if cdf[mid] < target { lo = mid + 1 } else { hi = mid } }
            return values[order[min(lo, n - 1)]]
        }
        let sorted = order.map { values[$0] }
        let nd = Double(n)
        if alpha <= 1 / (nd + 1) { return sorted[0] }
        if alpha >= nd / (nd + 1) { return sorted[n - 1] }
        let x = alpha * (nd + 1)
        let k = floor(x) - 1
        let d = (x - 1) - k
        let ki = Int(k)
        return sorted[ki] + d * (sorted[ki + 1] - sorted[ki])
    }
}
