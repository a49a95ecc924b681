import Foundation
import LinearAlgebra
import MLCore

/// A channel's rows as the Linear Learner trainer uses them: labels, weights and the few matrix
/// operations training needs. Dense rows (`LabeledDataset<Double>`) and CSR rows (`SparseDesign`)
/// train through the same code; only these operations differ.
public protocol LinearDesign: Sendable {
    var count: Int { get }
    var featureCount: Int { get }
    var labels: [Double] { get }
    var weights: [Double]? { get }
    /// The weight of row `i` (1 when the rows carry none).
    func weight(_ i: Int) -> Double
    /// The first stored feature value that is NaN or infinite, zero-based.
    func firstNonFiniteFeature() -> (row: Int, column: Int, value: Double)?
    /// Per-column sums and sums of squares over `rows` (absent entries count as zeros).
    func columnMoments(rows: [Int]) -> (sums: [Double], squares: [Double])
    /// Standardizes the features: `x ← (x − means) / scales` for every row.
    mutating func standardize(means: [Double], scales: [Double])
    /// Raw model outputs `X · Wᵀ + b` (n × outputs) of the rows as they now are.
    func rawScores(_ coefficients: LinearCoefficients) -> DenseMatrix<Double>
    /// Fits the full-batch or stochastic solver to these (standardized) rows with `labels` and
    /// `weights` in place of the channel's own.
    func fit(labels: [Double], weights: [Double]?, fitIntercept: Bool, loss: LinearLoss, regularization: Regularization,
             stochastic: StochasticSolverOptions?, exact: ExactSolverOptions,
             monitor: @escaping SolverMonitor) throws -> (LinearCoefficients, SolverReport)
}

extension LabeledDataset: LinearDesign where Scalar == Double {
    public func firstNonFiniteFeature() -> (row: Int, column: Int, value: Double)? {
        let d = featureCount
        return features.storage.withUnsafeBufferPointer { x in
            for index in 0..<x.count where !x[index].isFinite { return (index / d, index % d, x[index]) }
            return nil
        }
    }

    public func columnMoments(rows: [Int]) -> (sums: [Double], squares: [Double]) {
        let d = featureCount
        var sum = [Double](repeating: 0, count: d), sumSquares = [Double](repeating: 0, count: d)
        features.storage.withUnsafeBufferPointer { x in
            for i in rows {
                let base = i * d
                for j in 0..<d {
                    let v = x[base + j]
                    sum[j] += v
                    sumSquares[j] += v * v
                }
            }
        }
        return (sum, sumSquares)
    }

    public mutating func standardize(means: [Double], scales: [Double]) {
        let d = features.columns, n = features.rows
        let inverse = scales.map { 1 / $0 }
        features.storage.withUnsafeMutableBufferPointer { buffer in
            for i in 0..<n {
                let base = i * d
                for j in 0..<d { buffer[base + j] = (buffer[base + j] - means[j]) * inverse[j] }
            }
        }
    }

    public func rawScores(_ coefficients: LinearCoefficients) -> DenseMatrix<Double> {
        coefficients.predict(features)
    }

    public func fit(labels: [Double], weights: [Double]?, fitIntercept: Bool, loss: LinearLoss, regularization: Regularization,
                    stochastic: StochasticSolverOptions?, exact: ExactSolverOptions,
                    monitor: @escaping SolverMonitor) throws -> (LinearCoefficients, SolverReport) {
        let problem = LinearProblem(features: features, labels: labels, weights: weights, fitIntercept: fitIntercept)
        if let stochastic {
            return try StochasticSolver.fit(problem, loss: loss, regularization: regularization, options: stochastic, monitor: monitor)
        }
        return try ExactSolver.fit(problem, loss: loss, regularization: regularization, options: exact, monitor: monitor)
    }
}

/// A channel's CSR rows for Linear Learner: absent entries are zeros (as Linear Learner reads a
/// sparse tensor). Standardizing scales the stored values in place and keeps the centering as an
/// implicit shift, so the rows stay sparse; the model is the same as on the dense rows.
public struct SparseDesign: LinearDesign {
    public private(set) var dataset: SparseLabeledDataset<Double>
    /// After `standardize`: `means / scales`, subtracted from every (scaled) feature, absent
    /// entries included; nil while the rows are uncentered.
    public private(set) var shift: [Double]?
    /// Threads for scoring passes (`rawScores`); the solver takes its own from its options.
    public var threads: Int

    public init(_ dataset: SparseLabeledDataset<Double>, threads: Int = 1) {
        self.dataset = dataset
        self.threads = max(1, threads)
    }

    public var count: Int { dataset.count }
    public var featureCount: Int { dataset.featureCount }
    public var labels: [Double] { dataset.labels }
    public var weights: [Double]? { dataset.weights }
    public func weight(_ i: Int) -> Double { dataset.weight(i) }
    public var features: SparseMatrix<Double> { dataset.features }

    /// The solver's gradient tolerance on CSR rows, relative to `max(1, |F|)` (the dense solvers
    /// use 1e-7): scikit-learn's default for `LogisticRegression(solver="lbfgs")` (`tol=1e-4` on the
    /// same mean-loss objective).
    ///
    /// Wide sparse problems pay a pass over every stored entry per iteration, and the last digits
    /// of the optimum do not move the model's log loss. Measured on 1 000 000 × 100 000 rows at
    /// 1 % density: 1e-5 takes 24 iterations to a train objective of 0.309320, where scikit-learn
    /// stops after 11 at 0.309322.
    public static let defaultTolerance = 1e-4
    /// The tolerance this design's solver stops at (`defaultTolerance` unless set).
    public var tolerance = SparseDesign.defaultTolerance

    public func firstNonFiniteFeature() -> (row: Int, column: Int, value: Double)? {
        let m = dataset.features
        guard let k = m.values.firstIndex(where: { !$0.isFinite }) else { return nil }
        // The row whose entry range holds k: the last row whose offset is ≤ k (empty rows before
        // it share its offset and come earlier; rowOffsets[rows] is past every entry).
        var low = 0, high = m.rows
        while low + 1 < high {
            let mid = (low + high) / 2
            if m.rowOffsets[mid] <= k { low = mid } else { high = mid }
        }
        return (low, Int(m.columnIndices[k]), m.values[k])
    }

    public func columnMoments(rows: [Int]) -> (sums: [Double], squares: [Double]) {
        let d = featureCount
        var sum = [Double](repeating: 0, count: d), sumSquares = [Double](repeating: 0, count: d)
        dataset.features.withUnsafeCSR { offsets, columns, values in
            for i in rows {
                for e in offsets[i] ..< offsets[i + 1] {
                    let j = Int(columns[e]), v = values[e]
                    sum[j] += v
                    sumSquares[j] += v * v
                }
            }
        }
        return (sum, sumSquares)
    }

    public mutating func standardize(means: [Double], scales: [Double]) {
        precondition(shift == nil, "rows standardized twice")
        dataset.features.scaleColumns(by: scales.map { 1 / $0 })
        if means.contains(where: { $0 != 0 }) {
            shift = (0..<means.count).map { means[$0] / scales[$0] }
        }
    }

    public func rawScores(_ coefficients: LinearCoefficients) -> DenseMatrix<Double> {
        let k = coefficients.outputs, d = featureCount, n = count
        precondition(coefficients.featureCount == d, "\(d) feature columns but the model has \(coefficients.featureCount)")
        // Column-major weights (d × k) so one entry reads k contiguous weights; the shift folds
        // into the intercepts.
        var transposed = [Double](repeating: 0, count: d * k)
        var offsets = coefficients.intercepts
        for c in 0..<k {
            for j in 0..<d {
                let w = coefficients.weights[c, j]
                transposed[j * k + c] = w
                if let shift { offsets[c] -= w * shift[j] }
            }
        }
        let intercepts = offsets
        var out = DenseMatrix<Double>(rows: n, columns: k)
        dataset.features.withUnsafeCSR { rowOffsets, columns, values in
            transposed.withUnsafeBufferPointer { w in
                out.storage.withUnsafeMutableBufferPointer { o in
                    // Each worker writes only its own output rows.
                    RowWorkers(rows: n, threads: threads, minimumRows: 4_096).run { _, range in
                        for i in range {
                            let row = o.baseAddress! + i * k
                            for c in 0..<k { row[c] = intercepts[c] }
                            for e in rowOffsets[i] ..< rowOffsets[i + 1] {
                                let x = values[e], wj = w.baseAddress! + Int(columns[e]) * k
                                for c in 0..<k { row[c] += x * wj[c] }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    public func fit(labels: [Double], weights: [Double]?, fitIntercept: Bool, loss: LinearLoss, regularization: Regularization,
                    stochastic: StochasticSolverOptions?, exact: ExactSolverOptions,
                    monitor: @escaping SolverMonitor) throws -> (LinearCoefficients, SolverReport) {
        guard stochastic == nil else {
            throw OptmlError.user("Sparse training solves with the full-batch solver: set optimizer to auto "
                + "(the stochastic optimizers sgd, adam and rmsprop train on dense rows).")
        }
        guard ExactSolver.solvesSparse(loss) else {
            throw OptmlError.user("Sparse training supports the smooth losses (squared_loss, logistic, softmax_loss, huber_loss, "
                + "eps_insensitive_squared_loss); the \(loss) loss trains on dense rows.")
        }
        let problem = SparseLinearProblem(features: dataset.features, shift: shift, labels: labels, weights: weights,
                                          fitIntercept: fitIntercept)
        var options = exact
        options.tolerance = tolerance
        return try ExactSolver.fit(sparse: problem, loss: loss, regularization: regularization, options: options, monitor: monitor)
    }
}

