import LinearAlgebra

/// The weighted Gram matrix of the augmented rows `z_i = [x_i, 1]` and a weighted row sum, built
/// block by block in one pass over the data.
///
/// Computes `G = Σ_i v_i z_i z_iᵀ` (upper triangle of a `dz × dz` row-major array,
/// `dz = d + 1` with an intercept, else `d`) and `r = Σ_i u_i z_i` for row weights `v_i ≥ 0` and
/// linear weights `u_i`. The intercept column is never materialised: its Gram entries are the
/// weighted column sums `Σ v_i x_i` and `Σ v_i`. Cost n·d² flops (`GramKernel`) plus O(n·d).
struct WeightedGram {
    /// Upper triangle of `Σ v_i z_i z_iᵀ`, `dz × dz` row-major (the strict lower triangle is zero).
    var gram: [Double]
    /// `Σ u_i z_i` (all zeros when no linear weights were given).
    var linear: [Double]
    /// `dz`.
    var dimension: Int

    /// One pass over `x` (`n × d` row-major, leading dimension `d`).
    ///
    /// `rowWeights == nil` means `v_i = 1`; `linearWeights == nil` skips `r`. Each block goes to
    /// `GramKernel` (optml's register-tiled kernel, which weights rows on the fly; BLAS `dsyrk`
    /// where it has no kernel).
    ///
    /// `singlePrecisionProducts` (row weights only) forms each block's `BᵀB` in Float32 (`ssyrk`:
    /// twice the arithmetic rate and half the packing traffic of `dsyrk`) and adds it to the
    /// Float64 total. Each entry then carries a relative error of about 1e-6 — right for a Newton
    /// Hessian, whose error only changes the step, never the optimum (the gradient stays exact),
    /// and wrong for the normal equations, which solve with the Gram itself.
    init(
        x: UnsafePointer<Double>, rows n: Int, columns d: Int, intercept: Bool,
        rowWeights: UnsafePointer<Double>?, linearWeights: UnsafePointer<Double>?, threads: Int,
        singlePrecisionProducts: Bool = false
    ) {
        let single = singlePrecisionProducts && rowWeights != nil
        let dz = intercept ? d + 1 : d
        let workers = RowWorkers(rows: n, threads: threads)
        let blockRows = RowWorkers.blockRows
        let gramSize = dz * dz
        // Per-worker accumulators: Gram, linear term, and a block buffer for scaled rows / ones.
        let grams = UnsafeMutablePointer<Double>.allocate(capacity: workers.count * gramSize)
        grams.initialize(repeating: 0, count: workers.count * gramSize)
        let linears = UnsafeMutablePointer<Double>.allocate(capacity: workers.count * dz)
        linears.initialize(repeating: 0, count: workers.count * dz)
        // Scratch per worker: d column sums, then a block of ones (unweighted column sums).
        let scratchSize = d + blockRows
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: workers.count * scratchSize)
        // Single precision: per worker, a block of scaled rows and that block's d × d product.
        let singleSize = single ? blockRows * d + d * d : 0
        let singleScratch = UnsafeMutablePointer<Float>.allocate(capacity: max(1, workers.count * singleSize))
        defer {
            grams.deallocate()
            linears.deallocate()
            scratch.deallocate()
            singleScratch.deallocate()
        }

        workers.run { w, rows in
            let g = grams + w * gramSize
            let r = linears + w * dz
            let columnSums = scratch + w * scratchSize
            let buffer = columnSums + d
            columnSums.initialize(repeating: 0, count: d)
            if rowWeights == nil { buffer.initialize(repeating: 1, count: blockRows) }
            var weightSum = 0.0
            var linearSum = 0.0
            var start = rows.lowerBound
            while start < rows.upperBound {
                let m = min(blockRows, rows.upperBound - start)
                let xb = x + start * d
                if let v = rowWeights, single {
                    let rowsF = singleScratch + w * singleSize
                    let productF = rowsF + blockRows * d
                    for i in 0 ..< m {
                        let scale = v[start + i].squareRoot()
                        let src = xb + i * d
                        let dst = rowsF + i * d
                        for j in 0 ..< d { dst[j] = Float(scale * src[j]) }
                        weightSum += v[start + i]
                    }
                    BLAS.syrk(transpose: true, n: d, k: m, alpha: 1, a: UnsafePointer(rowsF), lda: d, beta: 0, c: productF, ldc: d)
                    for i in 0 ..< d {
                        for j in i ..< d { g[i * dz + j] += Double(productF[i * d + j]) }
                    }
                    if intercept {
                        BLAS.gemv(transpose: true, m: m, n: d, alpha: 1, a: xb, lda: d, x: v + start, beta: 1, y: columnSums)
                    }
                } else if let v = rowWeights {
                    // X_bᵀ diag(v_b) X_b into the top-left of G (leading dimension dz); rows are
                    // weighted inside the kernel, no scaled copy.
                    GramKernel.update(x: xb, rows: m, columns: d, ldx: d, weights: v + start, g: g, ldg: dz)
                    for i in 0 ..< m { weightSum += v[start + i] }
                    if intercept {
                        // Σ v_i x_i = X_bᵀ v_b, accumulated (β = 1) while the block is in cache.
                        BLAS.gemv(transpose: true, m: m, n: d, alpha: 1, a: xb, lda: d, x: v + start, beta: 1, y: columnSums)
                    }
                } else {
                    GramKernel.update(x: xb, rows: m, columns: d, ldx: d, weights: nil, g: g, ldg: dz)
                    weightSum += Double(m)
                    if intercept {
                        // Σ x_i = X_bᵀ 1 with the block of ones kept in `buffer`.
                        BLAS.gemv(transpose: true, m: m, n: d, alpha: 1, a: xb, lda: d, x: buffer, beta: 1, y: columnSums)
                    }
                }
                if let u = linearWeights {
                    BLAS.gemv(transpose: true, m: m, n: d, alpha: 1, a: xb, lda: d, x: u + start, beta: 1, y: r)
                    for i in 0 ..< m { linearSum += u[start + i] }
                }
                start += m
            }
            if intercept {
                // The intercept column of G is the last column (row j, column d), ld dz.
                for j in 0 ..< d { g[j * dz + d] += columnSums[j] }
                g[d * dz + d] += weightSum
                r[d] += linearSum
            }
        }

        var gram = [Double](repeating: 0, count: gramSize)
        var linear = [Double](repeating: 0, count: dz)
        for w in 0 ..< workers.count {
            for i in 0 ..< dz {
                for j in i ..< dz { gram[i * dz + j] += grams[w * gramSize + i * dz + j] }
                linear[i] += linears[w * dz + i]
            }
        }
        self.gram = gram
        self.linear = linear
        self.dimension = dz
    }
}
