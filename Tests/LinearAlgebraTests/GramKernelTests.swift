import Foundation
import LinearAlgebra
import MLCore
import Testing

/// optml's Gram kernel against the plain sum Σ_r w_r x_ri x_rj, for every kernel this machine runs,
/// across widths that exercise the masked and shifted edge tiles and row counts around its chunk.
@Suite("Gram kernel")
struct GramKernelTests {
    static let widths = [1, 5, 7, 8, 9, 15, 16, 17, 24, 31, 33, 100, 129]

    static func check(rows: Int, columns d: Int, weighted: Bool, ceiling: GramKernel.Ceiling) {
        var rng = SeededGenerator(seed: UInt64(rows * 1_000 + d))
        let ldx = d + 3, ldg = d + 2
        let x = (0 ..< rows * ldx).map { _ in rng.nextGaussian() + 0.5 }
        let w = (0 ..< rows).map { _ in rng.nextUnit() * 2 }
        // The strict lower triangle holds a sentinel the kernel must leave alone; the upper
        // triangle starts at 1 (the update adds).
        var g = [Double](repeating: 0, count: d * ldg)
        for i in 0 ..< d { for j in 0 ..< ldg { g[i * ldg + j] = j >= i ? 1 : -7 } }
        x.withUnsafeBufferPointer { xp in
            w.withUnsafeBufferPointer { wp in
                g.withUnsafeMutableBufferPointer { gp in
                    GramKernel.update(x: xp.baseAddress!, rows: rows, columns: d, ldx: ldx,
                                      weights: weighted ? wp.baseAddress! : nil, g: gp.baseAddress!, ldg: ldg, ceiling: ceiling)
                }
            }
        }
        var worst = 0.0
        for i in 0 ..< d {
            for j in 0 ..< ldg {
                if j < i || j >= d {
                    #expect(g[i * ldg + j] == (j >= i ? 1 : -7), "entry (\(i), \(j)) outside the triangle was written")
                    continue
                }
                var expected = 1.0, scale = 1.0
                for r in 0 ..< rows {
                    let term = (weighted ? w[r] : 1) * x[r * ldx + i] * x[r * ldx + j]
                    expected += term
                    scale += abs(term)
                }
                worst = max(worst, abs(g[i * ldg + j] - expected) / scale)
            }
        }
        #expect(worst < 1e-13, "rows \(rows), columns \(d), weighted \(weighted), kernel \(GramKernel.kernelName(columns: d, ceiling: ceiling)): relative error \(worst)")
    }

    @Test("the best kernel equals the plain sums", arguments: [1, 127, 128, 129, 700])
    func bestKernel(rows: Int) {
        for d in Self.widths {
            Self.check(rows: rows, columns: d, weighted: false, ceiling: .best)
            Self.check(rows: rows, columns: d, weighted: true, ceiling: .best)
        }
    }

    @Test("the AVX2 kernel equals the plain sums", arguments: [1, 129, 700])
    func avx2Kernel(rows: Int) {
        for d in Self.widths {
            Self.check(rows: rows, columns: d, weighted: false, ceiling: .avx2)
            Self.check(rows: rows, columns: d, weighted: true, ceiling: .avx2)
        }
    }

    @Test("narrow blocks go to BLAS; wider ones to a kernel on x86-64 with AVX2")
    func kernelChoice() {
        #expect(GramKernel.kernelName(columns: 7) == "blas")
        #if arch(x86_64)
        let hasAVX2 = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?.contains(" avx2") ?? false
        if hasAVX2 {
            #expect(["avx512", "avx2"].contains(GramKernel.kernelName(columns: 8)))
            #expect(GramKernel.kernelName(columns: 100, ceiling: .avx2) == "avx2")
        }
        #endif
    }
}
