import Foundation
import MLCore
import Testing
@testable import GradientBoosting

@Suite struct BinningTests {
    @Test func fewDistinctValuesGetOneBinEach() {
        let values: [Float] = [3, 1, 2, 2, .nan, 1, 3, 5]
        let m = DenseMatrix(rows: values.count, columns: 1, storage: values)
        let cuts = BinCuts.compute(features: m, maxBin: 256, seed: 0, threads: 1)
        #expect(cuts.binCount(0) == 4)                 // 1, 2, 3, 5
        #expect(Array(cuts.values.prefix(3)) == [2, 3, 5])
        #expect(cuts.values[3] > 5)
        #expect(cuts.minimums[0] == 1)
        let matrix = BinnedMatrix(features: m, cuts: cuts, threads: 1)
        let codes = (0..<values.count).map { matrix.codes[$0 * matrix.stride] }
        #expect(codes == [2, 0, 1, 1, 4, 0, 2, 3])      // NaN → the missing code (bin count)
        // The threshold of "bins 0...b go left" agrees with "value < threshold goes left".
        for b in 0..<3 {
            let t = cuts.threshold(feature: 0, leftMaxBin: b)
            for (i, v) in values.enumerated() where !v.isNaN { #expect((v < t) == (Int(codes[i]) <= b)) }
        }
    }

    @Test func manyValuesGetQuantileCutsWithinTheBinLimit() {
        var generator = SeededGenerator(seed: 1)
        let n = 50_000
        let values = (0..<n).map { _ in Float(generator.nextGaussian()) }
        let m = DenseMatrix(rows: n, columns: 1, storage: values)
        let cuts = BinCuts.compute(features: m, maxBin: 16, seed: 0, threads: 2)
        #expect(cuts.binCount(0) <= 16)
        let matrix = BinnedMatrix(features: m, cuts: cuts, threads: 2)
        var counts = [Int](repeating: 0, count: cuts.binCount(0))
        for i in 0..<n { counts[Int(matrix.codes[i * matrix.stride])] += 1 }
        // Quantile bins hold roughly equal shares.
        #expect(counts.allSatisfy { abs(Double($0) / Double(n) - 1.0 / Double(counts.count)) < 0.02 })
        let b = 5, t = cuts.threshold(feature: 0, leftMaxBin: b)
        for i in 0..<n { #expect((values[i] < t) == (Int(matrix.codes[i * matrix.stride]) <= b)) }
    }

    @Test func radixSortSortsLikeTheStandardLibrary() {
        var generator = SeededGenerator(seed: 2)
        var values = (0..<10_000).map { i -> Float in i % 7 == 0 ? -0.0 : Float(generator.nextGaussian() * 1e3) }
        values += [Float.greatestFiniteMagnitude, -Float.greatestFiniteMagnitude, 0, Float.leastNonzeroMagnitude]
        var sorted = values
        RadixSort.sort(&sorted)
        #expect(sorted.map { $0 == 0 ? 0 : $0 } == values.sorted().map { $0 == 0 ? 0 : $0 })
    }
}

@Suite struct RadixOrderTests {
    @Test func descendingOrderMatchesAStableComparisonSort() {
        var generator = SeededGenerator(seed: 8)
        let values = (0..<20_000).map { i -> Float in i % 5 == 0 ? 0.25 : Float(generator.nextGaussian()) }
        let expected = values.indices.sorted { values[$0] > values[$1] || (values[$0] == values[$1] && $0 < $1) }
        #expect(RadixSort.descendingOrder(values) == expected)
    }

    // Large inputs are sorted by parts on several threads: the same stable order (ties by
    // ascending payload), for any part count.
    @Test(arguments: [2, 3, 8])
    func threadedPassesGiveTheSameOrder(threads: Int) {
        var generator = SeededGenerator(seed: 9)
        let values = (0..<70_001).map { i -> Float in i % 4 == 0 ? 0.5 : Float(generator.nextGaussian()) }
        let payload = (0..<values.count).map { UInt32($0) }
        let single = RadixSort.descendingKeys(values, payload: payload, threads: 1)
        let threaded = RadixSort.descendingKeys(values, payload: payload, threads: threads)
        #expect(threaded.keys == single.keys)
        #expect(threaded.payload == single.payload)
        let expected = values.indices.sorted { values[$0] > values[$1] || (values[$0] == values[$1] && $0 < $1) }
        #expect(threaded.payload.map { Int($0) } == expected)
    }
}

@Suite struct WeightedCutTests {
    @Test func weightedQuantilesFollowTheWeightsAndIgnoreZeroWeightRows() {
        // Values 0..<1000; rows from 500 on weigh 0, rows below 250 weigh 3.
        let n = 1000
        let m = DenseMatrix(rows: n, columns: 1, storage: (0..<n).map { Float($0) })
        let weights: [Float] = (0..<n).map { $0 >= 500 ? 0 : ($0 < 250 ? 3 : 1) }
        let cuts = BinCuts.compute(features: m, weights: weights, maxBin: 8, seed: 0, threads: 1)
        let values = Array(cuts.values.dropLast())
        #expect(values.count == 7)
        #expect(values.allSatisfy { $0 < 500 })
        // Three quarters of the weight lies below 250: six of the seven inner cuts do too.
        #expect(values.filter { $0 < 250 }.count == 6)
        #expect(cuts.values.last! > 499)
    }
}
