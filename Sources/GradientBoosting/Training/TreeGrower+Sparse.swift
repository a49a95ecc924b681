import MLCore

/// Growing on a `SparseBinnedMatrix`: histograms from stored entries only.
///
/// A node's rows are row numbers (and gradient pairs) in a ping-pong buffer, as on dense data,
/// but no row record is copied: building a histogram walks each row's stored entries, and a split
/// finds a row's bin of its feature by a binary search of the row's sorted entries. The missing
/// sums of a feature are the node's totals minus its bins (`SplitScan`, `missingSlot: false`).
///
/// Work is shared between threads by feature, not by row: thread `t` owns the slots of the
/// features `sparse.featureRanges[t]` and, for each of a node's rows, sums only the row's entries
/// in that slot range (found by one binary search), then subtracts and scans the same slots and
/// features. No thread writes another's slots, so there are no partial histograms to zero and add
/// together, every slot sums its rows in node order whatever the thread count, and the trees do
/// not depend on it; the per-thread best splits are combined in feature order, as one scan over all
/// features would find them.
///
/// A histogram is `16 ·` the total bin count in bytes (82 MB for 20 000 features of 256 bins),
/// so, unlike on dense data, not every node waiting to be split keeps its histogram for the
/// subtraction trick: at most `retainLimit` do (first come, which in depthwise order favours the
/// larger, shallower nodes); the children of one that did not are both summed from their rows.
extension TreeGrower {
    /// A node whose histogram a pass builds from the node's rows.
    struct SparseBuild {
        var start: Int
        var count: Int
        var buffer: Int8
        var histogram: UnsafeMutablePointer<SIMD2<Double>>
    }

    /// A node whose best split a pass finds.
    struct SparseScan {
        var node: Int
        var histogram: UnsafeMutablePointer<SIMD2<Double>>
        var features: [Int]
    }

    /// Builds, scans and keeps or drops the root's histogram (the pool block of node 0).
    func sparseRootSplit() {
        let root = nodes[0]
        let histogram = pool.pointer(root.histogram)
        sparsePass(builds: [SparseBuild(start: 0, count: root.count, buffer: -1, histogram: histogram)], subtract: nil,
                   scans: [SparseScan(node: 0, histogram: histogram, features: candidateFeatures(0))])
        retainOrRelease(0)
    }

    /// The children's histograms and splits after `parent` was split: the smaller child summed
    /// from its rows and the larger by subtraction when the parent kept its histogram, else each
    /// child that may split summed from its rows.
    func sparseChildSplits(parent: Int, parentHistogram: Int, left: Int, right: Int, need: Bool, leftCount: Int, target: Int8) {
        if parentHistogram >= 0 { retained -= 1 }
        guard need else {
            if parentHistogram >= 0 { pool.release(parentHistogram) }
            return
        }
        var builds: [SparseBuild] = []
        var subtract: (small: UnsafeMutablePointer<SIMD2<Double>>, parent: UnsafeMutablePointer<SIMD2<Double>>)? = nil
        if parentHistogram >= 0 {
            let smaller = nodes[left].count <= nodes[right].count ? left : right
            let larger = smaller == left ? right : left
            let built = pool.acquire()
            let small = nodes[smaller]
            builds.append(SparseBuild(start: small.start, count: small.count, buffer: target, histogram: pool.pointer(built)))
            subtract = (pool.pointer(built), pool.pointer(parentHistogram))
            nodes[smaller].histogram = built
            nodes[larger].histogram = parentHistogram
        } else {
            for child in [left, right] where mayEverSplit(child) {
                let id = pool.acquire()
                nodes[child].histogram = id
                let node = nodes[child]
                builds.append(SparseBuild(start: node.start, count: node.count, buffer: target, histogram: pool.pointer(id)))
            }
        }
        // Candidate features in the order the dense grower draws them (left child first).
        var scans: [SparseScan] = []
        for child in [left, right] where mayEverSplit(child) {
            scans.append(SparseScan(node: child, histogram: pool.pointer(nodes[child].histogram), features: candidateFeatures(child)))
        }
        sparsePass(builds: builds, subtract: subtract, scans: scans)
        for child in [left, right] {
            if mayEverSplit(child) { retainOrRelease(child) } else { releaseHistogram(of: child) }
        }
    }

    /// Keeps a freshly scanned node's histogram while its split will need it for subtraction and
    /// fewer than `retainLimit` nodes hold one; releases it otherwise.
    private func retainOrRelease(_ id: Int) {
        let node = nodes[id]
        guard node.histogram >= 0 else { return }
        let useful = node.split.isUsable && !childrenStayLeaves(id)
        if useful && retained < retainLimit {
            retained += 1
        } else {
            releaseHistogram(of: id)
        }
    }

    /// Runs one pass on every thread's feature range: builds the `builds` histograms (zeroing
    /// their slots first), subtracts `small` from `parent` slot by slot, then finds the best split
    /// of each of `scans` and stores it in its node.
    func sparsePass(builds: [SparseBuild], subtract: (small: UnsafeMutablePointer<SIMD2<Double>>, parent: UnsafeMutablePointer<SIMD2<Double>>)?,
                    scans: [SparseScan]) {
        let sparse = sparse!
        let rowsOfBuilds = builds.reduce(0) { $0 + $1.count }
        let entriesPerRow = Double(sparse.entryCount) / Double(max(1, sparse.rows))
        let work = Double(rowsOfBuilds) * (entriesPerRow + 8) + Double(sparse.slotCount) * Double(builds.count + scans.count + (subtract == nil ? 0 : 2))
        let ranges = parameters.threads > 1 && work >= 262_144 ? sparse.featureRanges : [0..<sparse.columns]
        let parts = ranges.count
        var results = [SplitCandidate](repeating: SplitCandidate(), count: parts * scans.count)
        let offsets = slotOffsets
        let sources = builds.map { (rows: rows(of: $0.buffer), gradients: gradients(of: $0.buffer)) }
        results.withUnsafeMutableBufferPointer { out in
            let out = Unshared(out.baseAddress!)
            ParallelRunner.forEach(count: parts, threads: parts) { t in
                let features = ranges[t]
                let lower = Int(offsets[features.lowerBound]), upper = Int(offsets[features.upperBound])
                for (b, build) in builds.enumerated() {
                    (build.histogram + lower).update(repeating: .zero, count: upper - lower)
                    Self.accumulate(sparse, rows: sources[b].rows, start: build.start, count: build.count, gradients: sources[b].gradients,
                                    slots: lower..<upper, into: build.histogram)
                }
                if let subtract {
                    HistogramBuilder.subtract(UnsafePointer(subtract.small + lower), from: subtract.parent + lower, slots: upper - lower)
                }
                for (k, scan) in scans.enumerated() {
                    let node = nodes[scan.node]
                    // The scan's (ascending) candidate features inside this range.
                    let from = Self.firstIndex(in: scan.features, atLeast: features.lowerBound)
                    let to = Self.firstIndex(in: scan.features, atLeast: features.upperBound)
                    out.value[t * scans.count + k] = SplitScan.best(
                        histogram: UnsafePointer(scan.histogram), features: scan.features[from..<to], cuts: cuts, slotOffsets: offsets,
                        missingSlot: false, g: node.g, h: node.h, lower: node.lower, upper: node.upper, rules: rules,
                        monotone: monotone, minChildWeight: parameters.minChildWeight)
                }
            }
        }
        for (k, scan) in scans.enumerated() {
            // Ranges in feature order, the earlier kept on ties: what one scan of all features finds.
            var best = SplitCandidate()
            for t in 0..<parts where results[t * scans.count + k].lossChange > best.lossChange { best = results[t * scans.count + k] }
            nodes[scan.node].split = best
        }
    }

    /// The first index of ascending `values` whose value is at least `bound` (`values.count` if none).
    static func firstIndex(in values: [Int], atLeast bound: Int) -> Int {
        var low = 0, count = values.count
        while count > 0 {
            let half = count >> 1
            if values[low + half] < bound { low += half + 1; count -= half + 1 } else { count = half }
        }
        return low
    }

    /// Sums the gradient pairs of positions `start ..< start + count` into the slots `slots` of
    /// `histogram`: for each row, its stored entries inside `slots` (a binary search finds the
    /// first unless the range starts at slot 0).
    static func accumulate(_ matrix: SparseBinnedMatrix, rows: UnsafePointer<UInt32>?, start: Int, count: Int, gradients: UnsafePointer<Float>,
                           slots: Range<Int>, into histogram: UnsafeMutablePointer<SIMD2<Double>>) {
        func run<T: FixedWidthInteger & UnsignedInteger>(_: T.Type) {
            let entries = UnsafePointer(matrix.entries.assumingMemoryBound(to: T.self)), offsets = UnsafePointer(matrix.rowOffsets)
            let lower = slots.lowerBound, upper = slots.upperBound, searches = lower > 0, bounded = upper < matrix.slotCount
            for j in start..<(start + count) {
                let row = rows.map { Int($0[j]) } ?? j
                var k = offsets[row], end = offsets[row + 1]
                if searches { k = SparseBinnedMatrix.lowerBound(entries, k, end, lower) }
                if bounded { end = SparseBinnedMatrix.lowerBound(entries, k, end, upper) }
                let pair = SIMD2<Double>(Double(gradients[2 &* j]), Double(gradients[2 &* j &+ 1]))
                while k < end {
                    histogram[Int(entries[k])] += pair
                    k &+= 1
                }
            }
        }
        if matrix.wide { run(UInt32.self) } else { run(UInt16.self) }
    }

    /// `partition(_:into:)` for sparse data: copies the node's row numbers and gradient pairs into
    /// buffer `target`, rows going left to the front in order, rows going right to the back in
    /// reverse order (as on dense data); returns the number going left. A row's direction comes
    /// from its bin of the split feature (a binary search of its entries).
    func sparsePartition(_ node: GrowNode, into target: Int8) -> Int {
        let sparse = sparse!
        let split = node.split
        let start = node.start, count = node.count
        let workers = count >= Self.parallelPartitionThreshold ? min(parameters.threads, 8) : 1
        let missing = cuts.binCount(split.feature)
        let sourceRows = rows(of: node.buffer), sourceGradients = gradients(of: node.buffer)
        let outRows = bufferRows[Int(target)], outGradients = bufferGradients[Int(target)]
        @inline(__always) func row(_ j: Int) -> Int { sourceRows.map { Int($0[j]) } ?? j }
        @inline(__always) func goesLeft(_ j: Int) -> Bool {
            let bin = sparse.bin(row: row(j), feature: split.feature)
            return bin == missing ? split.defaultLeft : bin <= split.leftMaxBin
        }
        // Rows going left of each block, then each block's rows copied after the previous blocks'.
        var lefts = [Int](repeating: 0, count: workers)
        lefts.withUnsafeMutableBufferPointer { lp in
            let leftCounts = Unshared(lp.baseAddress!)
            if workers > 1 {
                ParallelRunner.forEach(count: workers, threads: workers) { w in
                    var n = 0
                    for j in (start + count * w / workers)..<(start + count * (w + 1) / workers) where goesLeft(j) { n += 1 }
                    leftCounts.value[w] = n
                }
            }
            ParallelRunner.forEach(count: workers, threads: workers) { w in
                let lower = start + count * w / workers, upper = start + count * (w + 1) / workers
                var left = start, right = start + count
                for v in 0..<w {
                    left += leftCounts.value[v]
                    right -= count * (v + 1) / workers - count * v / workers - leftCounts.value[v]
                }
                let leftStart = left
                for j in lower..<upper {
                    let isLeft = goesLeft(j)
                    let to = isLeft ? left : right - 1
                    if isLeft { left += 1 } else { right -= 1 }
                    outRows[to] = UInt32(truncatingIfNeeded: row(j))
                    outGradients[2 &* to] = sourceGradients[2 &* j]
                    outGradients[2 &* to &+ 1] = sourceGradients[2 &* j &+ 1]
                }
                if workers == 1 { leftCounts.value[0] = left - leftStart }
            }
        }
        return lefts.reduce(0, +)
    }
}
