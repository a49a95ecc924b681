import CKernels

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
/// Generator: resamples come in groups of sixteen (`lanes`). Group `g` has eight 32-bit keys, the
/// low and high halves of SplitMix64's finaliser applied to `seed + (4g + q + 1) · 0xD1B54A32D192ED03`
/// for q = 0 … 3 (key 2q the low half). For example `i`, word k of the group is MurmurHash3's
/// 32-bit finaliser of `key[k] + i · 0x9E3779B9` (mod 2³²); its low 16 bits are the uniform of
/// resample `16g + 2k`, its high 16 bits that of `16g + 2k + 1`. A count is the midpoint
/// inversion of the Poisson(1) distribution function at the uniform `v`: the smallest `k` with
/// `(v + ½) / 2¹⁶ < P(X ≤ k)`, which is the number of the eight thresholds `v` reaches. The
/// binary pass computes the sixteen counts of a row with a few vector instructions
/// (`optml_binary_resample_pass`); the Python script that makes the bootstrap fixtures
/// reproduces the counts bit for bit.
struct PoissonResampler: Sendable {
    /// Resamples per group.
    static let lanes = Int(OPTML_BOOTSTRAP_LANES)

    /// `table[v]`: the Poisson(1) count of the 16-bit uniform `v` (0 … 8).
    static let table: [UInt8] = {
        var cdf: [Double] = []
        var term = 1.0 / 2.718281828459045  // e⁻¹ = P(X = 0)
        var cumulative = term
        for j in 0 ..< 16 {
            cdf.append(cumulative)
            term /= Double(j + 1)
            cumulative += term
        }
        var table = [UInt8](repeating: 0, count: 1 << 16)
        var k = 0
        for v in 0 ..< (1 << 16) {
            let u = (Double(v) + 0.5) / 65536
            while u >= cdf[k] { k += 1 }
            table[v] = UInt8(k)
        }
        return table
    }()

    /// `thresholds[t]`: the smallest uniform whose count exceeds `t` (t = 0 … 7).
    static let thresholds: [UInt16] = (0 ..< 8).map { t in
        UInt16(table.firstIndex { Int($0) > t }!)
    }

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

    /// MurmurHash3's 32-bit finaliser.
    @inline(__always)
    static func fmix32(_ x: UInt32) -> UInt32 {
        var h = x
        h ^= h >> 16
        h &*= 0x85EB_CA6B
        h ^= h >> 13
        h &*= 0xC2B2_AE35
        return h ^ (h >> 16)
    }

    /// The eight keys of group `g` (resamples `16g … 16g + 15`).
    func group(_ g: Int) -> PoissonGroup {
        var keys: [UInt32] = []
        for q in 0 ..< 4 {
            let word = Self.mix(seed &+ UInt64(4 * g + q + 1) &* 0xD1B5_4A32_D192_ED03)
            keys.append(UInt32(truncatingIfNeeded: word))
            keys.append(UInt32(truncatingIfNeeded: word >> 32))
        }
        return PoissonGroup(keys: keys)
    }

    /// The counts of resample `r` alone.
    func counts(resample r: Int) -> PoissonCounts {
        let lane = r % Self.lanes
        return PoissonCounts(key: group(r / Self.lanes).keys[lane / 2], shift: UInt32(16 * (lane % 2)))
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
struct PoissonCounts: ResampleCounts, Sendable {
    let key: UInt32
    let shift: UInt32

    @inline(__always)
    func count(_ i: Int) -> Double {
        let word = PoissonResampler.fmix32(key &+ UInt32(truncatingIfNeeded: i) &* 0x9E37_79B9)
        return PoissonResampler.table.withUnsafeBufferPointer { Double($0[Int((word >> shift) & 0xFFFF)]) }
    }
}

/// The keys of a group of sixteen resamples (see `PoissonResampler`).
struct PoissonGroup: Sendable {
    let keys: [UInt32]

    /// The sixteen counts of example `i`, computed by the vector kernel the binary pass uses.
    func counts(_ i: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: PoissonResampler.lanes)
        keys.withUnsafeBufferPointer { k in
            PoissonResampler.thresholds.withUnsafeBufferPointer { t in
                out.withUnsafeMutableBufferPointer { o in
                    optml_poisson_lanes(k.baseAddress!, t.baseAddress!, UInt32(truncatingIfNeeded: i), o.baseAddress!)
                }
            }
        }
        return out
    }
}
