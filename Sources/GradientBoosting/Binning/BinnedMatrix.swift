import MLCore

/// The training features as one-byte bin codes, one padded record per row, with the histogram layout.
///
/// Row records are `stride` bytes (the feature count rounded up to a multiple of 8) so a whole
/// record moves as a few 64-bit words. The tree grower copies records into node order as it
/// partitions rows, so building a node's histogram streams through contiguous memory instead of
/// gathering rows from all over the matrix; this matrix itself stays in row order. Feature `f` owns
/// histogram slots `256 · f ..< 256 · (f + 1)`: value bin `b` at `256 · f + b`, missing values at
/// `256 · f + binCount(f)`.
final class BinnedMatrix: @unchecked Sendable {
    let rows: Int
    let columns: Int
    /// Bytes per row record.
    let stride: Int
    /// `rows × stride` codes, row after row.
    let codes: UnsafeMutablePointer<UInt8>
    let cuts: BinCuts
    /// First histogram slot of each feature (`256 · f`); `slotOffsets[columns]` is the total.
    let slotOffsets: [Int32]
    static let slotsPerFeature = 256

    var slotCount: Int { Int(slotOffsets[columns]) }

    /// Bins `features` with `cuts`, rows spread over `threads`.
    init(features: DenseMatrix<Float>, cuts: BinCuts, threads: Int) {
        rows = features.rows
        columns = features.columns
        stride = max(8, (columns + 7) / 8 * 8)
        self.cuts = cuts
        // Every feature gets 256 slots (at most 255 value bins and the missing code), so the slot
        // of (feature, code) is `feature << 8 | code` and the histogram kernel needs no table.
        slotOffsets = (0...columns).map { Int32($0 * Self.slotsPerFeature) }
        codes = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, rows * stride))
        codes.initialize(repeating: 0, count: max(1, rows * stride))
        let n = rows, d = columns, stride = stride, out = codes
        let table = cuts.searchTable()
        let missingCodes = (0..<columns).map { UInt8(truncatingIfNeeded: cuts.binCount($0)) }
        features.storage.withUnsafeBufferPointer { x in
            table.withUnsafeBufferPointer { t in
              missingCodes.withUnsafeBufferPointer { missing in
                let chunk = 16_384
                ParallelRunner.forEach(count: (n + chunk - 1) / chunk, threads: threads) { c in
                    for i in (c * chunk)..<min(n, (c + 1) * chunk) {
                        for f in 0..<d {
                            out[i * stride + f] = BinCuts.bin(of: x[i * d + f], in: t.baseAddress! + f * BinCuts.tableWidth,
                                                              missing: missing[f])
                        }
                    }
                }
              }
            }
        }
    }

    deinit { codes.deallocate() }
}
