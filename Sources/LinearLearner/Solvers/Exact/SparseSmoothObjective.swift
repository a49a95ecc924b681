import Foundation
import LinearAlgebra
import MLCore

/// The smooth part of the Linear Learner objective and its gradient over CSR rows, without ever
/// forming a dense row: the sparse counterpart of `SmoothObjective`, for wide sparse data.
///
/// Rows may carry an implicit shift: the solver fits `x̃_i = x_i − m` (the centered, standardized
/// features) while only the stored entries of `x_i` are kept. With `θ = [W (k × d), b (k)]`:
///
/// - scores: `x̃_i·W_cᵀ + b_c = x_i·W_cᵀ + (b_c − m·W_c)`, one sparse dot per output;
/// - gradient: `∂/∂W_cj = Σ_i g_ic x̃_ij = G_cj − m_j Σ_i g_ic`, where `G = Σ_i g_i x_iᵀ` is
///   accumulated over stored entries only.
///
/// So each pass costs O(stored entries · outputs) plus O(d · outputs), and centering does not
/// densify. Rows are split among workers (`RowWorkers`); each keeps its own gradient buffer, reduced
/// in a fixed order, so results do not depend on timing. For softmax the weights are transposed to
/// `d × k` once per pass so the `k` weights of one column are contiguous.
final class SparseSmoothObjective: DifferentiableObjective {
    let rowOffsets: UnsafePointer<Int>
    let columns: UnsafePointer<UInt32>
    let values: UnsafePointer<Double>
    let labels: UnsafePointer<Double>
    let weights: UnsafePointer<Double>?
    /// The implicit shift `m` (d values), or nil for none.
    let shift: UnsafePointer<Double>?
    let rows: Int
    let features: Int
    let outputs: Int
    let intercept: Bool
    let loss: SmoothObjective.Loss
    let l2: Double
    let interceptL2: Double
    let inverseTotalWeight: Double
    let parameterCount: Int
    private(set) var evaluations = 0

    private let workers: RowWorkers
    /// Per worker: `d · k` raw gradient sums (column-major for softmax: `[j · k + c]`), then `k`
    /// sums of the row derivatives.
    private let gradients: UnsafeMutablePointer<Double>
    private let partialLoss: UnsafeMutablePointer<Double>
    /// `d × k` transposed weights for softmax, and `k` effective intercepts.
    private let transposed: UnsafeMutablePointer<Double>
    private let offsets: UnsafeMutablePointer<Double>
    private var stride: Int { outputs * features + outputs }

    /// The pointers must stay valid for the object's lifetime.
    init(
        rowOffsets: UnsafePointer<Int>, columns: UnsafePointer<UInt32>, values: UnsafePointer<Double>,
        labels: UnsafePointer<Double>, weights: UnsafePointer<Double>?, shift: UnsafePointer<Double>?,
        rows: Int, features: Int, intercept: Bool, loss: SmoothObjective.Loss, regularization: Regularization,
        totalWeight: Double, threads: Int
    ) {
        self.rowOffsets = rowOffsets
        self.columns = columns
        self.values = values
        self.labels = labels
        self.weights = weights
        self.shift = shift
        self.rows = rows
        self.features = features
        self.intercept = intercept
        self.loss = loss
        if case .softmax(let k) = loss { outputs = k } else { outputs = 1 }
        l2 = regularization.l2
        interceptL2 = regularization.l2 * regularization.interceptL2Multiplier
        inverseTotalWeight = 1 / totalWeight
        parameterCount = outputs * features + (intercept ? outputs : 0)
        // Sparse rows are cheap: a worker pays off from a few thousand rows.
        workers = RowWorkers(rows: rows, threads: threads, minimumRows: 4_096)
        gradients = .allocate(capacity: workers.count * (outputs * features + outputs))
        partialLoss = .allocate(capacity: workers.count)
        transposed = .allocate(capacity: max(1, outputs * features))
        offsets = .allocate(capacity: outputs)
    }

    deinit {
        gradients.deallocate()
        partialLoss.deallocate()
        transposed.deallocate()
        offsets.deallocate()
    }

    func evaluate(_ theta: UnsafePointer<Double>, gradient: UnsafeMutablePointer<Double>) -> Double {
        evaluations += 1
        let d = features, k = outputs
        // Effective intercepts b_c − m·W_c.
        for c in 0 ..< k {
            var o = intercept ? theta[k * d + c] : 0
            if let shift { o -= RowKernels.dot(theta + c * d, shift, d) }
            offsets[c] = o
        }
        switch loss {
        case .squared: workers.run { w, r in scalarPass(SquaredKernel(), theta, w, r) }
        case .logistic: workers.run { w, r in scalarPass(LogisticKernel(), theta, w, r) }
        case .huber(let delta): workers.run { w, r in scalarPass(HuberKernel(delta: delta), theta, w, r) }
        case .epsilonInsensitiveSquared(let eps):
            workers.run { w, r in scalarPass(EpsilonInsensitiveSquaredKernel(epsilon: eps), theta, w, r) }
        case .softmax:
            for c in 0 ..< k { for j in 0 ..< d { transposed[j * k + c] = theta[c * d + j] } }
            workers.run { w, r in softmaxPass(w, r) }
        }
        // Reduce the workers' sums in worker order.
        let raw = gradients
        for w in 1 ..< max(1, workers.count) {
            let other = gradients + w * stride
            for i in 0 ..< stride { raw[i] += other[i] }
        }
        var lossSum = 0.0
        for w in 0 ..< workers.count { lossSum += partialLoss[w] }
        let derivativeSums = raw + k * d
        let scale = inverseTotalWeight
        var squares = 0.0
        for c in 0 ..< k {
            let g0 = derivativeSums[c]
            let wc = theta + c * d
            let out = gradient + c * d
            if k == 1 {
                if let shift {
                    for j in 0 ..< d { out[j] = (raw[j] - shift[j] * g0) * scale + l2 * wc[j] }
                } else {
                    for j in 0 ..< d { out[j] = raw[j] * scale + l2 * wc[j] }
                }
            } else {
                for j in 0 ..< d {
                    let m = shift?[j] ?? 0
                    out[j] = (raw[j * k + c] - m * g0) * scale + l2 * wc[j]
                }
            }
            for j in 0 ..< d { squares += wc[j] * wc[j] }
        }
        var interceptSquares = 0.0
        if intercept {
            for c in 0 ..< k {
                let b = theta[k * d + c]
                interceptSquares += b * b
                gradient[k * d + c] = derivativeSums[c] * scale + interceptL2 * b
            }
        }
        return lossSum * scale + 0.5 * (l2 * squares + interceptL2 * interceptSquares)
    }

    /// One worker's rows for a single-output loss: `p = x·w + offset`, then `G += ℓ'·x` over the
    /// row's stored entries.
    @inline(__always)
    private func scalarPass<K: ScalarLossKernel>(_ kernel: K, _ theta: UnsafePointer<Double>, _ worker: Int, _ range: Range<Int>) {
        let d = features
        let g = gradients + worker * stride
        g.initialize(repeating: 0, count: stride)
        let offset = offsets[0]
        var lossSum = 0.0, derivativeSum = 0.0
        for row in range {
            let start = rowOffsets[row], end = rowOffsets[row + 1]
            var p0 = 0.0, p1 = 0.0
            var e = start
            while e + 2 <= end {
                p0 += values[e] * theta[Int(columns[e])]
                p1 += values[e + 1] * theta[Int(columns[e + 1])]
                e += 2
            }
            if e < end { p0 += values[e] * theta[Int(columns[e])] }
            let s = weights?[row] ?? 1
            let (v, dv) = kernel.valueAndDerivative(p0 + p1 + offset, labels[row])
            lossSum += s * v
            let derivative = s * dv
            derivativeSum += derivative
            if derivative != 0 {
                for e in start ..< end { g[Int(columns[e])] += derivative * values[e] }
            }
        }
        g[d] = derivativeSum
        partialLoss[worker] = lossSum
    }

    /// One worker's rows for the k-class cross entropy, with the `d × k` transposed weights.
    private func softmaxPass(_ worker: Int, _ range: Range<Int>) {
        let d = features, k = outputs
        let g = gradients + worker * stride
        g.initialize(repeating: 0, count: stride)
        let derivativeSums = g + k * d
        let p = UnsafeMutablePointer<Double>.allocate(capacity: k)
        defer { p.deallocate() }
        var lossSum = 0.0
        for row in range {
            let start = rowOffsets[row], end = rowOffsets[row + 1]
            for c in 0 ..< k { p[c] = offsets[c] }
            for e in start ..< end {
                let x = values[e]
                let wj = transposed + Int(columns[e]) * k
                for c in 0 ..< k { p[c] += x * wj[c] }
            }
            var largest = -Double.infinity
            for c in 0 ..< k { largest = max(largest, p[c]) }
            let label = Int(labels[row])
            let shiftedLabelScore = p[label] - largest
            var sum = 0.0
            for c in 0 ..< k {
                p[c] = exp(p[c] - largest)
                sum += p[c]
            }
            let s = weights?[row] ?? 1
            lossSum += s * (log(sum) - shiftedLabelScore)
            let factor = s / sum
            for c in 0 ..< k { p[c] *= factor }
            p[label] -= s
            for c in 0 ..< k { derivativeSums[c] += p[c] }
            for e in start ..< end {
                let x = values[e]
                let gj = g + Int(columns[e]) * k
                for c in 0 ..< k { gj[c] += x * p[c] }
            }
        }
        partialLoss[worker] = lossSum
    }
}
