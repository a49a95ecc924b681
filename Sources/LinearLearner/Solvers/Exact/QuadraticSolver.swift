import LinearAlgebra
import MLCore

/// Minimizes a convex quadratic `½ θᵀHθ − qᵀθ`, optionally plus `l1 · Σ_{j < p} |θ_j|`, for a small
/// symmetric positive semi-definite `H` given by its upper triangle (`n × n` row-major).
///
/// This is the inner step shared by the normal equations, Newton's method and IRLS: each reduces
/// the data to `H` and `q` and calls here, so the d × d algebra (Cholesky, the singular fallback,
/// coordinate descent for the L1 term) lives in one place.
enum QuadraticSolver {
    /// Eigenvalues at most this fraction of the largest are treated as zero, and a Cholesky factor
    /// whose estimated reciprocal condition number is below it is not trusted. The Gram matrix
    /// squares the condition number of the data, so this corresponds to singular values below
    /// 1e-6 of the largest — well above the ≈1e-8 where the normal equations lose all digits.
    static let singularityCutoff = 1e-12

    struct Solution {
        var theta: [Double]
        /// Whether the minimum-norm eigen fallback replaced a failed or untrustworthy Cholesky solve.
        var usedEigenFallback: Bool
        /// Coordinate-descent sweeps (0 for the direct solve).
        var sweeps: Int
    }

    /// Solves `H θ = q` by Cholesky (`dpotrf`/`dpotrs`); when `H` is not numerically positive
    /// definite, returns the minimum-norm solution through the eigen-decomposition (`dsyevd`).
    ///
    /// Throws `OptmlError.algorithm` when `H` or `q` holds non-finite values or LAPACK fails for a
    /// reason other than singularity. Cost n³/3 flops (≈ 9n³ on the fallback).
    static func solve(hessian h: [Double], rhs q: [Double], n: Int) throws(OptmlError) -> Solution {
        try requireFinite(h, q)
        var factor = h
        do {
            try LAPACK.choleskyFactor(&factor, n: n)
            let rcond = try LAPACK.choleskyReciprocalCondition(factor: factor, n: n, anorm: LAPACK.symmetricOneNorm(h, n: n))
            if rcond >= singularityCutoff {
                var x = q
                try LAPACK.choleskySolve(factor: factor, n: n, rhs: &x)
                return Solution(theta: x, usedEigenFallback: false, sweeps: 0)
            }
        } catch where error.isNumerical {
            // Not positive definite: fall through to the minimum-norm solution.
        } catch {
            throw OptmlError.algorithm("linear solve failed: \(error)")
        }
        do {
            let (x, _) = try LAPACK.pseudoInverseSolve(symmetric: h, n: n, rhs: q, relativeCutoff: singularityCutoff)
            return Solution(theta: x, usedEigenFallback: true, sweeps: 0)
        } catch {
            throw OptmlError.algorithm(
                "the minimum-norm fallback for a singular system failed: \(error). Check the features for constant, duplicated or non-finite columns, or set a positive l2 (wd).")
        }
    }

    /// Minimizes `½ θᵀHθ − qᵀθ + l1 Σ_{j < penalized} |θ_j|` by cyclic coordinate descent from
    /// `start` (the covariance-update form of glmnet: each step costs O(n) on the maintained
    /// gradient `Hθ − q`).
    ///
    /// Stops when a sweep moves no coordinate by more than `tolerance · max(1, ‖θ‖∞)` or after
    /// `maxSweeps` sweeps. A coordinate with zero curvature (an all-zero column without ridge)
    /// stays at 0. Exact zeros in the result are true zeros of the L1 solution.
    static func solveL1(
        hessian upper: [Double], rhs q: [Double], n: Int, penalized: Int, l1: Double,
        start: [Double], tolerance: Double, maxSweeps: Int
    ) throws(OptmlError) -> Solution {
        try requireFinite(upper, q)
        // Coordinate steps read whole rows of H, so mirror the upper triangle first.
        var h = upper
        for i in 0 ..< n { for j in 0 ..< i { h[i * n + j] = h[j * n + i] } }
        var theta = start
        // gradient = Hθ − q
        var gradient = [Double](repeating: 0, count: n)
        BLAS.gemv(h, rows: n, columns: n, theta, into: &gradient)
        for j in 0 ..< n { gradient[j] -= q[j] }
        var sweeps = 0
        h.withUnsafeBufferPointer { hp in
            gradient.withUnsafeMutableBufferPointer { gp in
                while sweeps < maxSweeps {
                    sweeps += 1
                    var largestMove = 0.0
                    var largestValue = 0.0
                    for j in 0 ..< n {
                        let hjj = hp[j * n + j]
                        let old = theta[j]
                        var new = 0.0
                        if hjj > 0 {
                            // Minimizer in θ_j with the others fixed: c = hjj·θ_j − g_j.
                            let c = hjj * old - gp[j]
                            if j < penalized {
                                new = c > l1 ? (c - l1) / hjj : (c < -l1 ? (c + l1) / hjj : 0)
                            } else {
                                new = c / hjj
                            }
                        }
                        let move = new - old
                        if move != 0 {
                            theta[j] = new
                            // g += move · H[:, j]; H is symmetric so row j is column j.
                            BLAS.axpy(n, move, hp.baseAddress! + j * n, gp.baseAddress!)
                            largestMove = max(largestMove, abs(move))
                        }
                        largestValue = max(largestValue, abs(new))
                    }
                    if largestMove <= tolerance * max(1, largestValue) { break }
                }
            }
        }
        return Solution(theta: theta, usedEigenFallback: false, sweeps: sweeps)
    }

    private static func requireFinite(_ h: [Double], _ q: [Double]) throws(OptmlError) {
        if h.contains(where: { !$0.isFinite }) || q.contains(where: { !$0.isFinite }) {
            throw OptmlError.algorithm(
                "the normal-equations system contains NaN or infinite values: the features, labels or weights contain non-finite values or are too large (normalize the data)")
        }
    }
}
