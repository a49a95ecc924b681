import Foundation

/// How standard deviations are estimated: a seeded Poisson bootstrap (see `PoissonResampler`).
public struct BootstrapOptions: Sendable, Equatable {
    /// Number of resamples; 200 by default. 0 disables the bootstrap (every standard deviation is
    /// then "NaN").
    public var resamples: Int
    /// Seed of the resample generator; the same seed gives the same standard deviations on any
    /// machine and any thread count.
    public var seed: UInt64
    /// Worker threads; resamples are split among them. Defaults to the active processor count.
    public var threads: Int
    /// Below this many examples the standard deviations are reported as "NaN", as Model Monitor
    /// does ("provided only when at least 200 samples are available"). 200 by default.
    public var minimumExamples: Int

    public init(resamples: Int = 200, seed: UInt64 = 0, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                minimumExamples: Int = 200) {
        self.resamples = resamples
        self.seed = seed
        self.threads = threads
        self.minimumExamples = minimumExamples
    }
}
