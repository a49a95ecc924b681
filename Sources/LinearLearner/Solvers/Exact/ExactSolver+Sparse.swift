import MLCore

extension ExactSolver {
    /// Whether `fit(sparse:…)` solves `loss`: the smooth losses, by L-BFGS (OWL-QN with L1) over
    /// CSR rows. The others need the normal equations (`irls`), which a wide sparse matrix cannot
    /// afford.
    public static func solvesSparse(_ loss: LinearLoss) -> Bool {
        switch loss {
        case .squared, .logistic, .huber, .epsilonInsensitiveSquared, .softmax: return true
        case .absolute, .quantile, .epsilonInsensitiveAbsolute, .hinge: return false
        }
    }

    /// Fits a sparse problem to the same objective as `fit(_:loss:regularization:options:monitor:)`:
    /// L-BFGS (`lbfgs`) or OWL-QN with L1 (`owlqn`) from zero, each iteration one pass over the
    /// stored entries (`SparseSmoothObjective`). The minimizer is the dense path's, to the
    /// solver tolerance.
    ///
    /// Throws `OptmlError.user` for a loss `solvesSparse` rejects and for the inputs the dense fit
    /// rejects, `OptmlError.algorithm` for numerical failures.
    public static func fit(
        sparse problem: SparseLinearProblem, loss: LinearLoss, regularization: Regularization,
        options: ExactSolverOptions = ExactSolverOptions(), monitor: SolverMonitor? = nil
    ) throws(OptmlError) -> (LinearCoefficients, SolverReport) {
        guard solvesSparse(loss) else {
            throw OptmlError.user("the \(loss) loss is solved through the normal equations, which sparse training does not form")
        }
        let totalWeight = problem.totalWeight
        try validate(labels: problem.labels, weights: problem.weights, totalWeight: totalWeight, loss: loss)
        let n = problem.exampleCount, d = problem.featureCount, k = loss.outputs
        let intercept = problem.fitIntercept

        func coefficients(_ theta: [Double]) -> LinearCoefficients {
            unpack(theta, outputs: k, features: d, intercept: intercept)
        }
        func report(_ iteration: Int, _ value: Double, _ theta: [Double]) -> Bool {
            ExactSolver.report(to: monitor, iteration, value, unpack: { coefficients(theta) })
        }
        return try problem.features.withUnsafeCSR { (offsets, columns, values) throws(OptmlError) in
            try problem.labels.withUnsafeBufferPointer { y throws(OptmlError) in
                try withOptionalBuffer(problem.weights) { s throws(OptmlError) in
                    try withOptionalBuffer(problem.shift) { m throws(OptmlError) in
                        let objective = SparseSmoothObjective(
                            rowOffsets: offsets, columns: columns, values: values, labels: y.baseAddress!, weights: s, shift: m,
                            rows: n, features: d, intercept: intercept, loss: smoothLoss(loss), regularization: regularization,
                            totalWeight: totalWeight, threads: options.threads)
                        let outcome = try QuasiNewton(
                            objective: objective, l1: regularization.l1, penalizedCount: k * d,
                            maxIterations: options.maxIterations, tolerance: options.tolerance, historySize: options.historySize
                        ).minimize(from: [Double](repeating: 0, count: objective.parameterCount), report: report)
                        return (coefficients(outcome.theta), makeReport(regularization.l1 > 0 ? "owlqn" : "lbfgs", outcome))
                    }
                }
            }
        }
    }
}
