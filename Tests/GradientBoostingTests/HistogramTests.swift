import Foundation
import MLCore
import Testing
@testable import GradientBoosting

@Suite struct HistogramTests {
    private func setup(rows: Int, features: Int, threads: Int) -> (BinnedMatrix, [Float]) {
        let data = SyntheticData.regression(rows: rows, features: features, seed: 21, missing: 0.1)
        let cuts = BinCuts.compute(features: data.features, maxBin: 32, seed: 0, threads: 1)
        let matrix = BinnedMatrix(features: data.features, cuts: cuts, threads: threads)
        var generator = SeededGenerator(seed: 5)
        let pairs = (0..<(2 * rows)).map { i in Float(i % 2 == 0 ? generator.nextGaussian() : generator.nextUnit() + 0.1) }
        return (matrix, pairs)
    }

    /// Direct sums by definition: slot of (row, feature) += (g, h).
    private func reference(_ matrix: BinnedMatrix, _ pairs: [Float], _ range: Range<Int>) -> [SIMD2<Double>] {
        var out = [SIMD2<Double>](repeating: .zero, count: matrix.slotCount)
        for j in range {
            for f in 0..<matrix.columns {
                let slot = Int(matrix.slotOffsets[f]) + Int(matrix.codes[j * matrix.stride + f])
                out[slot] += SIMD2(Double(pairs[2 * j]), Double(pairs[2 * j + 1]))
            }
        }
        return out
    }

    @Test(arguments: [1, 2])
    func buildEqualsDirectSums(threads: Int) {
        let (matrix, pairs) = setup(rows: 40_000, features: 5, threads: threads)
        let builder = HistogramBuilder(matrix: matrix, threads: threads)
        let pool = HistogramPool(slotCount: matrix.slotCount)
        let id = pool.acquire()
        pairs.withUnsafeBufferPointer { builder.build(codes: matrix.codes, start: 100, count: 30_000, gradients: $0.baseAddress!, into: pool.pointer(id)) }
        let expected = reference(matrix, pairs, 100..<30_100)
        for s in 0..<matrix.slotCount {
            #expect(abs(pool.pointer(id)[s].x - expected[s].x) <= 1e-9 * max(1, abs(expected[s].x)))
            #expect(abs(pool.pointer(id)[s].y - expected[s].y) <= 1e-9 * max(1, abs(expected[s].y)))
        }
    }

    @Test func subtractionEqualsADirectBuildOfTheSibling() {
        let (matrix, pairs) = setup(rows: 5_000, features: 4, threads: 1)
        let builder = HistogramBuilder(matrix: matrix, threads: 1)
        let pool = HistogramPool(slotCount: matrix.slotCount)
        let parent = pool.acquire(), left = pool.acquire(), right = pool.acquire()
        pairs.withUnsafeBufferPointer { p in
            builder.build(codes: matrix.codes, start: 0, count: 5_000, gradients: p.baseAddress!, into: pool.pointer(parent))
            builder.build(codes: matrix.codes, start: 0, count: 1_800, gradients: p.baseAddress!, into: pool.pointer(left))
            builder.build(codes: matrix.codes, start: 1_800, count: 3_200, gradients: p.baseAddress!, into: pool.pointer(right))
        }
        HistogramBuilder.subtract(pool.pointer(left), from: pool.pointer(parent), slots: matrix.slotCount)
        for s in 0..<matrix.slotCount {
            #expect(abs(pool.pointer(parent)[s].x - pool.pointer(right)[s].x) < 1e-9)
            #expect(abs(pool.pointer(parent)[s].y - pool.pointer(right)[s].y) < 1e-9)
        }
        // Every feature's slots hold every row once: the hessian total per feature is the same.
        let total = (0..<5_000).reduce(0.0) { $0 + Double(pairs[2 * $1 + 1]) }
        for f in 0..<matrix.columns {
            let lower = Int(matrix.slotOffsets[f]), upper = Int(matrix.slotOffsets[f + 1])
            let sum = (lower..<upper).reduce(0.0) { $0 + reference(matrix, pairs, 0..<5_000)[$1].y }
            #expect(abs(sum - total) < 1e-6)
        }
    }
}

/// `BoostingKernels`, the public entry points of the micro benchmarks, run the training kernels:
/// its histogram totals are the gradient sums of the range, and its split is the root split the
/// trainer makes on the same gradients.
@Suite struct BoostingKernelsTests {
    @Test(arguments: [1, 2])
    func kernelsAgreeWithTraining(threads: Int) throws {
        let data = SyntheticData.regression(rows: 30_000, features: 6, seed: 8, missing: 0.05)
        var p = BoostingParameters(objective: Objective(kind: .squaredError), rounds: 1)
        p.baseScore = 0
        p.maxDepth = 1
        p.threads = threads
        let kernels = BoostingKernels(features: data.features, parameters: p)
        #expect(kernels.slotCount == 6 * 256)
        // Squared error at margin 0: g = −y, h = 1.
        let pairs: [Float] = data.labels.flatMap { y -> [Float] in [-Float(y), 1] }
        let part = kernels.buildHistogram(gradients: pairs, rows: 1000 ..< 21_000)
        let expectedG = pairs[2000 ..< 42_000].enumerated().reduce(0.0) { $1.offset % 2 == 0 ? $0 + Double($1.element) : $0 }
        #expect(abs(part.g - expectedG) <= 1e-9 * max(1, abs(expectedG)) && part.h == 20_000)
        kernels.buildHistogram(gradients: pairs, rows: 0 ..< 30_000)
        let split = kernels.bestSplit()
        let tree = try BoostingTrainer(parameters: p).fit(data).trees[0]
        #expect(split.feature >= 0 && Int32(split.feature) == tree.splitIndices[0])
        #expect(split.lossChange > 0)
    }
}
