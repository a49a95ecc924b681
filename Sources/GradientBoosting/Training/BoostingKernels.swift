import MLCore

/// The training kernels one at a time, as training runs them: binning (quantile cuts and the
/// one-byte code matrix), one node's gradient histogram, and the split scan over it.
///
/// For the package's micro benchmarks (`Benchmarks/GradientBoostingBenchmarks`) and for profiling a
/// kernel on its own; `BoostingTrainer` is the way to train. Not for concurrent use.
public final class BoostingKernels {
    private let matrix: BinnedMatrix
    private let builder: HistogramBuilder
    private let histogram: UnsafeMutablePointer<SIMD2<Double>>
    private let rules: SplitRules
    private let parameters: BoostingParameters
    private let monotone: [Int]
    /// Gradient and hessian totals of the rows of the last `buildHistogram`.
    private var totals = SIMD2<Double>.zero

    /// Bins `features` as training does: `parameters.maxBin`, `seed` and `threads` apply.
    public init(features: DenseMatrix<Float>, parameters: BoostingParameters) {
        let cuts = BinCuts.compute(features: features, maxBin: parameters.maxBin, seed: parameters.seed, threads: parameters.threads)
        matrix = BinnedMatrix(features: features, cuts: cuts, threads: parameters.threads)
        builder = HistogramBuilder(matrix: matrix, threads: parameters.threads)
        histogram = UnsafeMutablePointer<SIMD2<Double>>.allocate(capacity: max(1, matrix.slotCount))
        histogram.initialize(repeating: .zero, count: max(1, matrix.slotCount))
        self.parameters = parameters
        monotone = [Int](repeating: 0, count: matrix.columns)
        rules = SplitRules(lambda: parameters.lambda, alpha: parameters.alpha, maxDeltaStep: parameters.maxDeltaStep,
                           minChildWeight: parameters.minChildWeight, constrained: false)
    }

    deinit { histogram.deallocate() }

    /// Histogram slots (256 per feature).
    public var slotCount: Int { matrix.slotCount }

    /// Sums the interleaved `(g, h)` pairs of the rows `rows` (a contiguous range, as a node's
    /// rows are after partitioning) into the histogram, on `parameters.threads` threads when the
    /// range is large enough; returns the `(g, h)` totals.
    @discardableResult
    public func buildHistogram(gradients: [Float], rows: Range<Int>) -> (g: Double, h: Double) {
        precondition(rows.lowerBound >= 0 && rows.upperBound <= matrix.rows && gradients.count >= 2 * matrix.rows,
                     "buildHistogram: rows \(rows) of \(matrix.rows), \(gradients.count / 2) gradient pairs")
        gradients.withUnsafeBufferPointer { g in
            builder.build(codes: matrix.codes, start: rows.lowerBound, count: rows.count, gradients: g.baseAddress!, into: histogram)
        }
        // Every row lands in exactly one slot of feature 0.
        var sum = SIMD2<Double>.zero
        for s in 0 ..< BinnedMatrix.slotsPerFeature where matrix.columns > 0 { sum += histogram[s] }
        totals = sum
        return (sum.x, sum.y)
    }

    /// The best split of the node whose histogram was built last, over every feature: the
    /// feature (−1 when no split is usable) and its loss change.
    public func bestSplit() -> (feature: Int, lossChange: Double) {
        let best = SplitScan.best(histogram: UnsafePointer(histogram), features: Array(0 ..< matrix.columns)[...], cuts: matrix.cuts,
                                  slotOffsets: matrix.slotOffsets, missingSlot: true,
                                  g: totals.x, h: totals.y, lower: -.infinity, upper: .infinity, rules: rules,
                                  monotone: monotone, minChildWeight: parameters.minChildWeight)
        return (best.isUsable ? best.feature : -1, best.lossChange)
    }
}
