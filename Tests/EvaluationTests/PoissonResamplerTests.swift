import Foundation
import Testing
@testable import Evaluation

/// The bootstrap's counter-based Poisson(1) counts: the distribution they follow, and that the
/// sixteen-lane groups the binary pass uses give the same counts as one resample at a time.
@Suite struct PoissonResamplerTests {
    // The 2¹⁶-entry table is the midpoint inversion of Poisson(1): each k has its probability to
    // within one table step, and the mean and variance are 1.
    @Test func tableFollowsPoissonOne() {
        var frequency = [Int](repeating: 0, count: 16)
        for v in 0 ..< (1 << 16) { frequency[Int(PoissonResampler.table[v])] += 1 }
        var p = exp(-1.0)
        for k in 0 ..< 9 {
            #expect(abs(Double(frequency[k]) / 65536 - p) <= 1.0 / 65536, "k = \(k)")
            p /= Double(k + 1)
        }
        #expect(frequency[9...].allSatisfy { $0 == 0 })
        let mean = (0 ..< 16).reduce(0.0) { $0 + Double($1 * frequency[$1]) } / 65536
        let variance = (0 ..< 16).reduce(0.0) { $0 + Double(frequency[$1]) * pow(Double($1) - mean, 2) } / 65536
        #expect(abs(mean - 1) < 1e-4 && abs(variance - 1) < 1e-3)
    }

    @Test func groupsAgreeWithSingleResamples() {
        let resampler = PoissonResampler(seed: 42)
        for g in 0 ..< 3 {
            let group = resampler.group(g)
            for i in [0, 1, 7, 999, 123_456, 4_000_000_000] {
                let lanes = group.counts(i)
                for lane in 0 ..< PoissonResampler.lanes {
                    #expect(Double(lanes[lane]) == resampler.counts(resample: PoissonResampler.lanes * g + lane).count(i),
                            "group \(g) lane \(lane) row \(i)")
                }
            }
        }
    }

    // Over 100 000 rows each of the first 40 resamples (lanes of three groups, low and high
    // halves of one hash word, neighbouring keys) has mean and variance near 1, and the counts of
    // any two resamples are uncorrelated: the standard error of each estimate is about 0.003, so
    // the bounds are several standard errors wide and a broken generator (copied or shifted
    // lanes, a weak hash) fails them.
    @Test func countsAreIndependentPoissonOne() {
        let resampler = PoissonResampler(seed: 7)
        let n = 100_000
        let resamples = 40
        let counts = (0 ..< resamples).map { r in
            let c = resampler.counts(resample: r)
            return (0 ..< n).map { c.count($0) }
        }
        for r in 0 ..< resamples {
            let mean = counts[r].reduce(0, +) / Double(n)
            let variance = counts[r].reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
            #expect(abs(mean - 1) < 0.015 && abs(variance - 1) < 0.03, "resample \(r): mean \(mean) variance \(variance)")
        }
        for a in 0 ..< resamples {
            for b in (a + 1) ..< resamples {
                var sum = 0.0
                for i in 0 ..< n { sum += (counts[a][i] - 1) * (counts[b][i] - 1) }
                #expect(abs(sum / Double(n)) < 0.02, "resamples \(a), \(b)")
            }
        }
        // Neighbouring rows are not correlated within a resample either.
        for r in 0 ..< resamples {
            var sum = 0.0
            for i in 1 ..< n { sum += (counts[r][i] - 1) * (counts[r][i - 1] - 1) }
            #expect(abs(sum / Double(n - 1)) < 0.02, "resample \(r)")
        }
    }
}
