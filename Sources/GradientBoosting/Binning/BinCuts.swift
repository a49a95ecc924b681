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
        var sampleRows: [Int]? = nil
        if n > sampleLimit {
            var generator = SeededGenerator(seed: seed &+ 0x5EED_B1A5)
            var chosen: [Int] = []
            chosen.reserveCapacity(sampleLimit + sampleLimit / 8)
            let p = Double(sampleLimit) / Double(n)
            for i in 0..<n where generator.nextUnit() < p { chosen.append(i) }
            sampleRows = chosen
        }
        var perFeature = [[Float]](repeating: [], count: columns)
        var minimums = [Float](repeating: 0, count: columns)
        features.storage.withUnsafeBufferPointer { x in
            perFeature.withUnsafeMutableBufferPointer { out in
                minimums.withUnsafeMutableBufferPointer { mins in
                    let outBase = out.baseAddress!, minBase = mins.baseAddress!
                    ParallelRunner.forEach(count: columns, threads: threads) { f in
                        if let weights {
                            var column: [Float] = [], rowsOfValues: [UInt32] = []
                            for i in sampleRows ?? Array(0..<n) {
                                let v = x[i * columns + f]
                                if !v.isNaN && weights[i] > 0 { column.append(v); rowsOfValues.append(UInt32(i)) }
                            }
                            let (_, order) = RadixSort.descendingKeys(column, payload: (0..<column.count).map { UInt32($0) })
                            let ascending = order.reversed().map { Int($0) }
                            let (cuts, minimum) = cutsOfSorted(ascending.map { column[$0] }, bins: bins,
                                                               weights: ascending.map { Double(weights[Int(rowsOfValues[$0])]) })
                            (outBase + f).pointee = cuts
                            (minBase + f).pointee = minimum
                            return
                        }
                        var column: [Float] = []
                        if let rows = sampleRows {
                            column.reserveCapacity(rows.count)
                            for i in rows { let v = x[i * columns + f]; if !v.isNaN { column.append(v) } }
                        } else {
                            column.reserveCapacity(n)
                            for i in 0..<n { let v = x[i * columns + f]; if !v.isNaN { column.append(v) } }
                        }
                        RadixSort.sort(&column)
                        let (cuts, minimum) = cutsOfSorted(column, bins: bins)
                        (outBase + f).pointee = cuts
                        (minBase + f).pointee = minimum
                    }
                }
            }
        }
        var values: [Float] = []
        var offsets = [0]
        for cuts in perFeature { values.append(contentsOf: cuts); offsets.append(values.count) }
        return BinCuts(values: values, offsets: offsets, minimums: minimums)
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
