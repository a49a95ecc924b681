import Foundation
import LinearAlgebra
import MLCore
import Testing
import TestSupport

@Suite("LAPACK facade")
struct LAPACKTests {
    /// A random symmetric positive definite n × n matrix (AᵀA + I), full storage.
    static func spd(_ n: Int, seed: UInt64) -> [Double] {
        let a = BLASTests.random(n * n, seed: seed)
        var m = [Double](repeating: 0, count: n * n)
        BLAS.gemm(a, rows: n, columns: n, transposeA: true, a, rows: n, columns: n, into: &m)
        for i in 0 ..< n { m[i * n + i] += 1 }
        return m
    }

    @Test("Cholesky factor and solve reproduce the right-hand sides")
    func choleskySolve() throws {
        let n = 6
        let a = Self.spd(n, seed: 1)
        let b = BLASTests.random(2 * n, seed: 2)  // two right-hand sides, one after another
        var factor = a
        // Only the upper triangle is read: poison the lower one.
        for i in 0 ..< n { for j in 0 ..< i { factor[i * n + j] = .nan } }
        try LAPACK.choleskyFactor(&factor, n: n)
        var x = b
        try LAPACK.choleskySolve(factor: factor, n: n, rhs: &x, count: 2)
        for r in 0 ..< 2 {
            for i in 0 ..< n {
                let s = (0 ..< n).reduce(0.0) { $0 + a[i * n + $1] * x[r * n + $1] }
                #expect(isClose(s, b[r * n + i], relative: 1e-10, absolute: 1e-12))
            }
        }
        let rcond = try LAPACK.choleskyReciprocalCondition(factor: factor, n: n, anorm: LAPACK.symmetricOneNorm(a, n: n))
        #expect(rcond > 1e-6 && rcond <= 1)
    }

    @Test("an indefinite matrix throws dpotrf's info")
    func notPositiveDefinite() {
        var a = [1.0, 2, 2, 1]
        #expect(throws: LAPACKError(routine: "dpotrf", info: 2,
                                    message: "the leading minor of order 2 is not positive definite (the system is singular or indefinite)")) {
            try LAPACK.choleskyFactor(&a, n: 2)
        }
        let error = LAPACKError(routine: "dpotrf", info: 2, message: "m")
        #expect(error.isNumerical)
        #expect(error.description == "LAPACK dpotrf failed (info = 2): m")
    }

    @Test("symmetric eigen-decomposition: A v = λ v with unit eigenvectors, ascending values")
    func eigen() throws {
        let n = 5
        let a = Self.spd(n, seed: 3)
        var vectors = a
        let values = try LAPACK.symmetricEigen(&vectors, n: n)
        #expect(zip(values, values.dropFirst()).allSatisfy { $0 <= $1 })
        for j in 0 ..< n {
            let v = Array(vectors[j * n ..< (j + 1) * n])
            #expect(isClose(BLAS.nrm2(v), 1, relative: 1e-12))
            for i in 0 ..< n {
                let av = (0 ..< n).reduce(0.0) { $0 + a[i * n + $1] * v[$1] }
                #expect(isClose(av, values[j] * v[i], relative: 1e-9, absolute: 1e-10))
            }
        }
    }

    @Test("pseudo-inverse solve returns the minimum-norm solution of a singular system")
    func pseudoInverse() throws {
        // A = u uᵀ with u = (1, 1, 0): rank 1. A x = (2, 2, 0) has solutions x1 + x2 = 2, any x3;
        // the minimum-norm one is (1, 1, 0).
        let a: [Double] = [1, 1, 0, 1, 1, 0, 0, 0, 0]
        let (x, rank) = try LAPACK.pseudoInverseSolve(symmetric: a, n: 3, rhs: [2, 2, 0], relativeCutoff: 1e-12)
        #expect(rank == 1)
        #expect(isClose(x[0], 1, relative: 1e-12))
        #expect(isClose(x[1], 1, relative: 1e-12))
        #expect(abs(x[2]) < 1e-12)
    }
}
