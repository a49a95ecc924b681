/// Bootstrap resample counts drawn as independent Poisson(1) variables, one per example, from a
/// counter-based generator: the count of example `i` in resample `r` is a pure function of
/// `(seed, r, i)`.
///
/// Why Poisson rather than drawing n indices with replacement: the multinomial counts of the
/// classic bootstrap are, for large n, independent Poisson(1) variables (the "Poisson
/// bootstrap", Hanley & MacGibbon 2006; Chamandy et al. 2012), and independent counts can be
/// generated in any order. So one resample is a single streaming pass in whatever order a
/// metric needs (decreasing score for AUC), with no index buffer and no random memory access;
/// two models evaluated on the same rows with the same seed see the same resamples, which makes
/// the paired comparison exact; and the result does not depend on the number of threads. The
/// resample size is Poisson(n) instead of exactly n, which changes standard deviations by a
/// relative O(1/n).
///
/// Generator: SplitMix64's finaliser applied to `key(r) + i · γ` (γ the golden-ratio increment),
/// with `key(r) = mix(seed + (r + 1) · 0xD1B54A32D192ED03)`. The high 32 bits `u` give the count
/// `#{j : u ≥ T_j}` over sixteen thresholds `T_j = ⌊2³² · P(X ≤ j)⌋` (X ~ Poisson(1), j = 0 …
/// 11; the last four are `UInt32.max`), i.e. inversion sampling quantised to 2⁻³². The
/// Python script that makes the bootstrap fixtures reproduces this bit for bit.
struct PoissonResampler: Sendable {
    /// `⌊2³² · P(X ≤ j)⌋` for j = 0 … 11, then `UInt32.max` four times.
    static let thresholds: SIMD16<UInt32> = {
        var t = SIMD16<UInt32>(repeating: .max)
        var term = 1.0 / 2.718281828459045  // e⁻¹ = P(X = 0)
        var cumulative = term
        for j in 0 ..< 12 {
            t[j] = UInt32(cumulative * 4_294_967_296.0)
            term /= Double(j + 1)
            cumulative += term
        }
        return t
    }()

    let seed: UInt64

    init(seed: UInt64) { self.seed = seed }

    /// SplitMix64's output function (Steele, Lea & Flood 2014).
    @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The counts of resample `r`.
    func counts(resample r: Int) -> PoissonCounts {
        PoissonCounts(key: Self.mix(seed &+ UInt64(r + 1) &* 0xD1B5_4A32_D192_ED03), thresholds: Self.thresholds)
    }
}

/// Where a resampling pass gets the multiplicity of each example.
protocol ResampleCounts {
    /// How many times example `i` (its index in the caller's input order) is drawn.
    func count(_ i: Int) -> Double
}

/// Every example exactly once: the pass then computes the metrics of the data itself.
struct UnitCounts: ResampleCounts {
    @inline(__always) func count(_: Int) -> Double { 1 }
}

/// The Poisson(1) counts of one resample (see `PoissonResampler`).
struct PoissonCounts: ResampleCounts {
    let key: UInt64
    let thresholds: SIMD16<UInt32>

    @inline(__always)
    func count(_ i: Int) -> Double {
        let u = UInt32(truncatingIfNeeded: PoissonResampler.mix(key &+ UInt64(i) &* 0x9E37_79B9_7F4A_7C15) >> 32)
        let hits = SIMD16<UInt32>(repeating: 0).replacing(with: 1, where: SIMD16(repeating: u) .>= thresholds)
        return Double(hits.wrappedSum())
    }
}
