/// Builds node histograms from the binned rows and the rows' gradient pairs.
///
/// Rows are split into contiguous blocks, one per thread; each thread sums into its own histogram
/// (no shared cache lines while summing) and the blocks are added together afterwards in a fixed
/// order, so results do not depend on scheduling.
final class HistogramBuilder {
    let matrix: BinnedMatrix
    let threads: Int
    /// Per-thread partial histograms for threads 1..<threads.
    private var partials: [UnsafeMutablePointer<SIMD2<Double>>] = []
    /// Rows below which a node's histogram is built on one thread.
    static let parallelThreshold = 16_384

    init(matrix: BinnedMatrix, threads: Int) {
        self.matrix = matrix
        self.threads = max(1, threads)
        for _ in 1..<self.threads {
            partials.append(UnsafeMutablePointer<SIMD2<Double>>.allocate(capacity: max(matrix.slotCount, 1)))
        }
    }

    deinit {
        for p in partials { p.deallocate() }
    }

    /// Sums the gradient pairs of `rows` into `histogram` (overwriting it).
    ///
    /// - Parameter gradients: interleaved `(g, h)` Float32 pairs, indexed by row.
    func build(rows: UnsafeBufferPointer<UInt32>, gradients: UnsafePointer<Float>, into histogram: UnsafeMutablePointer<SIMD2<Double>>) {
        let slots = matrix.slotCount
        let workers = rows.count >= Self.parallelThreshold ? threads : 1
        matrix.codes.withUnsafeBufferPointer { codes in
            matrix.slotOffsets.withUnsafeBufferPointer { offsets in
                let codesBase = codes.baseAddress!, offsetsBase = offsets.baseAddress!
                let columns = matrix.columns
                if workers == 1 {
                    histogram.initialize(repeating: .zero, count: slots)
                    Self.accumulate(rows: rows, codes: codesBase, columns: columns, slotOffsets: offsetsBase,
                                    gradients: gradients, into: histogram)
                    return
                }
                let partials = self.partials
                ParallelRunner.forEach(count: workers, threads: workers) { w in
                    let target = w == 0 ? histogram : partials[w - 1]
                    target.initialize(repeating: .zero, count: slots)
                    let lower = rows.count * w / workers, upper = rows.count * (w + 1) / workers
                    Self.accumulate(rows: UnsafeBufferPointer(rebasing: rows[lower..<upper]), codes: codesBase, columns: columns,
                                    slotOffsets: offsetsBase, gradients: gradients, into: target)
                }
                for w in 1..<workers {
                    let partial = partials[w - 1]
                    for s in 0..<slots { histogram[s] += partial[s] }
                }
            }
        }
    }

    /// The kernel: one pass over the rows, one slot update per (row, feature).
    @inline(__always)
    static func accumulate(rows: UnsafeBufferPointer<UInt32>, codes: UnsafePointer<UInt8>, columns: Int,
                           slotOffsets: UnsafePointer<Int32>, gradients: UnsafePointer<Float>,
                           into histogram: UnsafeMutablePointer<SIMD2<Double>>) {
        for r32 in rows {
            let r = Int(r32)
            let pair = SIMD2<Double>(Double(gradients[2 &* r]), Double(gradients[2 &* r &+ 1]))
            let rowCodes = codes + r &* columns
            var f = 0
            while f < columns {
                let slot = Int(slotOffsets[f]) &+ Int(rowCodes[f])
                histogram[slot] += pair
                f &+= 1
            }
        }
    }

    /// `target -= other`, slot by slot: the sibling's histogram from the parent's (the
    /// subtraction trick: only the smaller child is built from its rows).
    static func subtract(_ other: UnsafePointer<SIMD2<Double>>, from target: UnsafeMutablePointer<SIMD2<Double>>, slots: Int) {
        for s in 0..<slots { target[s] -= other[s] }
    }
}
