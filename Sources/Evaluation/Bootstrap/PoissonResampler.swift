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
    // The twelve finite thresholds as plain stored values: twelve scalar compare-and-adds per row
    // (no branch to mispredict). A SIMD16 compare and horizontal sum compiled to a scalarised
    // sequence several times slower, and this function runs once per row per resample.
    private let t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11: UInt32

    init(key: UInt64, thresholds: SIMD16<UInt32>) {
        self.key = key
        (t0, t1, t2, t3) = (thresholds[0], thresholds[1], thresholds[2], thresholds[3])
        (t4, t5, t6, t7) = (thresholds[4], thresholds[5], thresholds[6], thresholds[7])
        (t8, t9, t10, t11) = (thresholds[8], thresholds[9], thresholds[10], thresholds[11])
        // thresholds[12...] are UInt32.max, reached by no 32-bit u beyond the first eleven's
        // count except u = UInt32.max itself, which they do count.
        precondition((12 ..< 16).allSatisfy { thresholds[$0] == .max }, "the last four thresholds are UInt32.max")
    }

    @inline(__always)
    func count(_ i: Int) -> Double {
        let u = UInt32(truncatingIfNeeded: PoissonResampler.mix(key &+ UInt64(i) &* 0x9E37_79B9_7F4A_7C15) >> 32)
        var k = (u >= t0 ? 1 : 0) &+ (u >= t1 ? 1 : 0) &+ (u >= t2 ? 1 : 0) &+ (u >= t3 ? 1 : 0)
        k &+= (u >= t4 ? 1 : 0) &+ (u >= t5 ? 1 : 0) &+ (u >= t6 ? 1 : 0) &+ (u >= t7 ? 1 : 0)
        k &+= (u >= t8 ? 1 : 0) &+ (u >= t9 ? 1 : 0) &+ (u >= t10 ? 1 : 0) &+ (u >= t11 ? 1 : 0)
        // The four UInt32.max thresholds of the SIMD form count only u == UInt32.max.
        k &+= u == .max ? 4 : 0
        return Double(k)
    }
}
