import Foundation
import LinearAlgebra
import MLCore
import Testing
import TestSupport

/// BLAS wrappers against naive loops on small row-major matrices.
@Suite("BLAS facade")
struct BLASTests {
    static func random(_ count: Int, seed: UInt64) -> [Double] {
        var rng = SeededGenerator(seed: seed)
        return (0 ..< count).map { _ in rng.nextGaussian() }
    }

    @Test("gemm matches the triple loop for every transpose combination",
          arguments: [(false, false), (true, false), (false, true), (true, true)])
    func gemm(transposeA: Bool, transposeB: Bool) {
        let (m, n, k) = (4, 3, 5)
        let a = Self.random(m * k, seed: 1)
        let b = Self.random(k * n, seed: 2)
        // Stored shapes: A is m × k (k × m when transposed), B is k × n (n × k when transposed).
        func aAt(_ i: Int, _ p: Int) -> Double { transposeA ? a[p * m + i] : a[i * k + p] }
        func bAt(_ p: Int, _ j: Int) -> Double { transposeB ? b[j * k + p] : b[p * n + j] }
        var c = Self.random(m * n, seed: 3)
        let c0 = c
        BLAS.gemm(a, rows: transposeA ? k : m, columns: transposeA ? m : k, transposeA: transposeA,
                  b, rows: transposeB ? n : k, columns: transposeB ? k : n, transposeB: transposeB,
                  into: &c, alpha: 2, beta: 0.5)
        for i in 0 ..< m {
            for j in 0 ..< n {
                var s = 0.0
                for p in 0 ..< k { s += aAt(i, p) * bAt(p, j) }
                #expect(isClose(c[i * n + j], 2 * s + 0.5 * c0[i * n + j], relative: 1e-13))
            }
        }
    }

    @Test("gemv with and without transpose")
    func gemv() {
        let a = Self.random(12, seed: 4)  // 3 × 4
        let x4 = Self.random(4, seed: 5)
        let x3 = Self.random(3, seed: 6)
        var y3 = [Double](repeating: 0, count: 3)
        var y4 = [Double](repeating: 1, count: 4)
        BLAS.gemv(a, rows: 3, columns: 4, x4, into: &y3)
        BLAS.gemv(a, rows: 3, columns: 4, transpose: true, x3, into: &y4, beta: 1)
        for i in 0 ..< 3 {
            let s = (0 ..< 4).reduce(0.0) { $0 + a[i * 4 + $1] * x4[$1] }
            #expect(isClose(y3[i], s, relative: 1e-14))
        }
        for j in 0 ..< 4 {
            let s = (0 ..< 3).reduce(0.0) { $0 + a[$1 * 4 + j] * x3[$1] }
            #expect(isClose(y4[j], 1 + s, relative: 1e-14))
        }
    }

    @Test("syrk writes XᵀX into the upper triangle only, honouring the leading dimension")
    func syrk() {
        let (n, d) = (7, 3)
        let x = Self.random(n * d, seed: 7)
        // A 4 × 4 target with ld 4: the 3 × 3 Gram goes top-left, the rest must stay untouched.
        var c = [Double](repeating: -9, count: 16)
        for i in 0 ..< 3 { for j in i ..< 3 { c[i * 4 + j] = 0 } }
        x.withUnsafeBufferPointer { xp in
            c.withUnsafeMutableBufferPointer { cp in
                BLAS.syrk(transpose: true, n: d, k: n, a: xp.baseAddress!, lda: d, beta: 1, c: cp.baseAddress!, ldc: 4)
            }
        }
        for i in 0 ..< 3 {
            for j in 0 ..< 4 {
                if j >= i && j < 3 {
                    let s = (0 ..< n).reduce(0.0) { $0 + x[$1 * d + i] * x[$1 * d + j] }
                    #expect(isClose(c[i * 4 + j], s, relative: 1e-13))
                } else {
                    #expect(c[i * 4 + j] == -9)
                }
            }
        }
    }

    @Test("level-1 helpers")
    func levelOne() {
        let x = [3.0, -4, 12]
        var y = [1.0, 1, 1]
        #expect(BLAS.dot(x, y) == 11)
        #expect(BLAS.nrm2(x) == 13)
        BLAS.axpy(2, x, &y)
        #expect(y == [7, -7, 25])
        let f: [Float] = [1, 2, 2]
        #expect(BLAS.nrm2(f) == 3)
        #expect(BLAS.dot([Double](), []) == 0)
    }

    @Test("withBLASThreads sets and restores the OpenBLAS thread count")
    func threads() {
        let before = blasThreadCount()
        withBLASThreads(1) { #expect(blasThreadCount() == 1) }
        #expect(blasThreadCount() == before)
        #expect(BLASThreads.availableCores >= 1)
        withBLASThreads(1000) { #expect(blasThreadCount() == min(BLASThreads.availableCores, 1000)) }
        #expect(blasThreadCount() == before)
    }
}
