/// Builds node histograms from row records kept in node order and their gradient pairs.
///
/// A node's rows occupy positions `start ..< start + count` of both the code records and the
/// gradient pairs (the grower keeps them in node order), so one pass streams forward through
/// memory. With several threads the positions are cut into contiguous blocks; each thread sums
/// into its own histogram (no shared cache lines while summing) and the blocks are added together
/// afterwards in a fixed order, so results do not depend on scheduling. A node gets one worker per
/// `rowsPerWorker` rows at most: each worker's histogram costs `slotCount` zeroed and merged slots
/// (16 bytes each; 10 MB for 2 500 features), which few rows cannot pay for, and on a machine with
/// many cores a small node would otherwise touch a partial histogram on every one of them.
final class HistogramBuilder {
    let matrix: BinnedMatrix
    let threads: Int
    /// Per-thread partial histograms for threads 1..<threads.
    private var partials: [UnsafeMutablePointer<SIMD2<Double>>] = []
    /// Rows below which a node's histogram is built on one thread.
    static let parallelThreshold = 16_384
    /// The fewest rows each worker of a parallel build sums.
    static let rowsPerWorker = 8_192

    /// The workers a node of `count` rows is built with.
    func workers(forRows count: Int) -> Int {
        count >= Self.parallelThreshold ? min(threads, count / Self.rowsPerWorker) : 1
    }

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

    /// Sums the gradient pairs of positions `start ..< start + count` into `histogram` (overwriting it).
    ///
    /// - Parameters:
    ///   - codes: row records (`matrix.stride` bytes each) in position order.
    ///   - gradients: interleaved `(g, h)` Float32 pairs in the same order.
    func build(codes: UnsafeRawPointer, start: Int, count: Int, gradients: UnsafePointer<Float>,
               into histogram: UnsafeMutablePointer<SIMD2<Double>>) {
        let slots = matrix.slotCount
        let workers = workers(forRows: count)
        let codes = codes.assumingMemoryBound(to: UInt8.self), stride = matrix.stride, columns = matrix.columns
        matrix.slotOffsets.withUnsafeBufferPointer { offsets in
            let offsetsBase = offsets.baseAddress!
            if workers == 1 {
                histogram.initialize(repeating: .zero, count: slots)
                Self.accumulate(codes: codes + start * stride, stride: stride, columns: columns, count: count, slotOffsets: offsetsBase,
                                gradients: gradients + 2 * start, into: histogram)
                return
            }
            let partials = self.partials
            ParallelRunner.forEach(count: workers, threads: workers) { w in
                let target = w == 0 ? histogram : partials[w - 1]
                target.initialize(repeating: .zero, count: slots)
                let lower = start + count * w / workers, upper = start + count * (w + 1) / workers
                Self.accumulate(codes: codes + lower * stride, stride: stride, columns: columns, count: upper - lower,
                                slotOffsets: offsetsBase, gradients: gradients + 2 * lower, into: target)
            }
            for w in 1..<workers {
                let partial = partials[w - 1]
                for s in 0..<slots { histogram[s] += partial[s] }
            }
        }
    }

    /// The kernel: one forward pass over `count` records, one slot update per (row, feature), at
    /// slot `feature << 8 | code` (see `BinnedMatrix.slotOffsets`).
    @inline(__always)
    static func accumulate(codes: UnsafePointer<UInt8>, stride: Int, columns: Int, count: Int, slotOffsets: UnsafePointer<Int32>,
                           gradients: UnsafePointer<Float>, into histogram: UnsafeMutablePointer<SIMD2<Double>>) {
        var record = codes
        for j in 0..<count {
            let pair = SIMD2<Double>(Double(gradients[2 &* j]), Double(gradients[2 &* j &+ 1]))
            var f = 0
            while f < columns {
                let slot = (f &<< 8) | Int(record[f])
                histogram[slot] += pair
                f &+= 1
            }
            record += stride
        }
    }

    /// `target -= other`, slot by slot: the sibling's histogram from the parent's (the
    /// subtraction trick: only the smaller child is built from its rows).
    static func subtract(_ other: UnsafePointer<SIMD2<Double>>, from target: UnsafeMutablePointer<SIMD2<Double>>, slots: Int) {
        for s in 0..<slots { target[s] -= other[s] }
    }
}
