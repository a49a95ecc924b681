import Foundation
import MLCore

/// The objective of `Regularization` seen through borrowed buffers: the data loss over all rows,
/// and the unbiased mini-batch gradient the stochastic update rules consume.
///
/// Parameters are one flat vector `θ = [W (outputs × d, row-major), b (outputs)]`; gradients use
/// the same layout. The buffers are borrowed from the caller's arrays and must outlive the value
/// (the solver builds it inside `withUnsafeBufferPointer`). Nothing here allocates.
///
/// Mini-batch normalization: the batch gradient of the loss is `(1 / (|B|·s̄)) Σ_{i∈B} s_i ∇ℓ_i`
/// with `s̄ = S / n` the mean example weight. Over a uniformly random batch its expectation is the
/// full gradient `(1/S) Σ_i s_i ∇ℓ_i` exactly (a ratio `Σ s_i ∇ℓ_i / Σ_{i∈B} s_i` would be biased),
/// it equals the full gradient when the batch is every row, and with unit weights it is the plain
/// batch mean.
struct StochasticObjective {
    let x: UnsafeBufferPointer<Double>
    let y: UnsafeBufferPointer<Double>
    /// nil means every weight is 1.
    let s: UnsafeBufferPointer<Double>?
    let rows: Int
    let features: Int
    let outputs: Int
    let loss: LinearLoss
    let l2: Double
    /// `l2 · interceptL2Multiplier`.
    let interceptL2: Double
    let fitIntercept: Bool
    /// `S = Σ s_i` (> 0).
    let totalWeight: Double

    init(
        x: UnsafeBufferPointer<Double>, y: UnsafeBufferPointer<Double>, s: UnsafeBufferPointer<Double>?,
        features: Int, loss: LinearLoss, regularization: Regularization, fitIntercept: Bool, totalWeight: Double
    ) {
        precondition(features >= 1 && x.count == y.count * features, "features do not match the label count")
        self.x = x
        self.y = y
        self.s = s
        self.rows = y.count
        self.features = features
        self.outputs = loss.outputs
        self.loss = loss
        self.l2 = regularization.l2
        self.interceptL2 = regularization.l2 * regularization.interceptL2Multiplier
        self.fitIntercept = fitIntercept
        self.totalWeight = totalWeight
    }

    /// Length of `θ`: `outputs · d` weights then `outputs` intercepts.
    var parameterCount: Int { outputs * features + outputs }

    /// `(1/S) Σ_i s_i ℓ(x_i·Wᵀ + b, y_i)` over every row (no penalty). One pass, O(n·d·outputs).
    ///
    /// `scratch` holds at least `outputs` values.
    func dataLoss(_ theta: UnsafeBufferPointer<Double>, scratch: UnsafeMutableBufferPointer<Double>) -> Double {
        let d = features
        let w = theta.baseAddress!
        let b = w + outputs * d
        let base = x.baseAddress!
        var total = 0.0
        if case .softmax = loss {
            for i in 0 ..< rows {
                let weight = s?[i] ?? 1
                if weight == 0 { continue }
                let row = base + i * d
                var largest = -Double.infinity
                for k in 0 ..< outputs {
                    let z = stochasticDot(row, w + k * d, d) + b[k]
                    scratch[k] = z
                    largest = max(largest, z)
                }
                var sum = 0.0
                for k in 0 ..< outputs { sum += exp(scratch[k] - largest) }
                // −log softmax_y = log Σ_k e^{z_k} − z_y, shifted by the largest score so exp never overflows.
                total += weight * (largest + log(sum) - scratch[Int(y[i])])
            }
        } else {
            for i in 0 ..< rows {
                let weight = s?[i] ?? 1
                if weight == 0 { continue }
                let p = stochasticDot(base + i * d, w, d) + b[0]
                total += weight * loss.value(prediction: p, label: y[i])
            }
        }
        return total / totalWeight
    }

    /// Rows the staging buffer of `batchGradient` holds: about 32 KiB of features, at least one row.
    func stagingRows(batchSize: Int) -> Int { max(1, min(batchSize, 4096 / features)) }

    /// Writes into `gradient` the mini-batch gradient at `θ` over the rows listed in `batch`: the
    /// normalized loss gradient (see the type) plus `l2·W` and, with an intercept,
    /// `l2·interceptL2Multiplier·b`. The intercept entries are 0 without an intercept.
    ///
    /// `scratch` holds at least `outputs` values; `staging` holds `stagingRows(batchSize:) · d`.
    /// Cost O(|B|·d·outputs).
    func batchGradient(
        _ batch: UnsafeBufferPointer<Int>, at theta: UnsafeBufferPointer<Double>,
        into gradient: UnsafeMutableBufferPointer<Double>, scratch: UnsafeMutableBufferPointer<Double>,
        staging: UnsafeMutableBufferPointer<Double>
    ) {
        let d = features
        let weightCount = outputs * d
        let w = theta.baseAddress!
        let b = w + weightCount
        let g = gradient.baseAddress!
        let gb = g + weightCount
        let base = x.baseAddress!
        let stage = staging.baseAddress!
        let chunk = staging.count / d
        gradient.update(repeating: 0)

        // The batch's rows lie scattered over the feature matrix. Copying a chunk of them into a
        // small contiguous buffer first lets the memory system fetch many rows at once (the copies
        // do not depend on each other), where the dot-then-axpy chain would wait for one row at a
        // time; the arithmetic then runs on cached rows.
        var first = 0
        while first < batch.count {
            let count = min(chunk, batch.count - first)
            for t in 0 ..< count { (stage + t * d).update(from: base + batch[first + t] * d, count: d) }
            if case .softmax = loss {
                for t in 0 ..< count {
                    let i = batch[first + t]
                    let weight = s?[i] ?? 1
                    if weight == 0 { continue }
                    let row = UnsafePointer(stage + t * d)
                    var largest = -Double.infinity
                    for k in 0 ..< outputs {
                        let z = stochasticDot(row, w + k * d, d) + b[k]
                        scratch[k] = z
                        largest = max(largest, z)
                    }
                    var sum = 0.0
                    for k in 0 ..< outputs {
                        let e = exp(scratch[k] - largest)
                        scratch[k] = e
                        sum += e
                    }
                    let label = Int(y[i])
                    for k in 0 ..< outputs {
                        // ∂(−log softmax_y)/∂z_k = softmax_k − [k = y].
                        let r = weight * (scratch[k] / sum - (k == label ? 1 : 0))
                        stochasticAxpy(r, row, g + k * d, d)
                        gb[k] += r
                    }
                }
            } else {
                for t in 0 ..< count {
                    let i = batch[first + t]
                    let weight = s?[i] ?? 1
                    if weight == 0 { continue }
                    let row = UnsafePointer(stage + t * d)
                    let p = stochasticDot(row, w, d) + b[0]
                    let r = weight * loss.derivative(prediction: p, label: y[i])
                    if r != 0 {
                        stochasticAxpy(r, row, g, d)
                        gb[0] += r
                    }
                }
            }
            first += count
        }

        let meanWeight = totalWeight / Double(rows)
        let scale = 1 / (Double(batch.count) * meanWeight)
        for j in 0 ..< weightCount { g[j] = g[j] * scale + l2 * w[j] }
        for k in 0 ..< outputs { gb[k] = fitIntercept ? gb[k] * scale + interceptL2 * b[k] : 0 }
    }
}

/// `Σ a_j b_j` over `n` entries with four independent accumulators: a fixed summation order (so
/// results are bit-reproducible) that still keeps four multiply-adds in flight.
@inline(__always)
private func stochasticDot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int) -> Double {
    var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
    var j = 0
    while j + 4 <= n {
        s0 += a[j] * b[j]
        s1 += a[j + 1] * b[j + 1]
        s2 += a[j + 2] * b[j + 2]
        s3 += a[j + 3] * b[j + 3]
        j += 4
    }
    while j < n {
        s0 += a[j] * b[j]
        j += 1
    }
    return (s0 + s1) + (s2 + s3)
}

/// `y ← α·x + y` over `n` entries (independent lanes, so the optimizer vectorizes it).
@inline(__always)
private func stochasticAxpy(_ alpha: Double, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ n: Int) {
    for j in 0 ..< n { y[j] += alpha * x[j] }
}
