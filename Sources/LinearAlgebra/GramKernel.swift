import CKernels

/// Gram updates of tall, narrow row-major blocks by optml's own register-tiled kernel
/// (`optml_gram_update`: AVX-512 or AVX2 with FMA, chosen at run time), with BLAS `syrk` where it
/// has none.
///
/// BLAS `syrk` packs both operands before its kernel runs; for blocks of a few thousand rows and
/// up to a few hundred columns the packing is most of its time. This kernel reads the rows where
/// they are, 128 at a time so they stay in cache while every tile of the triangle passes, prefetches
/// the next rows, and weights rows on the fly (no scaled copy of the block).
public enum GramKernel {
    /// The instruction sets the kernel may use: `.best` on this machine, or `.avx2` at most (tests).
    public enum Ceiling: Int32, Sendable {
        case avx2 = 1
        case best = 2
    }

    /// The upper triangle (`j ≥ i`) of `g += Xᵀ diag(weights) X` for a row-major `rows × columns`
    /// block `x` (leading dimension `ldx`); `weights` nil means all ones; `g` is `columns × columns`
    /// row-major with leading dimension `ldg`. The strict lower triangle is left as it was. Weights
    /// must not be negative.
    public static func update(x: UnsafePointer<Double>, rows: Int, columns: Int, ldx: Int,
                              weights: UnsafePointer<Double>?, g: UnsafeMutablePointer<Double>, ldg: Int,
                              ceiling: Ceiling = .best) {
        guard rows > 0, columns > 0 else { return }
        if optml_gram_update_up_to(x, Int64(rows), Int64(columns), Int64(ldx), weights, g, Int64(ldg), Int32(ceiling.rawValue)) != 0 {
            return
        }
        guard let weights else {
            BLAS.syrk(transpose: true, n: columns, k: rows, alpha: 1, a: x, lda: ldx, beta: 1, c: g, ldc: ldg)
            return
        }
        // No kernel here: BLAS on a copy scaled by √w, a block of rows at a time.
        let block = 256
        let scaled = UnsafeMutablePointer<Double>.allocate(capacity: block * columns)
        defer { scaled.deallocate() }
        var start = 0
        while start < rows {
            let m = min(block, rows - start)
            for i in 0 ..< m {
                let s = weights[start + i].squareRoot()
                let src = x + (start + i) * ldx, dst = scaled + i * columns
                for j in 0 ..< columns { dst[j] = s * src[j] }
            }
            BLAS.syrk(transpose: true, n: columns, k: m, alpha: 1, a: scaled, lda: columns, beta: 1, c: g, ldc: ldg)
            start += m
        }
    }

    /// The kernel `update` uses here for blocks of `columns` columns: "avx512", "avx2" or "blas".
    public static func kernelName(columns: Int, ceiling: Ceiling = .best) -> String {
        String(cString: optml_gram_kernel_name(Int64(columns), Int32(ceiling.rawValue)))
    }
}
