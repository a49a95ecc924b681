import MLCore

/// Every setting of the mini-batch stochastic solver: Linear Learner's SGD hyperparameters in
/// Swift form, with `auto` already resolved by `defaults(for:)`.
///
/// Field ↔ hyperparameter: `optimizer`, `epochs`, `mini_batch_size`, `learning_rate`, `momentum`,
/// `beta_1`, `beta_2` (also the RMSProp decay), `bias_lr_mult`, `use_lr_scheduler`,
/// `lr_scheduler_step`, `lr_scheduler_factor`, `lr_scheduler_minimum_lr`, `init_method` with
/// `init_scale` / `init_sigma`, `init_bias`. `epsilon`, `seed` and `shuffle` have no wire name.
///
/// The solver checks the values with `validate()` before it starts, so a bad field is reported with
/// its hyperparameter name even when the options were built by hand.
public struct StochasticSolverOptions: Sendable, Equatable {
    /// How the weights start (`init_method`); intercepts start at `initialBias`.
    public enum Initialization: Sendable, Equatable {
        /// Independent draws from the uniform distribution on `[−scale, scale]` (`init_scale`).
        case uniform(scale: Double)
        /// Independent draws from `N(0, sigma²)` (`init_sigma`).
        case normal(sigma: Double)
    }

    /// The update rule.
    public var optimizer: StochasticOptimizer
    /// Passes over the training rows (≥ 1); fewer when the monitor stops the run.
    public var epochs: Int
    /// Rows per update (≥ 1); capped at the row count, and the last batch of an epoch is smaller
    /// when the row count is not a multiple.
    public var miniBatchSize: Int
    /// Initial learning rate η (> 0).
    public var learningRate: Double
    /// Heavy-ball momentum μ in [0, 1) (`sgd` only).
    public var momentum: Double
    /// First-moment decay β₁ in [0, 1) (`adam` only).
    public var beta1: Double
    /// Second-moment decay β₂ in [0, 1) (`adam`), and the squared-gradient decay ρ of `rmsprop`.
    public var beta2: Double
    /// Denominator guard ε (> 0) of `adam` and `rmsprop`.
    public var epsilon: Double
    /// Learning-rate multiplier (> 0) for the intercepts.
    public var biasLearningRateMultiplier: Double
    /// Whether the step-decay schedule (`LearningRateSchedule`) is applied.
    public var useScheduler: Bool
    /// Updates between two decays (≥ 1), or `nil` (`auto`) for one epoch's worth of mini-batches,
    /// `⌈n / miniBatchSize⌉`, which the solver resolves once it knows the row count `n`.
    public var schedulerStep: Int?
    /// Rate multiplier at each decay, in (0, 1].
    public var schedulerFactor: Double
    /// Rate the decay stops at (> 0).
    public var schedulerMinimumLearningRate: Double
    /// Weight initialization.
    public var initialization: Initialization
    /// Starting value of every intercept (ignored, i.e. kept at 0, without an intercept).
    public var initialBias: Double
    /// Seed of the initial weights and of the epoch shuffles: equal seeds give bit-identical runs.
    public var seed: UInt64
    /// Whether each epoch visits the rows in a fresh seeded random order (`false`: file order).
    public var shuffle: Bool

    /// The `auto` values for `optimizer`; see `defaults(for:)`.
    public init(optimizer: StochasticOptimizer = .adam) {
        self.optimizer = optimizer
        epochs = 15
        miniBatchSize = 1000
        switch optimizer {
        case .sgd: learningRate = 0.01
        case .adam: learningRate = 0.03
        case .rmsprop: learningRate = 0.01
        }
        momentum = 0.9
        beta1 = 0.9
        beta2 = optimizer == .rmsprop ? 0.9 : 0.999
        epsilon = 1e-8
        biasLearningRateMultiplier = 1
        useScheduler = true
        schedulerStep = nil
        schedulerFactor = 0.9
        schedulerMinimumLearningRate = 1e-5
        initialization = .uniform(scale: 0.07)
        initialBias = 0
        seed = 0
        shuffle = true
    }

    /// The values `auto` (and the unset hyperparameters) stand for with `optimizer`.
    ///
    /// | field | sgd | adam | rmsprop |
    /// |---|---|---|---|
    /// | `epochs` / `miniBatchSize` | 15 / 1000 | 15 / 1000 | 15 / 1000 |
    /// | `learningRate` | 0.01 | 0.03 | 0.01 |
    /// | `momentum` | 0.9 | (unused) | (unused) |
    /// | `beta1` / `beta2` | (unused) | 0.9 / 0.999 | – / 0.9 (decay ρ) |
    /// | `epsilon` | – | 1e-8 | 1e-8 |
    /// | `biasLearningRateMultiplier` | 1 | 1 | 1 |
    /// | scheduler | on, step = one epoch of batches, factor 0.9, minimum 1e-5 | same | same |
    /// | initialization | uniform ±0.07, bias 0 | same | same |
    ///
    /// The epoch/batch/initialization values are Linear Learner's documented defaults. The rates
    /// were chosen on standardized features (`normalize_data`) with normalized labels, over
    /// squared, logistic, softmax, hinge, quantile and absolute losses with 10⁴–10⁵ rows and the
    /// default 15 epochs of 1000-row batches, where they end within about 10⁻³ (relative) of the
    /// optimum: SGD's 0.01 with momentum 0.9 is an effective step of 0.1, which stays stable when
    /// the feature correlation matrix has eigenvalues up to ≈ 38 (larger rates diverge on strongly
    /// correlated features); Adam and RMSProp steps are ≈ η per coordinate whatever the gradient
    /// scale, and RMSProp, without bias correction, starts with steps ≈ η/√(1−ρ) ≈ 3η, hence its
    /// smaller η. With fewer than ≈ 10 updates per epoch (small data at the default batch size)
    /// 15 epochs are too few for any of them: raise `epochs` or lower `miniBatchSize`. The
    /// per-epoch decay of 0.9 shrinks the rate ≈ 5× over 15 epochs, averaging out mini-batch noise
    /// near the optimum; RMSProp's ρ = 0.9 is Hinton's and MXNet's default. `seed` is 0 and
    /// `shuffle` is on.
    public static func defaults(for optimizer: StochasticOptimizer) -> StochasticSolverOptions {
        StochasticSolverOptions(optimizer: optimizer)
    }

    /// The learning-rate schedule these options describe for `rowCount` training rows.
    public func schedule(rowCount: Int) -> LearningRateSchedule {
        let batch = max(1, min(miniBatchSize, rowCount))
        let step = schedulerStep ?? max(1, (rowCount + batch - 1) / batch)
        return LearningRateSchedule(
            initial: learningRate, step: max(1, step), factor: schedulerFactor,
            minimum: schedulerMinimumLearningRate, isEnabled: useScheduler)
    }

    /// Checks every field against its valid range.
    ///
    /// - Throws: `OptmlError.user` in the form `Invalid hyperparameter value <v> for <name>.
    ///   Expecting: <range>` naming the first bad field by its hyperparameter name.
    public func validate() throws {
        func fail(_ value: CustomStringConvertible, _ name: String, _ expecting: String) -> OptmlError {
            .user("Invalid hyperparameter value \(value) for \(name). Expecting: \(expecting)")
        }
        func isPositive(_ x: Double) -> Bool { x.isFinite && x > 0 }
        func isFraction(_ x: Double) -> Bool { x >= 0 && x < 1 }

        guard epochs >= 1 else { throw fail(epochs, "epochs", "A positive integer") }
        guard miniBatchSize >= 1 else { throw fail(miniBatchSize, "mini_batch_size", "A positive integer") }
        guard isPositive(learningRate) else { throw fail(learningRate, "learning_rate", "A float > 0") }
        guard isFraction(momentum) else { throw fail(momentum, "momentum", "A float in [0,1)") }
        guard isFraction(beta1) else { throw fail(beta1, "beta_1", "A float in [0,1)") }
        guard isFraction(beta2) else { throw fail(beta2, "beta_2", "A float in [0,1)") }
        guard isPositive(epsilon) else { throw fail(epsilon, "epsilon", "A float > 0") }
        guard isPositive(biasLearningRateMultiplier) else {
            throw fail(biasLearningRateMultiplier, "bias_lr_mult", "A float > 0")
        }
        if let step = schedulerStep, step < 1 { throw fail(step, "lr_scheduler_step", "A positive integer") }
        guard schedulerFactor > 0, schedulerFactor <= 1 else {
            throw fail(schedulerFactor, "lr_scheduler_factor", "A float in (0,1]")
        }
        guard isPositive(schedulerMinimumLearningRate) else {
            throw fail(schedulerMinimumLearningRate, "lr_scheduler_minimum_lr", "A float > 0")
        }
        switch initialization {
        case .uniform(let scale):
            guard isPositive(scale) else { throw fail(scale, "init_scale", "A float > 0") }
        case .normal(let sigma):
            guard isPositive(sigma) else { throw fail(sigma, "init_sigma", "A float > 0") }
        }
        guard initialBias.isFinite else { throw fail(initialBias, "init_bias", "A finite float") }
    }
}
