import CLinearAlgebra

/// A floating-point type OpenBLAS has kernels for (`Double` → `d…` routines, `Float` → `s…`).
///
/// The requirements are the raw CBLAS calls on row-major data; use the `BLAS` namespace instead of
/// calling them directly.
public protocol BLASScalar: BinaryFloatingPoint & Sendable {
    static func _gemm(
        _ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Self,
        _ a: UnsafePointer<Self>, _ lda: Int, _ b: UnsafePointer<Self>, _ ldb: Int,
        _ beta: Self, _ c: UnsafeMutablePointer<Self>, _ ldc: Int)
    static func _gemv(
        _ trans: Bool, _ m: Int, _ n: Int, _ alpha: Self, _ a: UnsafePointer<Self>, _ lda: Int,
        _ x: UnsafePointer<Self>, _ beta: Self, _ y: UnsafeMutablePointer<Self>)
    static func _syrk(
        _ trans: Bool, _ n: Int, _ k: Int, _ alpha: Self, _ a: UnsafePointer<Self>, _ lda: Int,
        _ beta: Self, _ c: UnsafeMutablePointer<Self>, _ ldc: Int)
    static func _dot(_ n: Int, _ x: UnsafePointer<Self>, _ y: UnsafePointer<Self>) -> Self
    static func _axpy(_ n: Int, _ alpha: Self, _ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>)
    static func _nrm2(_ n: Int, _ x: UnsafePointer<Self>) -> Self
    static func _scal(_ n: Int, _ alpha: Self, _ x: UnsafeMutablePointer<Self>)
}

@inline(__always) private func op(_ t: Bool) -> CBLAS_TRANSPOSE { t ? CblasTrans : CblasNoTrans }
@inline(__always) private func blasInt(_ v: Int) -> blasint { blasint(truncatingIfNeeded: v) }

extension Double: BLASScalar {
    public static func _gemm(
        _ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Double,
        _ a: UnsafePointer<Double>, _ lda: Int, _ b: UnsafePointer<Double>, _ ldb: Int,
        _ beta: Double, _ c: UnsafeMutablePointer<Double>, _ ldc: Int
    ) {
        cblas_dgemm(CblasRowMajor, op(transA), op(transB), blasInt(m), blasInt(n), blasInt(k), alpha,
                    a, blasInt(lda), b, blasInt(ldb), beta, c, blasInt(ldc))
    }
    public static func _gemv(
        _ trans: Bool, _ m: Int, _ n: Int, _ alpha: Double, _ a: UnsafePointer<Double>, _ lda: Int,
        _ x: UnsafePointer<Double>, _ beta: Double, _ y: UnsafeMutablePointer<Double>
    ) {
        cblas_dgemv(CblasRowMajor, op(trans), blasInt(m), blasInt(n), alpha, a, blasInt(lda), x, 1, beta, y, 1)
    }
    public static func _syrk(
        _ trans: Bool, _ n: Int, _ k: Int, _ alpha: Double, _ a: UnsafePointer<Double>, _ lda: Int,
        _ beta: Double, _ c: UnsafeMutablePointer<Double>, _ ldc: Int
    ) {
        cblas_dsyrk(CblasRowMajor, CblasUpper, op(trans), blasInt(n), blasInt(k), alpha, a, blasInt(lda), beta, c, blasInt(ldc))
    }
    public static func _dot(_ n: Int, _ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>) -> Double {
        cblas_ddot(blasInt(n), x, 1, y, 1)
    }
    public static func _axpy(_ n: Int, _ alpha: Double, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>) {
        cblas_daxpy(blasInt(n), alpha, x, 1, y, 1)
    }
    public static func _nrm2(_ n: Int, _ x: UnsafePointer<Double>) -> Double { cblas_dnrm2(blasInt(n), x, 1) }
    public static func _scal(_ n: Int, _ alpha: Double, _ x: UnsafeMutablePointer<Double>) { cblas_dscal(blasInt(n), alpha, x, 1) }
}

extension Float: BLASScalar {
    public static func _gemm(
        _ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
        _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
        _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int
    ) {
        cblas_sgemm(CblasRowMajor, op(transA), op(transB), blasInt(m), blasInt(n), blasInt(k), alpha,
                    a, blasInt(lda), b, blasInt(ldb), beta, c, blasInt(ldc))
    }
    public static func _gemv(
        _ trans: Bool, _ m: Int, _ n: Int, _ alpha: Float, _ a: UnsafePointer<Float>, _ lda: Int,
        _ x: UnsafePointer<Float>, _ beta: Float, _ y: UnsafeMutablePointer<Float>
    ) {
        cblas_sgemv(CblasRowMajor, op(trans), blasInt(m), blasInt(n), alpha, a, blasInt(lda), x, 1, beta, y, 1)
    }
    public static func _syrk(
        _ trans: Bool, _ n: Int, _ k: Int, _ alpha: Float, _ a: UnsafePointer<Float>, _ lda: Int,
        _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int
    ) {
        cblas_ssyrk(CblasRowMajor, CblasUpper, op(trans), blasInt(n), blasInt(k), alpha, a, blasInt(lda), beta, c, blasInt(ldc))
    }
    public static func _dot(_ n: Int, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>) -> Float {
        cblas_sdot(blasInt(n), x, 1, y, 1)
    }
    public static func _axpy(_ n: Int, _ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        cblas_saxpy(blasInt(n), alpha, x, 1, y, 1)
    }
    public static func _nrm2(_ n: Int, _ x: UnsafePointer<Float>) -> Float { cblas_snrm2(blasInt(n), x, 1) }
    public static func _scal(_ n: Int, _ alpha: Float, _ x: UnsafeMutablePointer<Float>) { cblas_sscal(blasInt(n), alpha, x, 1) }
}

/// Row-major BLAS kernels over raw buffers (OpenBLAS underneath).
///
/// Every matrix argument is row-major: element `(i, j)` of a matrix with leading dimension `ld`
/// lives at `base[i * ld + j]`, and `ld` is at least its column count. The pointer variants do not
/// check bounds — the caller guarantees the extents; the array variants check them with
/// preconditions. OpenBLAS uses its process-wide thread count (see `BLASThreads`).
///
/// This module does not depend on `MLCore`: a `DenseMatrix` is passed as its `storage` with
/// `rows`/`columns` (leading dimension `columns`).
public enum BLAS {
    /// `C ← α·op(A)·op(B) + β·C` with `op(A)` m × k, `op(B)` k × n, `C` m × n (`?gemm`).
    ///
    /// Cost O(m·n·k) flops. `A` is stored m × k (or k × m when `transA`), `B` k × n (or n × k).
    @inlinable public static func gemm<T: BLASScalar>(
        transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int, alpha: T = 1,
        a: UnsafePointer<T>, lda: Int, b: UnsafePointer<T>, ldb: Int,
        beta: T = 0, c: UnsafeMutablePointer<T>, ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        if k == 0 {
            // BLAS would still scale C by β; do it here so the k = 0 edge is explicit.
            for i in 0 ..< m { for j in 0 ..< n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] } }
            return
        }
        T._gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    }

    /// `C ← α·op(A)·op(B) + β·C` on contiguous row-major arrays.
    ///
    /// `a` is `aRows × aColumns`, `b` is `bRows × bColumns`; `c` must hold `op(A).rows × op(B).columns`.
    public static func gemm<T: BLASScalar>(
        _ a: [T], rows aRows: Int, columns aColumns: Int, transposeA: Bool = false,
        _ b: [T], rows bRows: Int, columns bColumns: Int, transposeB: Bool = false,
        into c: inout [T], alpha: T = 1, beta: T = 0
    ) {
        precondition(a.count == aRows * aColumns && b.count == bRows * bColumns, "gemm: storage does not match dimensions")
        let m = transposeA ? aColumns : aRows
        let k = transposeA ? aRows : aColumns
        let kb = transposeB ? bColumns : bRows
        let n = transposeB ? bRows : bColumns
        precondition(k == kb, "gemm: inner dimensions \(k) and \(kb) differ")
        precondition(c.count == m * n, "gemm: output holds \(c.count) values, expected \(m * n)")
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                c.withUnsafeMutableBufferPointer { cp in
                    gemm(transA: transposeA, transB: transposeB, m: m, n: n, k: k, alpha: alpha,
                         a: ap.baseAddress!, lda: max(aColumns, 1), b: bp.baseAddress!, ldb: max(bColumns, 1),
                         beta: beta, c: cp.baseAddress!, ldc: max(n, 1))
                }
            }
        }
    }

    /// `y ← α·op(A)·x + β·y` with `A` stored m × n (`?gemv`); `op(A)` is `Aᵀ` when `transpose`.
    ///
    /// `x` has n entries (m when transposed), `y` has m (n when transposed). Cost O(m·n).
    @inlinable public static func gemv<T: BLASScalar>(
        transpose: Bool = false, m: Int, n: Int, alpha: T = 1, a: UnsafePointer<T>, lda: Int,
        x: UnsafePointer<T>, beta: T = 0, y: UnsafeMutablePointer<T>
    ) {
        let outCount = transpose ? n : m
        guard outCount > 0 else { return }
        if (transpose ? m : n) == 0 {
            for i in 0 ..< outCount { y[i] = beta == 0 ? 0 : beta * y[i] }
            return
        }
        T._gemv(transpose, m, n, alpha, a, lda, x, beta, y)
    }

    /// `y ← α·op(A)·x + β·y` on a contiguous row-major `rows × columns` array.
    public static func gemv<T: BLASScalar>(
        _ a: [T], rows: Int, columns: Int, transpose: Bool = false, _ x: [T], into y: inout [T], alpha: T = 1, beta: T = 0
    ) {
        precondition(a.count == rows * columns, "gemv: storage does not match dimensions")
        precondition(x.count == (transpose ? rows : columns) && y.count == (transpose ? columns : rows), "gemv: vector lengths do not match")
        a.withUnsafeBufferPointer { ap in
            x.withUnsafeBufferPointer { xp in
                y.withUnsafeMutableBufferPointer { yp in
                    guard let a0 = ap.baseAddress, let x0 = xp.baseAddress, let y0 = yp.baseAddress else { return }
                    gemv(transpose: transpose, m: rows, n: columns, alpha: alpha, a: a0, lda: max(columns, 1), x: x0, beta: beta, y: y0)
                }
            }
        }
    }

    /// Symmetric rank-k update of the **upper** triangle: `C ← α·AᵀA + β·C` with `A` stored k × n
    /// (`transpose == true`, the Gram matrix of the rows), or `C ← α·AAᵀ + β·C` with `A` n × k.
    ///
    /// `C` is n × n with leading dimension `ldc`; only entries `(i, j)` with `j ≥ i` are read and
    /// written — the strict lower triangle is left untouched. Cost ≈ n²·k flops, half of `gemm`.
    @inlinable public static func syrk<T: BLASScalar>(
        transpose: Bool = true, n: Int, k: Int, alpha: T = 1, a: UnsafePointer<T>, lda: Int,
        beta: T = 1, c: UnsafeMutablePointer<T>, ldc: Int
    ) {
        guard n > 0, k > 0 else { return }
        T._syrk(transpose, n, k, alpha, a, lda, beta, c, ldc)
    }

    /// `Σ x_i y_i` over `n` contiguous entries (`?dot`).
    @inlinable public static func dot<T: BLASScalar>(_ n: Int, _ x: UnsafePointer<T>, _ y: UnsafePointer<T>) -> T {
        n > 0 ? T._dot(n, x, y) : 0
    }

    /// `Σ x_i y_i` of two equally long arrays.
    public static func dot<T: BLASScalar>(_ x: [T], _ y: [T]) -> T {
        precondition(x.count == y.count, "dot: lengths \(x.count) and \(y.count) differ")
        return x.withUnsafeBufferPointer { xp in
            y.withUnsafeBufferPointer { yp in
                guard let x0 = xp.baseAddress, let y0 = yp.baseAddress else { return 0 }
                return dot(x.count, x0, y0)
            }
        }
    }

    /// `y ← α·x + y` over `n` contiguous entries (`?axpy`).
    @inlinable public static func axpy<T: BLASScalar>(_ n: Int, _ alpha: T, _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>) {
        if n > 0 { T._axpy(n, alpha, x, y) }
    }

    /// `y ← α·x + y` for equally long arrays.
    public static func axpy<T: BLASScalar>(_ alpha: T, _ x: [T], _ y: inout [T]) {
        precondition(x.count == y.count, "axpy: lengths \(x.count) and \(y.count) differ")
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in
                guard let x0 = xp.baseAddress, let y0 = yp.baseAddress else { return }
                axpy(x.count, alpha, x0, y0)
            }
        }
    }

    /// Euclidean norm `‖x‖₂` without overflow for large entries (`?nrm2`).
    @inlinable public static func nrm2<T: BLASScalar>(_ n: Int, _ x: UnsafePointer<T>) -> T {
        n > 0 ? T._nrm2(n, x) : 0
    }

    /// Euclidean norm of an array.
    public static func nrm2<T: BLASScalar>(_ x: [T]) -> T {
        x.withUnsafeBufferPointer { xp in xp.baseAddress.map { nrm2(x.count, $0) } ?? 0 }
    }

    /// `x ← α·x` over `n` contiguous entries (`?scal`).
    @inlinable public static func scal<T: BLASScalar>(_ n: Int, _ alpha: T, _ x: UnsafeMutablePointer<T>) {
        if n > 0 { T._scal(n, alpha, x) }
    }
}
