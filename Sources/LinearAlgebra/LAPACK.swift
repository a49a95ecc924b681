import CLinearAlgebra

/// LAPACKE's `lapack_int` (a C macro, so not imported by name): 32-bit in Debian's LP64 build.
private typealias LAPACKInt = Int32

/// Factorizations and solvers for small dense symmetric systems (LAPACKE underneath).
///
/// Symmetric matrices are `n × n` row-major arrays of which only the **upper** triangle
/// (`j ≥ i`) is read, which is what `BLAS.syrk` writes. Internally the same buffer is handed to
/// LAPACK as a column-major matrix with `uplo = 'L'`: the row-major upper triangle *is* the
/// column-major lower triangle, so no transposed copy is made (LAPACKE's row-major entry points
/// would copy the matrix twice).
public enum LAPACK {
    /// Cholesky factorization `A = UᵀU` in place (`dpotrf`).
    ///
    /// On return the upper triangle of `a` holds `U`; the strict lower triangle is untouched.
    /// Throws `LAPACKError` (`info > 0`: the leading minor of order `info` is not positive
    /// definite). Cost n³/3 flops.
    public static func choleskyFactor(_ a: inout [Double], n: Int) throws(LAPACKError) {
        precondition(a.count == n * n, "choleskyFactor: \(a.count) values for a \(n) × \(n) matrix")
        guard n > 0 else { return }
        let info = a.withUnsafeMutableBufferPointer { ap in
            LAPACKE_dpotrf(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "L")), LAPACKInt(n), ap.baseAddress, LAPACKInt(n))
        }
        if info != 0 {
            throw LAPACKError(
                routine: "dpotrf", info: Int(info),
                message: info > 0
                    ? "the leading minor of order \(info) is not positive definite (the system is singular or indefinite)"
                    : "argument \(-info) had an illegal value")
        }
    }

    /// Solves `A X = B` given the Cholesky factor from `choleskyFactor` (`dpotrs`).
    ///
    /// `rhs` holds `count` right-hand sides **one after another** (each `n` contiguous values,
    /// i.e. a `count × n` row-major array) and is overwritten with the solutions. Cost 2n² per
    /// right-hand side.
    public static func choleskySolve(factor: [Double], n: Int, rhs: inout [Double], count: Int = 1) throws(LAPACKError) {
        precondition(factor.count == n * n && rhs.count == n * count, "choleskySolve: dimensions do not match")
        guard n > 0, count > 0 else { return }
        // Each right-hand side contiguous = column-major n × count with leading dimension n.
        let info = factor.withUnsafeBufferPointer { fp in
            rhs.withUnsafeMutableBufferPointer { bp in
                LAPACKE_dpotrs(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "L")), LAPACKInt(n), LAPACKInt(count),
                               fp.baseAddress, LAPACKInt(n), bp.baseAddress, LAPACKInt(n))
            }
        }
        if info != 0 { throw LAPACKError(routine: "dpotrs", info: Int(info), message: "argument \(-info) had an illegal value") }
    }

    /// Estimated reciprocal condition number (1-norm) of a symmetric positive definite matrix
    /// from its Cholesky factor (`dpocon`); `anorm` is the 1-norm of the original matrix
    /// (`symmetricOneNorm`).
    ///
    /// Values near machine epsilon mean the solution of `A x = b` carries no correct digits. Cost
    /// O(n²).
    public static func choleskyReciprocalCondition(factor: [Double], n: Int, anorm: Double) throws(LAPACKError) -> Double {
        precondition(factor.count == n * n, "choleskyReciprocalCondition: dimensions do not match")
        guard n > 0 else { return 1 }
        var rcond = 0.0
        let info = factor.withUnsafeBufferPointer { fp in
            LAPACKE_dpocon(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "L")), LAPACKInt(n), fp.baseAddress, LAPACKInt(n), anorm, &rcond)
        }
        if info != 0 { throw LAPACKError(routine: "dpocon", info: Int(info), message: "argument \(-info) had an illegal value") }
        return rcond
    }

    /// The 1-norm (maximum absolute column sum) of a symmetric matrix given by its upper triangle.
    public static func symmetricOneNorm(_ a: [Double], n: Int) -> Double {
        precondition(a.count == n * n, "symmetricOneNorm: dimensions do not match")
        var sums = [Double](repeating: 0, count: n)
        for i in 0 ..< n {
            for j in i ..< n {
                let v = abs(a[i * n + j])
                sums[j] += v
                if j != i { sums[i] += v }
            }
        }
        return sums.max() ?? 0
    }

    /// Eigen-decomposition of a symmetric matrix, `A = V Λ Vᵀ` (`dsyevd`, divide and conquer).
    ///
    /// Returns the eigenvalues in ascending order; on return row `j` of `a` (the values
    /// `a[j*n ..< (j+1)*n]`) is the unit eigenvector of eigenvalue `j`. Only the upper triangle of
    /// the input is read. Cost ≈ 9n³ flops. Throws `LAPACKError` when the algorithm fails to
    /// converge (`info > 0`).
    public static func symmetricEigen(_ a: inout [Double], n: Int) throws(LAPACKError) -> [Double] {
        precondition(a.count == n * n, "symmetricEigen: \(a.count) values for a \(n) × \(n) matrix")
        guard n > 0 else { return [] }
        var values = [Double](repeating: 0, count: n)
        // Column-major output: eigenvector j is column j, i.e. contiguous values j*n ..< (j+1)*n,
        // which reads as row j of our row-major buffer.
        let info = a.withUnsafeMutableBufferPointer { ap in
            values.withUnsafeMutableBufferPointer { wp in
                LAPACKE_dsyevd(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "V")), Int8(UInt8(ascii: "L")), LAPACKInt(n),
                               ap.baseAddress, LAPACKInt(n), wp.baseAddress)
            }
        }
        if info != 0 {
            throw LAPACKError(
                routine: "dsyevd", info: Int(info),
                message: info > 0
                    ? "the eigenvalue algorithm failed to converge (the matrix may contain NaN or infinite values)"
                    : "argument \(-info) had an illegal value")
        }
        return values
    }

    /// Minimum-norm solution of a symmetric positive semi-definite system `A x = b` through its
    /// eigen-decomposition, treating eigenvalues at most `relativeCutoff · λ_max` as zero.
    ///
    /// This is the pseudo-inverse solution `x = Σ_{λ_j > cut} (v_jᵀ b / λ_j) v_j`: for a singular
    /// Gram matrix `XᵀX` it is the minimum-norm least-squares solution. Negative eigenvalues
    /// (round-off of a semi-definite matrix) are dropped like small ones. Returns the solution and
    /// the numerical rank. Cost ≈ 9n³ flops.
    public static func pseudoInverseSolve(
        symmetric a: [Double], n: Int, rhs b: [Double], relativeCutoff: Double
    ) throws(LAPACKError) -> (solution: [Double], rank: Int) {
        precondition(a.count == n * n && b.count == n, "pseudoInverseSolve: dimensions do not match")
        guard n > 0 else { return ([], 0) }
        var vectors = a
        let values = try symmetricEigen(&vectors, n: n)
        let largest = values.last ?? 0
        var x = [Double](repeating: 0, count: n)
        guard largest > 0 else { return (x, 0) }
        let cut = largest * relativeCutoff
        var rank = 0
        vectors.withUnsafeBufferPointer { vp in
            b.withUnsafeBufferPointer { bp in
                x.withUnsafeMutableBufferPointer { xp in
                    for j in 0 ..< n where values[j] > cut {
                        let v = vp.baseAddress! + j * n
                        let coefficient = BLAS.dot(n, v, bp.baseAddress!) / values[j]
                        BLAS.axpy(n, coefficient, v, xp.baseAddress!)
                        rank += 1
                    }
                }
            }
        }
        return (x, rank)
    }
}
