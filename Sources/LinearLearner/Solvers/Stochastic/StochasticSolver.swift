import MLCore

/// Mini-batch stochastic optimization (`sgd`, `adam`, `rmsprop`) of the Linear Learner objective
///
///     F(W, b) = (1/S) Σ_i s_i ℓ(x_i·Wᵀ + b, y_i) + (l2/2)(‖W‖² + m‖b‖²) + l1‖W‖₁
///
/// (see `Regularization`), used when the user picks one of SageMaker's stochastic optimizers; the
/// exact solvers handle `optimizer=auto`.
///
/// Each epoch visits every row once, in an order freshly shuffled from the seed (indices are
/// shuffled, the data never moves), in mini-batches of `miniBatchSize` rows (capped at `n`; the
/// last batch of an epoch is smaller when `n` is not a multiple). Each batch gives the unbiased
/// gradient estimate `(1/(|B|·s̄)) Σ_{i∈B} s_i ∇ℓ_i` (`s̄ = S/n`) plus the L2 gradient
/// `l2·W` (and `l2·m·b`); the update rule of `StochasticOptimizer` applies it with the scheduled
/// rate (`LearningRateSchedule`, ×`bias_lr_mult` for intercepts), and L1 is applied afterwards by
/// proximal soft-thresholding of the weights (see `StochasticUpdateRule`), so unsupported weights
/// are exactly 0. Without an intercept the intercepts stay exactly 0.
///
/// L1 caveat: a weight ends exactly at 0 when the (momentum- or moment-averaged) batch gradient of
/// its last updates stays below `l1`. Momentum (`sgd`) and `adam` average about ten batches;
/// `rmsprop` uses each batch's gradient alone, so with small noisy batches it can leave weights
/// the full-batch optimum zeroes at tiny nonzero values of the order of the final step.
///
/// After each epoch one extra pass over all rows computes the exact objective `F` at the epoch's
/// final coefficients (not a running average of batch losses); it goes into the report's history
/// and to the monitor with `iteration` = the 1-based epoch. The run ends after `epochs` epochs or
/// when the monitor returns `false`, and returns the coefficients of the last epoch.
///
/// Determinism: the initial weights come from `SeededGenerator(seed)` and the shuffles from an
/// independent stream derived from the same seed; all arithmetic is single-threaded in a fixed
/// order, so equal inputs and options give bit-identical coefficients and histories.
///
/// Cost: O(n·d·outputs) per epoch for the updates plus the same for the objective pass; memory
/// O(n) for the visiting order plus a few parameter-sized vectors.
public enum StochasticSolver {
    /// Relative change of the objective over the last epoch below which `SolverReport.converged`
    /// is reported (a diagnostic only: the solver never stops on it).
    public static let plateauTolerance = 1e-4

    /// Fits `problem` under `loss` and `regularization` with the stochastic optimizer of `options`.
    ///
    /// - Parameters:
    ///   - monitor: called after every epoch with the exact objective and the current coefficients;
    ///     returning `false` stops the run (Linear Learner's early stopping lives in the caller).
    /// - Returns: the final coefficients and a report whose `method` reads like
    ///   `"adam (mini-batch 1000, 15 epochs)"` (`"…, 3 of 15 epochs"` when stopped early), whose
    ///   `history` holds the objective after each epoch, and whose `converged` says that the run was
    ///   not stopped by the monitor and the last epoch changed `F` by at most `plateauTolerance`
    ///   relative to `max(1, |F|)`.
    /// - Throws: `OptmlError.user` for invalid options (named by hyperparameter), a problem with no
    ///   rows or no feature columns, a NaN or infinite feature or label, negative or non-finite
    ///   example weights or a zero total weight, or a softmax label that is not a class index; `OptmlError.algorithm` when the objective
    ///   becomes NaN or infinite (the learning rate is too large for the data).
    public static func fit(
        _ problem: LinearProblem, loss: LinearLoss, regularization: Regularization,
        options: StochasticSolverOptions, monitor: SolverMonitor? = nil
    ) throws -> (LinearCoefficients, SolverReport) {
        try options.validate()
        try validate(problem, loss: loss)

        let n = problem.exampleCount
        let d = problem.featureCount
        let outputs = loss.outputs
        let weightCount = outputs * d
        let batchSize = min(options.miniBatchSize, n)
        let schedule = options.schedule(rowCount: n)
        let start = initialCoefficients(outputs: outputs, features: d, fitIntercept: problem.fitIntercept, options: options)

        // Work buffers, allocated once per fit: parameters θ = [W, b], the batch gradient, the
        // per-row output scratch, the row-staging buffer and the visiting order.
        let theta = UnsafeMutableBufferPointer<Double>.allocate(capacity: weightCount + outputs)
        defer { theta.deallocate() }
        _ = theta.initialize(from: start.weights.storage + start.intercepts)
        let gradient = UnsafeMutableBufferPointer<Double>.allocate(capacity: theta.count)
        defer { gradient.deallocate() }
        gradient.initialize(repeating: 0)
        let scratch = UnsafeMutableBufferPointer<Double>.allocate(capacity: outputs)
        defer { scratch.deallocate() }
        scratch.initialize(repeating: 0)
        let order = UnsafeMutableBufferPointer<Int>.allocate(capacity: n)
        defer { order.deallocate() }
        for i in 0 ..< n { order.initializeElement(at: i, to: i) }

        var shuffler = SeededGenerator(seed: options.seed ^ shuffleStreamSalt)
        var rule = StochasticUpdateRule(
            options: options, l1: regularization.l1, weightCount: weightCount,
            interceptCount: problem.fitIntercept ? outputs : 0)
        var history: [Double] = []
        var coefficients = start
        var stoppedByMonitor = false
        let totalWeight = problem.totalWeight

        try problem.features.storage.withUnsafeBufferPointer { x in
            try problem.labels.withUnsafeBufferPointer { y in
                try withOptionalBuffer(problem.weights) { s in
                    let objective = StochasticObjective(
                        x: x, y: y, s: s, features: d, loss: loss, regularization: regularization,
                        fitIntercept: problem.fitIntercept, totalWeight: totalWeight)
                    let staging = UnsafeMutableBufferPointer<Double>.allocate(
                        capacity: objective.stagingRows(batchSize: batchSize) * d)
                    defer { staging.deallocate() }
                    staging.initialize(repeating: 0)

                    for epoch in 1 ... options.epochs {
                        if options.shuffle { shuffleIndices(order, using: &shuffler) }
                        var first = 0
                        while first < n {
                            let last = min(first + batchSize, n)
                            objective.batchGradient(
                                UnsafeBufferPointer(rebasing: order[first ..< last]), at: UnsafeBufferPointer(theta),
                                into: gradient, scratch: scratch, staging: staging)
                            rule.apply(
                                rate: schedule.rate(afterUpdates: rule.updates),
                                gradient: UnsafeBufferPointer(gradient), to: theta)
                            first = last
                        }

                        coefficients = LinearCoefficients(
                            weights: DenseMatrix(rows: outputs, columns: d, storage: Array(theta[0 ..< weightCount])),
                            intercepts: Array(theta[weightCount...]))
                        let value = objective.dataLoss(UnsafeBufferPointer(theta), scratch: scratch)
                            + regularization.penalty(coefficients)
                        guard value.isFinite else {
                            throw OptmlError.algorithm(
                                "The \(options.optimizer.rawValue) optimizer diverged in epoch \(epoch): the training objective became "
                                    + (value.isNaN ? "NaN" : "infinite") + ". Lower learning_rate (currently \(options.learningRate)).")
                        }
                        history.append(value)
                        if let monitor, !monitor(SolverProgress(iteration: epoch, objective: value, coefficients: coefficients)) {
                            stoppedByMonitor = true
                            break
                        }
                    }
                }
            }
        }

        let epochsRun = history.count
        let final = history.last!
        let plateaued = epochsRun >= 2
            && abs(history[epochsRun - 2] - final) <= plateauTolerance * max(1, abs(final))
        let epochText = epochsRun == options.epochs ? "\(epochsRun) epochs" : "\(epochsRun) of \(options.epochs) epochs"
        let report = SolverReport(
            method: "\(options.optimizer.rawValue) (mini-batch \(batchSize), \(epochText))",
            iterations: epochsRun, converged: plateaued && !stoppedByMonitor, objective: final,
            history: history, stoppedByMonitor: stoppedByMonitor)
        return (coefficients, report)
    }

    /// The coefficients `fit` starts from: weights drawn row-major from `SeededGenerator(seed)`
    /// (uniform on `[−scale, scale)` or `N(0, sigma²)`), intercepts `initialBias`, or 0 without
    /// an intercept.
    public static func initialCoefficients(
        outputs: Int, features: Int, fitIntercept: Bool, options: StochasticSolverOptions
    ) -> LinearCoefficients {
        var generator = SeededGenerator(seed: options.seed)
        var weights = [Double](repeating: 0, count: outputs * features)
        switch options.initialization {
        case .uniform(let scale):
            for j in weights.indices { weights[j] = scale * (2 * generator.nextUnit() - 1) }
        case .normal(let sigma):
            for j in weights.indices { weights[j] = sigma * generator.nextGaussian() }
        }
        let intercepts = [Double](repeating: fitIntercept ? options.initialBias : 0, count: outputs)
        return LinearCoefficients(weights: DenseMatrix(rows: outputs, columns: features, storage: weights), intercepts: intercepts)
    }

    /// XORed into the seed for the shuffle stream, so the visiting order does not depend on how
    /// many weights were drawn first (and vice versa).
    private static let shuffleStreamSalt: UInt64 = 0x5348_5546_464C_4521

    /// Fisher–Yates shuffle in place. `j` is the high word of `r · (i + 1)` for a 64-bit draw `r`
    /// (Lemire's multiply-shift without rejection; bias below `n / 2⁶⁴`), written out so the order
    /// depends only on `SeededGenerator`, not on the standard library's shuffle algorithm.
    static func shuffleIndices(_ order: UnsafeMutableBufferPointer<Int>, using generator: inout SeededGenerator) {
        var i = order.count - 1
        while i > 0 {
            let j = Int(truncatingIfNeeded: generator.next().multipliedFullWidth(by: UInt64(i + 1)).high)
            order.swapAt(i, j)
            i -= 1
        }
    }

    private static func validate(_ problem: LinearProblem, loss: LinearLoss) throws {
        guard problem.exampleCount > 0 else {
            throw OptmlError.user("The training data has no rows; the stochastic optimizer needs at least one.")
        }
        guard problem.featureCount > 0 else {
            throw OptmlError.user("The training data has no feature columns; Linear Learner needs at least one feature.")
        }
        let d = problem.featureCount
        for (index, value) in problem.features.storage.enumerated() where !value.isFinite {
            throw OptmlError.user(
                "Feature value \(value) at row \(index / d), column \(index % d) is not finite; "
                    + "the stochastic optimizer needs finite features (impute or drop missing values first).")
        }
        for (i, label) in problem.labels.enumerated() where !label.isFinite {
            throw OptmlError.user("Label \(label) at row \(i) is not finite.")
        }
        if let weights = problem.weights {
            for (i, w) in weights.enumerated() where !(w.isFinite && w >= 0) {
                throw OptmlError.user("Example weight \(w) at row \(i) is invalid. Expecting: a finite float ≥ 0.")
            }
            guard problem.totalWeight > 0 else {
                throw OptmlError.user("Every example weight is 0; at least one row must have a positive weight.")
            }
        }
        if case .softmax(let classes) = loss {
            for (i, label) in problem.labels.enumerated()
            where !(label >= 0 && label < Double(classes) && label == label.rounded()) {
                throw OptmlError.user(
                    "Label \(label) at row \(i) is not a class index. Expecting: an integer in 0 ... \(classes - 1) (num_classes = \(classes)).")
            }
        }
    }
}

/// Calls `body` with a buffer over `array`, or with `nil` when there is no array.
private func withOptionalBuffer<R>(
    _ array: [Double]?, _ body: (UnsafeBufferPointer<Double>?) throws -> R
) rethrows -> R {
    guard let array else { return try body(nil) }
    return try array.withUnsafeBufferPointer { try body($0) }
}
