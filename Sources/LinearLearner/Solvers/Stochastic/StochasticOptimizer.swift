/// The mini-batch update rule of the stochastic solver, as Linear Learner's `optimizer`
/// hyperparameter names it (`auto` selects the exact solvers instead, never one of these).
///
/// With `g` the mini-batch gradient (loss plus L2, see `StochasticSolver`), `η` the scheduled
/// learning rate (times `bias_lr_mult` for intercepts) and `t` the 1-based update count:
///
/// - `sgd`: heavy-ball momentum, `v ← μ·v + g`, `θ ← θ − η·v` (`μ` = `momentum`; 0 is plain SGD).
/// - `adam`: `m ← β₁m + (1−β₁)g`, `v ← β₂v + (1−β₂)g²`,
///   `θ ← θ − η · (m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε)` (Kingma & Ba, with bias correction).
/// - `rmsprop`: `v ← ρv + (1−ρ)g²`, `θ ← θ − η · g / (√v + ε)` with the decay `ρ` read from
///   `beta_2` (Linear Learner has no separate RMSProp decay); no momentum, no bias correction.
public enum StochasticOptimizer: String, Sendable, Codable, CaseIterable {
    case sgd
    case adam
    case rmsprop
}
