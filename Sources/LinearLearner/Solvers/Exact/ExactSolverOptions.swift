import LinearAlgebra

/// Settings of `ExactSolver`.
public struct ExactSolverOptions: Sendable, Equatable {
    /// Iteration cap of the iterative methods (L-BFGS, OWL-QN, Newton, IRLS). Default 1000.
    public var maxIterations: Int
    /// Convergence tolerance, relative: gradient methods stop when `‖∇F‖∞ ≤ tolerance · max(1, |F|)`
    /// (the pseudo-gradient with L1); IRLS stops when the objective's relative change over an
    /// iteration falls below it; coordinate descent when no coordinate moves by more than it
    /// (relative to the largest). Default 1e-7.
    public var tolerance: Double
    /// Threads for the data passes and BLAS. Default: all available cores.
    public var threads: Int
    /// Number of curvature pairs L-BFGS and OWL-QN remember. Default 10.
    public var historySize: Int
    /// Largest feature count for which Newton's method (a d × d Cholesky per iteration) is used
    /// for single-output smooth losses without L1 instead of L-BFGS. Default 200.
    public var newtonMaxFeatures: Int
    /// Warm start of the smooth iterative methods without L1 on large data: the same objective
    /// is first minimized on every `warmStartStride`-th row (when that leaves at least
    /// `20 ×` parameters and 10,000 rows), and the full-data method starts from that minimizer.
    /// The full-data method still runs to `tolerance`, so the result is the same optimum; it
    /// only needs fewer full passes (Newton: about two instead of five). 0 or 1 turns it off.
    /// Default 8.
    public var warmStartStride: Int

    public init(
        maxIterations: Int = 1000, tolerance: Double = 1e-7, threads: Int = BLASThreads.availableCores,
        historySize: Int = 10, newtonMaxFeatures: Int = 200, warmStartStride: Int = 8
    ) {
        precondition(maxIterations >= 1 && tolerance > 0 && threads >= 1 && historySize >= 1 && newtonMaxFeatures >= 0,
                     "invalid ExactSolverOptions")
        self.maxIterations = maxIterations
        self.tolerance = tolerance
        self.threads = threads
        self.historySize = historySize
        self.newtonMaxFeatures = newtonMaxFeatures
        self.warmStartStride = warmStartStride
    }
}
