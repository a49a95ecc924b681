/// Short-vector kernels for the per-row passes, on SIMD4 lanes of doubles.
///
/// Multiply and add stay separate operations: the package builds for baseline x86-64, where
/// `addProduct` (a fused multiply-add) becomes a call to libm's `fma` per lane — 20× slower.
///
/// For the narrow rows of typical tabular data (d in the tens) a BLAS call per block pays packing
/// and dispatch costs larger than the arithmetic; these loops read each row once, while it is in
/// L1, and keep the weights and gradient rows hot in L1 as well.
enum RowKernels {
    /// `Σ_j a_j b_j` over `n` values, with two vector accumulators (the sum is in a fixed order, so the
    /// result is deterministic for a given `n`).
    @inline(__always)
    static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int) -> Double {
        let ra = UnsafeRawPointer(a)
        let rb = UnsafeRawPointer(b)
        var s0 = SIMD4<Double>()
        var s1 = SIMD4<Double>()
        var j = 0
        while j + 8 <= n {
            s0 += ra.loadUnaligned(fromByteOffset: j &* 8, as: SIMD4<Double>.self)
                * rb.loadUnaligned(fromByteOffset: j &* 8, as: SIMD4<Double>.self)
            s1 += ra.loadUnaligned(fromByteOffset: (j &+ 4) &* 8, as: SIMD4<Double>.self)
                * rb.loadUnaligned(fromByteOffset: (j &+ 4) &* 8, as: SIMD4<Double>.self)
            j &+= 8
        }
        if j + 4 <= n {
            s0 += ra.loadUnaligned(fromByteOffset: j &* 8, as: SIMD4<Double>.self)
                * rb.loadUnaligned(fromByteOffset: j &* 8, as: SIMD4<Double>.self)
            j &+= 4
        }
        var s = (s0 + s1).sum()
        while j < n {
            s += a[j] * b[j]
            j &+= 1
        }
        return s
    }

    /// `y ← y + α·x` over `n` values.
    @inline(__always)
    static func axpy(_ alpha: Double, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ n: Int) {
        let rx = UnsafeRawPointer(x)
        let ry = UnsafeMutableRawPointer(y)
        let a = SIMD4<Double>(repeating: alpha)
        var j = 0
        while j + 4 <= n {
            let v = ry.loadUnaligned(fromByteOffset: j &* 8, as: SIMD4<Double>.self)
                + a * rx.loadUnaligned(fromByteOffset: j &* 8, as: SIMD4<Double>.self)
            ry.storeBytes(of: v, toByteOffset: j &* 8, as: SIMD4<Double>.self)
            j &+= 4
        }
        while j < n {
            y[j] += alpha * x[j]
            j &+= 1
        }
    }
}
