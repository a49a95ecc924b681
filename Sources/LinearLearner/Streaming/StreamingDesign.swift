import Foundation
import LinearAlgebra
import MLCore

/// A channel's rows for Linear Learner read in passes over a `RowBlockSource`, never all at once:
/// training on channels larger than memory.
///
/// Labels and weights (8 bytes a row each) stay in memory; the features are read again on every
/// pass, one block at a time. The first pass (`init`) collects the labels, weights and row count
/// and finds the first non-finite feature. Standardizing records the means and scales and applies
/// them to every block as it is read, with the same arithmetic as the dense rows, so the
/// standardized values are the dense path's bit for bit.
///
/// `fit` solves the exact objective of the dense solvers over blocks:
/// - squared loss: the normal equations, the weighted Gram matrix and `Zᵀ S y` accumulated block by
///   block with `dsyrk` in one pass, then the same d × d solve (ridge, eigen fallback when singular,
///   coordinate descent with L1), `normal-equations`;
/// - the other smooth losses (logistic, softmax, Huber, ε-insensitive squared): L-BFGS (OWL-QN with
///   L1), each objective and gradient one pass, warm-started from the minimizer on the first block
///   (`lbfgs`, `owlqn`).
///
/// The stochastic optimizers and the non-smooth losses (IRLS) are not solved here; `fit` throws
/// for them and `StreamingDesign.unsupportedReason` says so in advance.
///
/// The `LinearDesign` passes that cannot throw (`columnMoments`, `rawScores`) record the first read
/// error or cancellation and return zeros; the caller rethrows it with `checkFailure()` after
/// training (the solver fails on the non-finite objective that follows).
public struct StreamingDesign: LinearDesign {
    public let source: any RowBlockSource
    public let count: Int
    public let featureCount: Int
    public let labels: [Double]
    public let weights: [Double]?
    /// Threads for the solver's work inside a block (the reader has its own).
    public var threads: Int
    /// Polled between blocks; a pass stops with `TrainingCancelled` when it returns true.
    public var isCancelled: @Sendable () -> Bool
    private let nonFinite: NonFinite?
    /// `means` and `1 / scales` once standardized.
    private var centering: [Double]?
    private var inverseScales: [Double]?
    private let failure = FailureBox()

    struct NonFinite: Sendable {
        var row: Int
        var column: Int
        var value: Double
    }

    /// Makes the first pass over `source`.
    ///
    /// - Throws: what the source throws; `OptmlError.user` when blocks disagree on the width or
    ///   only some carry weights; `TrainingCancelled` when `isCancelled` turns true.
    public init(source: any RowBlockSource, threads: Int, isCancelled: @escaping @Sendable () -> Bool = { false }) throws {
        self.source = source
        self.threads = max(1, threads)
        self.isCancelled = isCancelled
        var labels: [Double] = []
        var weights: [Double]? = nil
        var width: Int?
        var bad: NonFinite?
        var rows = 0
        try source.forEachBlock { first, block in
            if isCancelled() { throw TrainingCancelled() }
            if let width, block.featureCount != width {
                throw OptmlError.user("\(block.source) channel, row \(first + 1): \(block.featureCount) feature columns where the rows before have \(width).")
            }
            width = block.featureCount
            if (block.weights != nil) != (weights != nil) && rows > 0 {
                throw OptmlError.user("\(block.source) channel, row \(first + 1): some rows carry instance weights and others do not.")
            }
            labels.append(contentsOf: block.labels)
            if let w = block.weights {
                if weights == nil { weights = [] }
                weights!.append(contentsOf: w)
            }
            if bad == nil, let found = block.firstNonFiniteFeature() {
                bad = NonFinite(row: first + found.row, column: found.column, value: found.value)
            }
            rows += block.count
        }
        count = rows
        featureCount = width ?? 0
        self.labels = labels
        self.weights = weights
        nonFinite = bad
    }

    public func weight(_ i: Int) -> Double { weights?[i] ?? 1 }

    public func firstNonFiniteFeature() -> (row: Int, column: Int, value: Double)? {
        nonFinite.map { ($0.row, $0.column, $0.value) }
    }

    /// Rethrows the first error a non-throwing pass met (a read error, a channel that changed
    /// between passes, or cancellation).
    public func checkFailure() throws {
        if let error = failure.error { throw error }
    }

    /// One pass: `body(firstRow, block)` with every block standardized as `standardize` asked.
    /// Checks that the rows are the ones the first pass saw.
    func forEachBlock(_ body: (Int, inout LabeledDataset<Double>) throws -> Void) throws {
        var seen = 0
        try source.forEachBlock { first, block in
            if isCancelled() { throw TrainingCancelled() }
            guard first == seen, block.featureCount == featureCount, first + block.count <= count else {
                throw OptmlError.user("The \(block.source) channel changed while training read it again (rows \(first + 1) "
                    + "to \(first + block.count) with \(block.featureCount) features; the first pass read \(count) rows of \(featureCount)). "
                    + "Training on a channel larger than memory reads its files once per pass: do not change them during the job.")
            }
            if let means = centering, let inverse = inverseScales {
                let d = featureCount, n = block.count
                // The dense rows' arithmetic exactly (LabeledDataset.standardize).
                block.features.storage.withUnsafeMutableBufferPointer { buffer in
                    for i in 0 ..< n {
                        let base = i * d
                        for j in 0 ..< d { buffer[base + j] = (buffer[base + j] - means[j]) * inverse[j] }
                    }
                }
            }
            seen += block.count
            try body(first, &block)
        }
        guard seen == count else {
            throw OptmlError.user("A channel changed while training read it again: \(seen) rows where the first pass read \(count). "
                + "Training on a channel larger than memory reads its files once per pass: do not change them during the job.")
        }
    }

    /// A pass for the non-throwing protocol methods: errors are recorded, not thrown.
    private func recordingPass(_ body: (Int, inout LabeledDataset<Double>) throws -> Void) -> Bool {
        guard failure.error == nil else { return false }
        do {
            try forEachBlock(body)
            return true
        } catch {
            failure.record(error)
            return false
        }
    }

    public func columnMoments(rows: [Int]) -> (sums: [Double], squares: [Double]) {
        let d = featureCount
        var sum = [Double](repeating: 0, count: d), sumSquares = [Double](repeating: 0, count: d)
        // Rows in the given order, which the scaler gives sorted; the sums run in the dense order.
        precondition(zip(rows, rows.dropFirst()).allSatisfy { $0 < $1 }, "rows must be increasing")
        var next = 0
        _ = recordingPass { first, block in
            let end = first + block.count
            block.features.storage.withUnsafeBufferPointer { x in
                while next < rows.count && rows[next] < end {
                    let base = (rows[next] - first) * d
                    for j in 0 ..< d {
                        let v = x[base + j]
                        sum[j] += v
                        sumSquares[j] += v * v
                    }
                    next += 1
                }
            }
        }
        return (sum, sumSquares)
    }

    public mutating func standardize(means: [Double], scales: [Double]) {
        precondition(centering == nil, "rows standardized twice")
        if means.contains(where: { $0 != 0 }) || scales.contains(where: { $0 != 1 }) {
            centering = means
            inverseScales = scales.map { 1 / $0 }
        }
    }

    public func rawScores(_ coefficients: LinearCoefficients) -> DenseMatrix<Double> {
        let k = coefficients.outputs
        var out = DenseMatrix<Double>(rows: count, columns: k)
        _ = recordingPass { first, block in
            let scores = coefficients.predict(block.features)
            out.storage.withUnsafeMutableBufferPointer { o in
                scores.storage.withUnsafeBufferPointer { s in
                    (o.baseAddress! + first * k).update(from: s.baseAddress!, count: s.count)
                }
            }
        }
        return out
    }

    public func fit(labels: [Double], weights: [Double]?, fitIntercept: Bool, loss: LinearLoss, regularization: Regularization,
                    stochastic: StochasticSolverOptions?, exact: ExactSolverOptions,
                    monitor: @escaping SolverMonitor) throws -> (LinearCoefficients, SolverReport) {
        if let reason = Self.unsupportedReason(loss: loss, stochastic: stochastic) { throw OptmlError.user(reason) }
        precondition(labels.count == count && (weights?.count ?? count) == count, "labels and weights must match the rows")
        let totalWeight = weights.map { $0.reduce(0, +) } ?? Double(count)
        try ExactSolver.validate(labels: labels, weights: weights, totalWeight: totalWeight, loss: loss)
        var options = exact
        options.threads = threads
        let problem = StreamingProblem(design: self, labels: labels, weights: weights, fitIntercept: fitIntercept,
                                       totalWeight: totalWeight)
        do {
            if case .squared = loss {
                return try problem.normalEquations(regularization: regularization, options: options, monitor: monitor)
            }
            return try problem.quasiNewton(loss: loss, regularization: regularization, options: options, monitor: monitor)
        } catch {
            // A read error or cancellation inside an objective pass surfaces as a non-finite
            // objective; the recorded cause is the one to report.
            try checkFailure()
            try problem.checkFailure()
            throw error
        }
    }

    /// Why `fit` cannot train `loss` with `stochastic` in passes over blocks, or nil when it can.
    public static func unsupportedReason(loss: LinearLoss, stochastic: StochasticSolverOptions?) -> String? {
        if let stochastic {
            return "optimizer '\(stochastic.optimizer.rawValue)' updates the model row by row in shuffled mini-batches, which "
                + "streaming passes over the files cannot do"
        }
        guard loss.isSmooth else {
            return "the loss is not smooth: it is solved by iteratively reweighted least squares on the rows in memory, "
                + "which streaming passes over the files do not implement"
        }
        return nil
    }
}

/// The first error of a pass that cannot throw, shared by copies of a design.
final class FailureBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: (any Error)?

    var error: (any Error)? { lock.withLock { stored } }

    func record(_ error: any Error) {
        lock.withLock { if stored == nil { stored = error } }
    }
}
