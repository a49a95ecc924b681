import MLCore

/// Quantile cut points of every feature: the bin boundaries of the `hist` method.
///
/// A value `v` of feature `f` falls into bin `b`, the first bin whose cut is greater than `v`, so
/// bin `b` holds `cuts(f)[b - 1] ≤ v < cuts(f)[b]`. The last cut of a feature lies above its largest
/// training value. A split that sends bins `0...b` left therefore has the threshold `cuts(f)[b]`
/// and agrees with the model rule "go left when value < threshold". Missing values (NaN) get the
/// code `binCount(f)`, one past the value bins.
struct BinCuts: Sendable, Equatable {
    /// Cut values of all features, feature after feature.
    var values: [Float]
    /// `values[offsets[f]..<offsets[f + 1]]` are the cuts of feature `f`.
    var offsets: [Int]
    /// Smallest training value of each feature (the threshold that sends only missing values left).
    var minimums: [Float]

    var featureCount: Int { offsets.count - 1 }

    /// Cuts laid out feature after feature from one array of cuts per feature.
    init(perFeature: [[Float]], minimums: [Float]) {
        var values: [Float] = []
        var offsets = [0]
        offsets.reserveCapacity(perFeature.count + 1)
        for cuts in perFeature { values.append(contentsOf: cuts); offsets.append(values.count) }
        self.init(values: values, offsets: offsets, minimums: minimums)
    }

    init(values: [Float], offsets: [Int], minimums: [Float]) {
        self.values = values
        self.offsets = offsets
        self.minimums = minimums
    }

    @inline(__always) func binCount(_ feature: Int) -> Int { offsets[feature + 1] - offsets[feature] }

    /// The threshold of a split that sends bins `0...leftMaxBin` left (`-1`: no value bin left).
    func threshold(feature: Int, leftMaxBin: Int) -> Float {
        leftMaxBin < 0 ? minimums[feature] : values[offsets[feature] + leftMaxBin]
    }

    /// Most value bins one byte can hold next to the missing code.
    static let maxValueBins = 255

    /// Computes the cuts from the training features.
    ///
    /// Each feature's non-missing values (of at most `sampleLimit` rows, drawn with `seed` when the
    /// data has more) are sorted; with at most `maxBin` distinct values every distinct value starts
    /// a bin, otherwise the cuts are the values at evenly spaced ranks, or, with row weights, at
    /// evenly spaced shares of the cumulative weight (rows of weight 0 take no part).
    ///
    /// - Complexity: O(F · s) radix-sort passes for `s = min(rows, sampleLimit)`, spread over `threads`.
    static func compute(features: DenseMatrix<Float>, weights: [Float]? = nil, maxBin: Int, sampleLimit: Int = 200_000,
                        seed: UInt64, threads: Int) -> BinCuts {
        let n = features.rows, columns = features.columns
        let bins = max(2, min(maxBin, maxValueBins))
        let sampleRows = sample(rows: n, limit: sampleLimit, seed: seed)
        var perFeature = [[Float]](repeating: [], count: columns)
        var minimums = [Float](repeating: 0, count: columns)
        features.storage.withUnsafeBufferPointer { x in
            perFeature.withUnsafeMutableBufferPointer { out in
                minimums.withUnsafeMutableBufferPointer { mins in
                    let outBase = out.baseAddress!, minBase = mins.baseAddress!
                    ParallelRunner.forEach(count: columns, threads: threads) { f in
                        var column: [Float] = [], rowsOfValues: [UInt32] = []
                        column.reserveCapacity(sampleRows?.count ?? n)
                        if let weights {
                            for i in sampleRows ?? Array(0..<n) {
                                let v = x[i * columns + f]
                                if !v.isNaN && weights[i] > 0 { column.append(v); rowsOfValues.append(UInt32(i)) }
                            }
                        } else if let rows = sampleRows {
                            for i in rows { let v = x[i * columns + f]; if !v.isNaN { column.append(v) } }
                        } else {
                            for i in 0..<n { let v = x[i * columns + f]; if !v.isNaN { column.append(v) } }
                        }
                        let (cuts, minimum) = cutsOfFeature(&column, rows: rowsOfValues, weights: weights, bins: bins)
                        (outBase + f).pointee = cuts
                        (minBase + f).pointee = minimum
                    }
                }
            }
        }
        return BinCuts(perFeature: perFeature, minimums: minimums)
    }

    /// Computes the cuts from CSR training features, where absent entries are missing values:
    /// for the same data the result equals `compute(features:)` of the matrix densified with NaN,
    /// bit for bit, and no dense matrix is built.
    ///
    /// The same rows are sampled. One pass counts each feature's candidate entries (stored,
    /// not NaN, of a sampled row, of positive weight when weighted), a second scatters them into
    /// one bucket per feature — parts of the rows on different threads, each part's entries
    /// placed after the previous part's, so every bucket lists its values in row order, as the
    /// dense column scan does — and then each feature's bucket is sorted and cut as a dense
    /// column is.
    ///
    /// - Complexity: O(stored entries of the sampled rows) for the buckets (4 bytes each, 8 with
    ///   weights) plus the per-feature radix sorts, spread over `threads`.
    static func compute(sparse features: SparseMatrix<Float>, weights: [Float]? = nil, maxBin: Int, sampleLimit: Int = 200_000,
                        seed: UInt64, threads: Int) -> BinCuts {
        let n = features.rows, columns = features.columns
        let bins = max(2, min(maxBin, maxValueBins))
        guard columns > 0 else { return BinCuts(perFeature: [], minimums: []) }
        let sampleRows = sample(rows: n, limit: sampleLimit, seed: seed)
        let rowCount = sampleRows?.count ?? n
        // Parts of the (sampled) row list; each keeps a count per feature, so very wide data with
        // few entries uses fewer parts.
        let sampledEntries = n == 0 ? 0 : Int(Double(features.storedCount) * Double(rowCount) / Double(n))
        let parts = max(1, min(threads, rowCount / 1024, sampledEntries / max(1, 2 * columns)))
        var counts = [Int](repeating: 0, count: parts * columns)
        var bucketValues: [Float] = []
        var bucketRows: [UInt32] = []
        var bucketStarts = [Int](repeating: 0, count: columns + 1)
        features.rowOffsets.withUnsafeBufferPointer { offsets in
            features.columnIndices.withUnsafeBufferPointer { indices in
                features.values.withUnsafeBufferPointer { values in
                    // Calls body(row) for the rows of part p, in row order.
                    func forEachRow(ofPart p: Int, _ body: (Int) -> Void) {
                        let lower = rowCount * p / parts, upper = rowCount * (p + 1) / parts
                        if let sampleRows { for j in lower..<upper { body(sampleRows[j]) } } else { for i in lower..<upper { body(i) } }
                    }
                    @inline(__always) func takes(_ i: Int, _ v: Float) -> Bool { !v.isNaN && (weights == nil || weights![i] > 0) }
                    counts.withUnsafeMutableBufferPointer { counts in
                        let countBase = counts.baseAddress!
                        ParallelRunner.forEach(count: parts, threads: threads) { p in
                            let partCounts = countBase + p * columns
                            forEachRow(ofPart: p) { i in
                                for k in offsets[i]..<offsets[i + 1] where takes(i, values[k]) { partCounts[Int(indices[k])] += 1 }
                            }
                        }
                        // Turn counts into write positions: feature after feature, part after part.
                        var position = 0
                        for f in 0..<columns {
                            bucketStarts[f] = position
                            for p in 0..<parts {
                                let c = counts[p * columns + f]
                                counts[p * columns + f] = position
                                position += c
                            }
                        }
                        bucketStarts[columns] = position
                        bucketValues = [Float](repeating: 0, count: position)
                        bucketRows = [UInt32](repeating: 0, count: weights == nil ? 0 : position)
                        bucketValues.withUnsafeMutableBufferPointer { outValues in
                            bucketRows.withUnsafeMutableBufferPointer { outRows in
                                // (An empty array may still hand out a base address: rows are written only with weights.)
                                let valueBase = outValues.baseAddress, rowBase = weights == nil ? nil : outRows.baseAddress
                                ParallelRunner.forEach(count: parts, threads: threads) { p in
                                    let next = countBase + p * columns
                                    forEachRow(ofPart: p) { i in
                                        for k in offsets[i]..<offsets[i + 1] where takes(i, values[k]) {
                                            let f = Int(indices[k])
                                            valueBase![next[f]] = values[k]
                                            if let rowBase { rowBase[next[f]] = UInt32(i) }
                                            next[f] += 1
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        var perFeature = [[Float]](repeating: [], count: columns)
        var minimums = [Float](repeating: 0, count: columns)
        perFeature.withUnsafeMutableBufferPointer { out in
            minimums.withUnsafeMutableBufferPointer { mins in
                let outBase = out.baseAddress!, minBase = mins.baseAddress!
                ParallelRunner.forEach(count: columns, threads: threads) { f in
                    let range = bucketStarts[f]..<bucketStarts[f + 1]
                    var column = Array(bucketValues[range])
                    let rowsOfValues = weights == nil ? [] : Array(bucketRows[range])
                    let (cuts, minimum) = cutsOfFeature(&column, rows: rowsOfValues, weights: weights, bins: bins)
                    (outBase + f).pointee = cuts
                    (minBase + f).pointee = minimum
                }
            }
        }
        return BinCuts(perFeature: perFeature, minimums: minimums)
    }

    /// The rows the cuts are computed from: all (`nil`) up to `limit` rows, else each row kept
    /// with probability `limit / rows` by a generator seeded from `seed` (in row order).
    static func sample(rows n: Int, limit: Int, seed: UInt64) -> [Int]? {
        guard n > limit else { return nil }
        var generator = SeededGenerator(seed: seed &+ 0x5EED_B1A5)
        var chosen: [Int] = []
        chosen.reserveCapacity(limit + limit / 8)
        let p = Double(limit) / Double(n)
        for i in 0..<n where generator.nextUnit() < p { chosen.append(i) }
        return chosen
    }

    /// Cuts of one feature from its candidate values in row order (with weights, `rows` holds
    /// each value's row): sorted by radix sort, then cut by `cutsOfSorted`. Sorts `column` in place
    /// when unweighted.
    static func cutsOfFeature(_ column: inout [Float], rows: [UInt32], weights: [Float]?, bins: Int) -> (cuts: [Float], minimum: Float) {
        if let weights {
            let (_, order) = RadixSort.descendingKeys(column, payload: (0..<column.count).map { UInt32($0) })
            let ascending = order.reversed().map { Int($0) }
            return cutsOfSorted(ascending.map { column[$0] }, bins: bins, weights: ascending.map { Double(weights[Int(rows[$0])]) })
        }
        RadixSort.sort(&column)
        return cutsOfSorted(column, bins: bins)
    }

    /// Cuts of one feature from its sorted non-missing values (and their weights, if any).
    static func cutsOfSorted(_ sorted: [Float], bins: Int, weights: [Double]? = nil) -> (cuts: [Float], minimum: Float) {
        guard let first = sorted.first, let last = sorted.last else {
            // A feature with no value: one bin that every (missing) row skips.
            return ([Float.greatestFiniteMagnitude], 0)
        }
        var distinct: [Float] = [first]
        for v in sorted where v != distinct[distinct.count - 1] {
            distinct.append(v)
            if distinct.count > bins { break }
        }
        var cuts: [Float] = []
        if distinct.count <= bins {
            cuts = Array(distinct.dropFirst())
        } else if let weights {
            let total = weights.reduce(0, +)
            var k = 0, cumulative = weights[0]
            for j in 1..<bins {
                let target = Double(j) * total / Double(bins)
                while k < sorted.count - 1 && cumulative < target { k += 1; cumulative += weights[k] }
                let v = sorted[k]
                if v > first && (cuts.isEmpty || v > cuts[cuts.count - 1]) { cuts.append(v) }
            }
        } else {
            let m = sorted.count
            for j in 1..<bins {
                let v = sorted[min(m - 1, j * m / bins)]
                if v > first && (cuts.isEmpty || v > cuts[cuts.count - 1]) { cuts.append(v) }
            }
        }
        // The closing cut lies above the largest value, as XGBoost's does.
        cuts.append(last + (abs(last) + 1e-5))
        return (cuts, first)
    }

    /// Entries per feature in `searchTable()`.
    static let tableWidth = 256

    /// Every feature's cuts padded with +∞ to 256 entries, for the branch-free search of `bin(of:in:missing:)`.
    func searchTable() -> [Float] {
        var table = [Float](repeating: .infinity, count: featureCount * Self.tableWidth)
        for f in 0..<featureCount {
            for (j, cut) in values[offsets[f]..<offsets[f + 1]].enumerated() { table[f * Self.tableWidth + j] = cut }
        }
        return table
    }

    /// The bin of `value`: the number of cuts ≤ value, found in eight branch-free halving steps
    /// over the feature's padded row of `searchTable()`; `missing` for NaN. (The last real cut
    /// lies above every training value, so a training value never passes it.)
    @inline(__always)
    static func bin(of value: Float, in cuts: UnsafePointer<Float>, missing: UInt8) -> UInt8 {
        if value.isNaN { return missing }
        var index = 0
        var step = 128
        while step > 0 {
            let passed = Int(unsafeBitCast(cuts[index + step - 1] <= value, to: UInt8.self))
            index &+= step & (0 &- passed)
            step >>= 1
        }
        // Values beyond the training range (evaluation-time only) stay in the last value bin.
        return UInt8(truncatingIfNeeded: min(index, Int(missing) - 1))
    }
}
