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
    /// a bin, otherwise the cuts are the values at evenly spaced ranks (unweighted quantiles).
    ///
    /// - Complexity: O(F · s log s) for `s = min(rows, sampleLimit)`, spread over `threads`.
    static func compute(features: DenseMatrix<Float>, maxBin: Int, sampleLimit: Int = 1 << 18, seed: UInt64,
                        threads: Int) -> BinCuts {
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
                        var column: [Float] = []
                        if let rows = sampleRows {
                            column.reserveCapacity(rows.count)
                            for i in rows { let v = x[i * columns + f]; if !v.isNaN { column.append(v) } }
                        } else {
                            column.reserveCapacity(n)
                            for i in 0..<n { let v = x[i * columns + f]; if !v.isNaN { column.append(v) } }
                        }
                        column.sort()
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

    /// Cuts of one feature from its sorted non-missing values.
    static func cutsOfSorted(_ sorted: [Float], bins: Int) -> (cuts: [Float], minimum: Float) {
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

    /// The bin of `value` for `feature` (`binCount(feature)` for NaN).
    @inline(__always)
    func bin(of value: Float, feature: Int, cuts: UnsafePointer<Float>) -> Int {
        let lower = offsets[feature], upper = offsets[feature + 1]
        if value.isNaN { return upper - lower }
        var lo = lower, hi = upper - 1   // the last cut is above every training value
        while lo < hi {
            let mid = (lo + hi) >> 1
            if cuts[mid] > value { hi = mid } else { lo = mid + 1 }
        }
        return lo - lower
    }
}
