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

    /// Bytes of the codes of a `rows × columns` matrix: rows padded to a multiple of 8 bytes.
    static func byteCount(rows: Int, columns: Int) -> Int { rows * stride(columns: columns) }

    /// Bytes per row record for `columns` features (at least 8).
    static func stride(columns: Int) -> Int { max(8, (columns + 7) / 8 * 8) }

    /// Allocates the codes of `rows × cuts.featureCount` (uninitialised) and the slot layout.
    private init(rows: Int, cuts: BinCuts) {
        self.rows = rows
        columns = cuts.featureCount
        stride = Self.stride(columns: columns)
        self.cuts = cuts
        // Every feature gets 256 slots (at most 255 value bins and the missing code), so the slot
        // of (feature, code) is `feature << 8 | code` and the histogram kernel needs no table.
        slotOffsets = (0...columns).map { Int32($0 * Self.slotsPerFeature) }
        codes = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, rows * stride))
    }

    /// Bins `features` with `cuts`, rows spread over `threads`.
    convenience init(features: DenseMatrix<Float>, cuts: BinCuts, threads: Int) {
        precondition(features.columns == cuts.featureCount, "\(features.columns) features for cuts of \(cuts.featureCount)")
        self.init(rows: features.rows, cuts: cuts)
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

    /// Bins CSR `features` with `cuts`, absent entries being missing values: the same codes as
    /// `init(features:cuts:threads:)` gives the matrix densified with NaN, without that matrix.
    ///
    /// Each row record starts as a copy of one template record (every feature's missing code,
    /// zero padding), then the row's stored entries are binned into it. O(rows × stride) bytes
    /// written plus O(stored entries) searches, rows spread over `threads`.
    convenience init(sparse features: SparseMatrix<Float>, cuts: BinCuts, threads: Int) {
        precondition(features.columns == cuts.featureCount, "\(features.columns) features for cuts of \(cuts.featureCount)")
        self.init(rows: features.rows, cuts: cuts)
        if rows == 0 { codes.initialize(to: 0); return }
        let n = rows, stride = stride, out = codes
        var template = [UInt8](repeating: 0, count: stride)
        for f in 0..<columns { template[f] = UInt8(truncatingIfNeeded: cuts.binCount(f)) }
        let table = cuts.searchTable()
        features.rowOffsets.withUnsafeBufferPointer { offsets in
            features.columnIndices.withUnsafeBufferPointer { indices in
                features.values.withUnsafeBufferPointer { values in
                    table.withUnsafeBufferPointer { t in
                        template.withUnsafeBufferPointer { missing in
                            let chunk = 16_384
                            ParallelRunner.forEach(count: (n + chunk - 1) / chunk, threads: threads) { c in
                                for i in (c * chunk)..<min(n, (c + 1) * chunk) {
                                    let record = out + i * stride
                                    record.initialize(from: missing.baseAddress!, count: stride)
                                    for k in offsets[i]..<offsets[i + 1] {
                                        let f = Int(indices[k])
                                        record[f] = BinCuts.bin(of: values[k], in: t.baseAddress! + f * BinCuts.tableWidth, missing: missing[f])
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    deinit { codes.deallocate() }
}
