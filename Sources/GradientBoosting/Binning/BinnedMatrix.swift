import MLCore

/// The training features as one-byte bin codes, row-major, with the histogram layout.
///
/// Row `i` occupies `codes[i * columns ..< (i + 1) * columns]`, so building a node's histogram
/// walks its rows and reads one cache line per row. Feature `f` owns histogram slots
/// `slotOffsets[f] ..< slotOffsets[f] + binCount(f) + 1`, the last of them for missing values.
struct BinnedMatrix: Sendable {
    let rows: Int
    let columns: Int
    var codes: [UInt8]
    let cuts: BinCuts
    /// First histogram slot of each feature; `slotOffsets[columns]` is the total.
    let slotOffsets: [Int32]

    var slotCount: Int { Int(slotOffsets[columns]) }

    /// Bins `features` with `cuts`, rows spread over `threads`.
    init(features: DenseMatrix<Float>, cuts: BinCuts, threads: Int) {
        rows = features.rows
        columns = features.columns
        self.cuts = cuts
        var offsets: [Int32] = [0]
        for f in 0..<columns { offsets.append(offsets[f] + Int32(cuts.binCount(f) + 1)) }
        slotOffsets = offsets
        var codes = [UInt8](repeating: 0, count: rows * columns)
        let n = rows, d = columns
        features.storage.withUnsafeBufferPointer { x in
            cuts.values.withUnsafeBufferPointer { cutValues in
                codes.withUnsafeMutableBufferPointer { out in
                    let outBase = out.baseAddress!
                    let chunk = 16_384
                    ParallelRunner.forEach(count: (n + chunk - 1) / chunk, threads: threads) { c in
                        for i in (c * chunk)..<min(n, (c + 1) * chunk) {
                            for f in 0..<d {
                                outBase[i * d + f] = UInt8(truncatingIfNeeded: cuts.bin(of: x[i * d + f], feature: f, cuts: cutValues.baseAddress!))
                            }
                        }
                    }
                }
            }
        }
        self.codes = codes
    }
}
