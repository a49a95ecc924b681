import MLCore

/// The training features of a sparse set as global bin indices of its stored entries only, row
/// after row (CSR), with the compact histogram layout.
///
/// Feature `f` owns histogram slots `slotOffsets[f] ..< slotOffsets[f + 1]`, one per value bin
/// (`cuts.binCount(f)` of them) and none for missing values: a stored entry of feature `f` in bin
/// `b` is kept as the global index `slotOffsets[f] + b`. Absent entries and stored NaNs are missing
/// values and are not kept; a node's missing sums of a feature are its totals minus the feature's
/// bins (see `SplitScan`). Row `i` holds entries `rowOffsets[i] ..< rowOffsets[i + 1]`, in
/// ascending feature order (CSR column order), hence ascending global index, which is what lets
/// `bin(row:feature:)` search a row and the histogram kernel take one slot range of a row.
///
/// Entries are 2 bytes when every slot index fits (`slotCount ≤ 65 536`), else 4 bytes, so the
/// layout costs 2–4 bytes per stored entry plus 8 per row, whatever the feature count; XGBoost's
/// `hist` keeps the same layout for sparse input.
final class SparseBinnedMatrix: @unchecked Sendable {
    let rows: Int
    let columns: Int
    let cuts: BinCuts
    /// `rows + 1` offsets into the entries.
    let rowOffsets: UnsafeMutablePointer<Int>
    /// Stored, non-NaN entries: global slot indices, `UInt16` when `wide` is false, else `UInt32`.
    let entries: UnsafeMutableRawPointer
    let entryCount: Int
    /// Whether the entries are `UInt32` (more than 65 536 slots).
    let wide: Bool
    /// First histogram slot of each feature; `slotOffsets[columns]` is the total.
    let slotOffsets: [Int32]
    /// Contiguous feature ranges, one per thread (at most `maxRanges`), of about equal histogram
    /// work (stored entries plus weighted bins): each thread builds, subtracts and scans its range's slots.
    let featureRanges: [Range<Int>]

    var slotCount: Int { Int(slotOffsets[columns]) }

    /// Most feature ranges a node's work is cut into: each range costs every row of the node a
    /// binary search of its entries, which more ranges than this would not pay for.
    static let maxRanges = 16

    /// The work of a histogram slot relative to a stored entry's when cutting feature ranges.
    static let slotWeight = 8

    /// Bytes of the layout: the entries and the row offsets.
    var byteCount: Int { entryCount * (wide ? 4 : 2) + (rows + 1) * 8 }

    /// Sparse sets at most this dense (stored entries over rows × features) train on this layout;
    /// denser ones on the one-byte `BinnedMatrix`, whose histogram pass reads every (row, feature)
    /// pair but does so with no per-entry index and no search when partitioning.
    static let densityThreshold = 0.25

    /// Whether a CSR training matrix should be binned into this layout rather than `BinnedMatrix`.
    static func suits(_ features: SparseMatrix<Float>) -> Bool {
        Double(features.storedCount) < densityThreshold * Double(features.rows) * Double(features.columns)
    }

    /// Bytes the layout of `features` takes at most (every stored entry kept, 4-byte entries when
    /// `slots` could exceed 65 536: before the cuts are known, 256 slots per feature are assumed).
    static func byteCount(of features: SparseMatrix<Float>) -> Int {
        let wide = features.columns * BinnedMatrix.slotsPerFeature > 65_536
        return features.storedCount * (wide ? 4 : 2) + (features.rows + 1) * 8
    }

    /// Bins the stored entries of `features` with `cuts`; stored NaNs are dropped (missing). Two
    /// passes over the rows, spread over `threads`: one counts each row's non-NaN entries, one
    /// writes their global indices. No `rows × features` array is made.
    init(sparse features: SparseMatrix<Float>, cuts: BinCuts, threads: Int) {
        precondition(features.columns == cuts.featureCount, "\(features.columns) features for cuts of \(cuts.featureCount)")
        rows = features.rows
        columns = features.columns
        self.cuts = cuts
        var offsets = [Int32](repeating: 0, count: columns + 1)
        var total = 0
        for f in 0..<columns {
            offsets[f] = Int32(total)
            total += cuts.binCount(f)
        }
        precondition(total <= Int(Int32.max), "\(total) histogram slots exceed the 32-bit slot index")
        offsets[columns] = Int32(total)
        slotOffsets = offsets
        let wide = total > 65_536
        self.wide = wide
        let n = rows, threads = max(1, threads)
        let starts = UnsafeMutablePointer<Int>.allocate(capacity: n + 1)
        let chunk = 16_384, chunks = (n + chunk - 1) / chunk
        let table = cuts.searchTable()
        let missingCodes = (0..<columns).map { UInt8(truncatingIfNeeded: cuts.binCount($0)) }
        var kept = 0
        var perFeature = [Int](repeating: 0, count: columns)
        features.rowOffsets.withUnsafeBufferPointer { csrOffsets in
            features.columnIndices.withUnsafeBufferPointer { indices in
                features.values.withUnsafeBufferPointer { values in
                    // Pass 1: each row's non-NaN entries, then the offsets.
                    let out = starts
                    out[0] = 0
                    ParallelRunner.forEach(count: chunks, threads: threads) { c in
                        for i in (c * chunk)..<min(n, (c + 1) * chunk) {
                            var m = 0
                            for k in csrOffsets[i]..<csrOffsets[i + 1] where !values[k].isNaN { m += 1 }
                            out[i + 1] = m
                        }
                    }
                    for i in 0..<n { out[i + 1] += out[i] }
                    kept = out[n]
                    for k in 0..<csrOffsets[n] where !values[k].isNaN { perFeature[Int(indices[k])] += 1 }
                }
            }
        }
        let store = UnsafeMutableRawPointer.allocate(byteCount: max(1, kept) * (wide ? 4 : 2), alignment: 8)
        features.rowOffsets.withUnsafeBufferPointer { csrOffsets in
            features.columnIndices.withUnsafeBufferPointer { indices in
                features.values.withUnsafeBufferPointer { values in
                    table.withUnsafeBufferPointer { t in
                        missingCodes.withUnsafeBufferPointer { missing in
                            offsets.withUnsafeBufferPointer { slots in
                                // Pass 2: the global indices of the kept entries.
                                func fill<T: FixedWidthInteger & UnsignedInteger>(_: T.Type) {
                                    let out = store.assumingMemoryBound(to: T.self)
                                    ParallelRunner.forEach(count: chunks, threads: threads) { c in
                                        for i in (c * chunk)..<min(n, (c + 1) * chunk) {
                                            var position = starts[i]
                                            for k in csrOffsets[i]..<csrOffsets[i + 1] where !values[k].isNaN {
                                                let f = Int(indices[k])
                                                let bin = BinCuts.bin(of: values[k], in: t.baseAddress! + f * BinCuts.tableWidth, missing: missing[f])
                                                out[position] = T(truncatingIfNeeded: Int(slots[f]) + Int(bin))
                                                position += 1
                                            }
                                        }
                                    }
                                }
                                if wide { fill(UInt32.self) } else { fill(UInt16.self) }
                            }
                        }
                    }
                }
            }
        }
        rowOffsets = starts
        entries = store
        entryCount = kept
        featureRanges = Self.featureRanges(perFeatureEntries: perFeature, cuts: cuts, parts: min(threads, Self.maxRanges))
    }

    deinit {
        rowOffsets.deallocate()
        entries.deallocate()
    }

    /// Cuts the features into `parts` contiguous ranges of about equal work, each feature weighing
    /// its stored entries plus `slotWeight` times its slots. An entry is summed once per tree level
    /// (a scattered update); a slot is zeroed, subtracted and scanned twice for nearly every node
    /// (streamed), which in a depth-6 tree is some 30 times an entry's visits at a few times less
    /// cost each.
    static func featureRanges(perFeatureEntries: [Int], cuts: BinCuts, parts: Int) -> [Range<Int>] {
        let columns = perFeatureEntries.count
        guard parts > 1 && columns > 1 else { return [0..<columns] }
        let work = (0..<columns).map { perFeatureEntries[$0] + slotWeight * cuts.binCount($0) }
        let total = work.reduce(0, +)
        var ranges: [Range<Int>] = []
        var lower = 0, done = 0
        for f in 0..<columns {
            done += work[f]
            let part = ranges.count + 1
            if part < parts && done * parts >= total * part {
                ranges.append(lower..<(f + 1))
                lower = f + 1
            }
        }
        ranges.append(lower..<columns)
        return ranges.filter { !$0.isEmpty }
    }

    /// The bin of `row`'s value of `feature`, or `cuts.binCount(feature)` when the row has none
    /// (missing): a binary search of the row's sorted entries for the feature's slot range.
    @inline(__always)
    func bin(row: Int, feature: Int) -> Int {
        let lower = Int(slotOffsets[feature]), upper = Int(slotOffsets[feature + 1])
        let start = rowOffsets[row], end = rowOffsets[row + 1]
        @inline(__always) func search<T: FixedWidthInteger & UnsignedInteger>(_: T.Type) -> Int {
            let e = entries.assumingMemoryBound(to: T.self)
            let k = Self.lowerBound(e, start, end, lower)
            if k < end { let s = Int(e[k]); if s < upper { return s - lower } }
            return upper - lower
        }
        return wide ? search(UInt32.self) : search(UInt16.self)
    }

    /// The first position in `start ..< end` whose entry is at least `value` (`end` if none).
    @inline(__always)
    static func lowerBound<T: FixedWidthInteger & UnsignedInteger>(_ e: UnsafePointer<T>, _ start: Int, _ end: Int, _ value: Int) -> Int {
        var low = start, count = end - start
        while count > 0 {
            let half = count >> 1
            if Int(e[low + half]) < value { low += half + 1; count -= half + 1 } else { count = half }
        }
        return low
    }
}
