import Foundation

/// The step-decay learning-rate schedule of the stochastic solver (`use_lr_scheduler`,
/// `lr_scheduler_step`, `lr_scheduler_factor`, `lr_scheduler_minimum_lr`).
///
/// After `k` completed mini-batch updates the rate is
///
///     max(floor, initial · factor^⌊k / step⌋),   floor = min(minimum, initial)
///
/// so the rate drops by `factor` every `step` updates and never falls below the minimum (a
/// minimum above the initial rate leaves the rate constant instead of raising it). A disabled
/// schedule returns `initial` for every `k`.
public struct LearningRateSchedule: Sendable, Equatable {
    /// Rate of the first `step` updates.
    public var initial: Double
    /// Updates between two decays (≥ 1).
    public var step: Int
    /// Multiplier applied at each decay, in (0, 1].
    public var factor: Double
    /// Lower bound the decay stops at (> 0).
    public var minimum: Double
    /// Whether the rate decays at all.
    public var isEnabled: Bool

    /// A schedule starting at `initial` and multiplying by `factor` every `step` updates, down to `minimum`.
    public init(initial: Double, step: Int, factor: Double, minimum: Double, isEnabled: Bool = true) {
        precondition(step >= 1, "lr_scheduler_step must be at least 1, got \(step)")
        self.initial = initial
        self.step = step
        self.factor = factor
        self.minimum = minimum
        self.isEnabled = isEnabled
    }

    /// A schedule that keeps `rate` for every update.
    public static func constant(_ rate: Double) -> LearningRateSchedule {
        LearningRateSchedule(initial: rate, step: 1, factor: 1, minimum: rate, isEnabled: false)
    }

    /// The rate used for the update that follows `completedUpdates` earlier updates (0 for the first).
    ///
    /// Uses `pow(factor, ⌊k/step⌋)`, so it is exact to a few ulps rather than the product of
    /// repeated multiplications.
    public func rate(afterUpdates completedUpdates: Int) -> Double {
        guard isEnabled else { return initial }
        let decays = completedUpdates / step
        let floor = min(minimum, initial)
        return max(floor, initial * pow(factor, Double(decays)))
    }
}
