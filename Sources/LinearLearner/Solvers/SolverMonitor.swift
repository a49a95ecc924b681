/// A snapshot a solver hands to its monitor after each iteration (exact solvers) or epoch
/// (stochastic solvers).
public struct SolverProgress: Sendable {
    /// 1-based iteration or epoch number.
    public var iteration: Int
    /// The objective `F(W, b)` (see `Regularization`) at `coefficients`, or the solver's running
    /// estimate of it for stochastic solvers.
    public var objective: Double
    /// The current coefficients.
    public var coefficients: LinearCoefficients

    public init(iteration: Int, objective: Double, coefficients: LinearCoefficients) {
        self.iteration = iteration
        self.objective = objective
        self.coefficients = coefficients
    }
}

/// Called after each iteration or epoch; returning `false` stops the solver early (e.g. validation
/// early stopping), which then returns the coefficients of that snapshot.
public typealias SolverMonitor = (SolverProgress) -> Bool

/// What a solver did: the method used, how long it ran and whether it met its tolerance.
public struct SolverReport: Sendable, Codable, Equatable {
    /// The method actually used, e.g. `"normal-equations"`, `"lbfgs"`, `"owlqn"`, `"irls"`.
    public var method: String
    /// Iterations (or epochs) performed.
    public var iterations: Int
    /// Whether the convergence criterion was met (false when stopped by iteration cap or monitor).
    public var converged: Bool
    /// Final objective value.
    public var objective: Double
    /// Objective after each iteration, oldest first.
    public var history: [Double]
    /// Whether the monitor asked to stop.
    public var stoppedByMonitor: Bool

    public init(method: String, iterations: Int, converged: Bool, objective: Double, history: [Double], stoppedByMonitor: Bool) {
        self.method = method
        self.iterations = iterations
        self.converged = converged
        self.objective = objective
        self.history = history
        self.stoppedByMonitor = stoppedByMonitor
    }
}
