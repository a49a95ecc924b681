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
/// Generator: resamples come in groups of four (`lanes`). Group `g` has the key
/// `mix(seed + (g + 1) · 0xD1B54A32D192ED03)`, and SplitMix64's finaliser applied to
/// `key + i · γ` (γ the golden-ratio increment) gives one 64-bit word per example whose four
/// 16-bit lanes `v` (lowest first) are the uniforms of resamples `4g … 4g + 3`. A count is the
/// midpoint inversion of the Poisson(1) distribution function at `v`: the smallest `k` with
/// `(v + ½) / 2¹⁶ < P(X ≤ k)`, read from a 65 536-entry table. One word thus serves four
/// resamples, which a pass evaluates together. The Python script that makes the bootstrap
/// fixtures reproduces this bit for bit.
struct PoissonResampler: Sendable {
    /// Resamples per group (16-bit lanes of one generator word).
    static let lanes = 4

    /// `table[v]`: the Poisson(1) count of the 16-bit uniform `v` (0 … 8).
    nonisolated(unsafe) static let table: UnsafePointer<UInt8> = {
        var cdf: [Double] = []
        var term = 1.0 / 2.718281828459045  // e⁻¹ = P(X = 0)
        var cumulative = term
        for j in 0 ..< 16 {
            cdf.append(cumulative)
            term /= Double(j + 1)
            cumulative += term
        }
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 1 << 16)
        var k = 0
        for v in 0 ..< (1 << 16) {
            let u = (Double(v) + 0.5) / 65536
            while u >= cdf[k] { k += 1 }
            table[v] = UInt8(k)
        }
        return UnsafePointer(table)
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

    /// The four resamples `4g … 4g + 3`.
    func group(_ g: Int) -> PoissonGroup {
        PoissonGroup(key: Self.mix(seed &+ UInt64(g + 1) &* 0xD1B5_4A32_D192_ED03), table: Self.table)
    }

    /// The counts of resample `r` alone (lane `r mod 4` of its group).
    func counts(resample r: Int) -> PoissonCounts {
        let group = group(r / Self.lanes)
        return PoissonCounts(key: group.key, shift: UInt64(16 * (r % Self.lanes)), table: group.table)
    }
}

/// Where a resampling pass gets the multiplicity of each example.
protocol ResampleCounts {
    /// How many times example `i` (its index in the caller's input order) is drawn.
    func count(_ i: Int) -> Double
}

/// Where a pass that evaluates four resamples at once gets their multiplicities.
protocol LaneCounts {
    /// How many times example `i` is drawn in each of the four resamples.
    func counts(_ i: Int) -> SIMD4<Double>
}

/// Every example exactly once: the pass then computes the metrics of the data itself (in every
/// lane).
struct UnitCounts: ResampleCounts, LaneCounts {
    @inline(__always) func count(_: Int) -> Double { 1 }
    @inline(__always) func counts(_: Int) -> SIMD4<Double> { SIMD4(repeating: 1) }
}

/// The Poisson(1) counts of one resample (see `PoissonResampler`).
struct PoissonCounts: ResampleCounts, @unchecked Sendable {
    let key: UInt64
    let shift: UInt64
    let table: UnsafePointer<UInt8>

    @inline(__always)
    func count(_ i: Int) -> Double {
        let word = PoissonResampler.mix(key &+ UInt64(i) &* 0x9E37_79B9_7F4A_7C15)
        return Double(table[Int(truncatingIfNeeded: (word >> shift) & 0xFFFF)])
    }
}

/// The Poisson(1) counts of four resamples from one generator word per example.
struct PoissonGroup: LaneCounts, @unchecked Sendable {
    let key: UInt64
    let table: UnsafePointer<UInt8>

    @inline(__always)
    func counts(_ i: Int) -> SIMD4<Double> {
        let word = PoissonResampler.mix(key &+ UInt64(i) &* 0x9E37_79B9_7F4A_7C15)
        return SIMD4(Double(table[Int(truncatingIfNeeded: word & 0xFFFF)]),
                     Double(table[Int(truncatingIfNeeded: (word >> 16) & 0xFFFF)]),
                     Double(table[Int(truncatingIfNeeded: (word >> 32) & 0xFFFF)]),
                     Double(table[Int(truncatingIfNeeded: word >> 48)]))
    }
}
