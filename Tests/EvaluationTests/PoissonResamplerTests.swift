import Foundation
import Testing
@testable import Evaluation

/// The bootstrap's counter-based Poisson(1) counts: the distribution they follow, and that the
/// four-lane groups the binary pass uses give the same counts as one resample at a time.
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

    @Test func groupsAgreeWithSingleResamplesAndDiffer() {
        let resampler = PoissonResampler(seed: 42)
        for g in 0 ..< 3 {
            let group = resampler.group(g)
            for i in [0, 1, 7, 999, 123_456] {
                let lanes = group.counts(i)
                for lane in 0 ..< 4 {
                    #expect(lanes[lane] == resampler.counts(resample: 4 * g + lane).count(i))
                }
            }
        }
        // Resamples are not copies of each other: over 10 000 rows, counts differ somewhere
        // between every pair of the first eight, and their mean is near 1.
        let counts = (0 ..< 8).map { r in (0 ..< 10_000).map { resampler.counts(resample: r).count($0) } }
        for a in 0 ..< 8 {
            #expect(abs(counts[a].reduce(0, +) / 10_000 - 1) < 0.05)
            for b in (a + 1) ..< 8 { #expect(counts[a] != counts[b]) }
        }
    }
}
