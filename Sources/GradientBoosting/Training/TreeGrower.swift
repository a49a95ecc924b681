import MLCore

/// The best split found for a node.
struct SplitCandidate: Sendable {
    /// gain(left) + gain(right) − gain(node); a split is usable when above `SplitRules.minimumLossChange`.
    var lossChange: Double = -.infinity
    var feature: Int = -1
    /// Value bins `0...leftMaxBin` go left (−1: none do, only missing values may).
    var leftMaxBin: Int = -1
    /// Where missing values go.
    var defaultLeft: Bool = false
    var leftG = 0.0, leftH = 0.0, rightG = 0.0, rightH = 0.0

    var isUsable: Bool { feature >= 0 && lossChange > SplitRules.minimumLossChange }
}

/// One node while a tree grows. Its training rows sit at positions `start ..< start + count` of `buffer`.
struct GrowNode: Sendable {
    var start: Int
    var count: Int
    var g: Double
    var h: Double
    var depth: Int
    var parent: Int
    var left = -1
    var right = -1
    var histogram = -1
    /// Leaf weight before the learning rate, inside the monotone bounds.
    var weight = 0.0
    var lower = -Double.infinity
    var upper = Double.infinity
    var split = SplitCandidate()
    /// 0: the node owns its range. 1 or 2: a final leaf whose rows were not moved; it holds the
    /// rows of its range that its parent's split sends left (1) or right (2).
    var side: Int8 = 0
    /// Where the node's rows sit: −1 the binned matrix in row order (the root), else a ping-pong buffer.
    var buffer: Int8 = -1
}

/// A leaf of a grown tree: its node in the emitted `RegressionTree` and its training rows.
struct GrownLeaf: Sendable {
    var node: Int
    var start: Int
    var count: Int
    /// The buffer holding the positions (see `GrowNode.buffer`).
    var buffer: Int8
    /// For a leaf whose rows were not moved out of its parent's range: the parent's split and the
    /// side of it the leaf holds.
    var filter: LeafFilter?
}

/// Selects the rows of a range that a split sends to one side.
struct LeafFilter: Sendable {
    var feature: Int
    var leftMaxBin: Int
    var defaultLeft: Bool
    var missingCode: UInt8
    var wantLeft: Bool
}

/// Grows one regression tree on gradient pairs with XGBoost's `hist` rules.
///
/// A node owns a contiguous range of positions; splitting it copies its rows' records, row
/// numbers and gradient pairs into the other of two buffers, left rows to the front of the range
/// and right rows to the back, so each child's rows are contiguous and the histogram pass streams
/// through memory. The root reads the binned matrix and the gradients in row order directly.
/// After a split only the child with fewer rows is summed from its rows; the other child's
/// histogram is the parent's minus it, computed in the parent's histogram memory. Nodes are expanded in
/// the order of the grow policy (depth first-come for `depthwise`, largest loss change for
/// `lossguide`) until no usable split is left or `max_depth`/`max_leaves` stop it; then splits
/// worth less than `gamma` are pruned bottom-up.
///
/// On a `SparseBinnedMatrix` (see `TreeGrower+Sparse.swift`) a split moves only row numbers and
/// gradient pairs, a node's histogram sums the stored entries of its rows, and histograms are
/// kept for subtraction only up to a memory budget; the splits found are the same.
final class TreeGrower {
    /// The one-byte code matrix, or nil when growing on `sparse`.
    let matrix: BinnedMatrix?
    /// The sparse layout, or nil when growing on `matrix`.
    let sparse: SparseBinnedMatrix?
    let cuts: BinCuts
    let rowCount: Int
    let columnCount: Int
    /// First histogram slot of each feature (the layout's `slotOffsets`).
    let slotOffsets: [Int32]
    let parameters: BoostingParameters
    let rules: SplitRules
    let pool: HistogramPool
    /// The dense histogram kernel (nil on sparse data).
    let builder: HistogramBuilder?
    /// Sparse data: how many nodes waiting to be split may keep their histograms for the
    /// subtraction trick (the histogram budget's worth; 0 sums every node from its rows).
    let retainLimit: Int
    /// Sparse data: nodes waiting to be split that hold a histogram.
    var retained = 0
    /// Two ping-pong buffers of row records, row numbers and gradient pairs. A split reads its
    /// node's rows from one and writes the children's to the other, so no row is copied twice.
    private let bufferCodes: [UnsafeMutableRawPointer]
    let bufferRows: [UnsafeMutablePointer<UInt32>]
    let bufferGradients: [UnsafeMutablePointer<Float>]
    /// The current tree's gradient pairs in row order.
    private var treeGradients: UnsafePointer<Float>?
    var nodes: [GrowNode] = []
    let monotone: [Int]
    private let interactionSets: [[Bool]]
    /// Per node × feature: features the node may split on under the interaction constraints.
    private var allowed: [Bool] = []
    /// Per node × feature: features split on along the path to the node.
    private var used: [Bool] = []
    private var treeFeatures: [Int] = []
    private var levelFeatures: [Int: [Int]] = [:]
    private var candidates: [Int] = []
    private var generator: SeededGenerator

    /// A grower on the one-byte code matrix.
    convenience init(matrix: BinnedMatrix, parameters: BoostingParameters) {
        self.init(dense: matrix, sparse: nil, parameters: parameters)
    }

    /// A grower on the sparse layout, keeping at most `histogramBudget` bytes of histograms for
    /// the subtraction trick (see `retainLimit`).
    convenience init(sparse: SparseBinnedMatrix, parameters: BoostingParameters, histogramBudget: Int = TreeGrower.sparseHistogramBudget) {
        self.init(dense: nil, sparse: sparse, parameters: parameters, histogramBudget: histogramBudget)
    }

    /// Bytes of histograms sparse growing keeps for subtraction (see `retainLimit`).
    static let sparseHistogramBudget = 192 << 20

    private init(dense matrix: BinnedMatrix?, sparse: SparseBinnedMatrix?, parameters: BoostingParameters,
                 histogramBudget: Int = TreeGrower.sparseHistogramBudget) {
        self.matrix = matrix
        self.sparse = sparse
        self.parameters = parameters
        cuts = matrix?.cuts ?? sparse!.cuts
        rowCount = matrix?.rows ?? sparse!.rows
        columnCount = matrix?.columns ?? sparse!.columns
        slotOffsets = matrix?.slotOffsets ?? sparse!.slotOffsets
        let slotCount = Int(slotOffsets[columnCount])
        let f = columnCount
        var monotone = parameters.monotoneConstraints
        if monotone.count < f { monotone += [Int](repeating: 0, count: f - monotone.count) }
        self.monotone = monotone
        rules = SplitRules(lambda: parameters.lambda, alpha: parameters.alpha, maxDeltaStep: parameters.maxDeltaStep,
                           minChildWeight: parameters.minChildWeight, constrained: monotone.contains { $0 != 0 })
        interactionSets = parameters.interactionConstraints.map { set in
            var mask = [Bool](repeating: false, count: f)
            for i in set where i >= 0 && i < f { mask[i] = true }
            return mask
        }
        pool = HistogramPool(slotCount: slotCount)
        builder = matrix.map { HistogramBuilder(matrix: $0, threads: parameters.threads) }
        retainLimit = max(0, histogramBudget / max(1, 16 * slotCount))
        let n = max(1, rowCount)
        bufferCodes = matrix.map { m in (0..<2).map { _ in UnsafeMutableRawPointer.allocate(byteCount: n * m.stride, alignment: 16) } } ?? []
        bufferRows = (0..<2).map { _ in UnsafeMutablePointer<UInt32>.allocate(capacity: n) }
        bufferGradients = (0..<2).map { _ in UnsafeMutablePointer<Float>.allocate(capacity: 2 * n) }
        generator = SeededGenerator(seed: parameters.seed)
    }

    deinit {
        for p in bufferCodes { p.deallocate() }
        for p in bufferRows { p.deallocate() }
        for p in bufferGradients { p.deallocate() }
    }

    private func codes(of buffer: Int8) -> UnsafeMutableRawPointer {
        buffer < 0 ? UnsafeMutableRawPointer(matrix!.codes) : bufferCodes[Int(buffer)]
    }

    func gradients(of buffer: Int8) -> UnsafePointer<Float> {
        buffer < 0 ? treeGradients! : UnsafePointer(bufferGradients[Int(buffer)])
    }

    /// Row numbers of a buffer's positions; nil for the matrix, whose position is the row.
    func rows(of buffer: Int8) -> UnsafePointer<UInt32>? {
        buffer < 0 ? nil : UnsafePointer(bufferRows[Int(buffer)])
    }

    /// Grows one tree on `gradients` (interleaved `(g, h)` per row; rows left out of the sample
    /// carry zeros) and returns it with its leaves; `forEachRow(of:)` lists the training rows of a leaf.
    ///
    /// - Parameter eta: the learning rate the leaf values are multiplied by.
    func grow(gradients: UnsafePointer<Float>, eta: Double) -> (tree: RegressionTree, leaves: [GrownLeaf]) {
        let n = rowCount, f = columnCount
        treeGradients = gradients
        nodes.removeAll(keepingCapacity: true)
        pool.releaseAll()
        retained = 0
        levelFeatures.removeAll(keepingCapacity: true)
        treeFeatures = sample(Array(0..<f), fraction: parameters.colsampleByTree)
        if !interactionSets.isEmpty {
            allowed.removeAll(keepingCapacity: true)
            used.removeAll(keepingCapacity: true)
            allowed.append(contentsOf: repeatElement(true, count: f))
            used.append(contentsOf: repeatElement(false, count: f))
        }

        var g = 0.0, h = 0.0
        for i in 0..<n { g += Double(gradients[2 * i]); h += Double(gradients[2 * i + 1]) }
        var root = GrowNode(start: 0, count: n, g: g, h: h, depth: 0, parent: -1)
        root.weight = rules.weight(g, h, lower: root.lower, upper: root.upper)
        nodes.append(root)
        if mayEverSplit(0) {
            let id = pool.acquire()
            nodes[0].histogram = id
            if sparse != nil {
                sparseRootSplit()
            } else {
                builder!.build(codes: matrix!.codes, start: 0, count: n, gradients: gradients, into: pool.pointer(id))
                findSplit(0)
            }
        }

        var open: [Int] = nodes[0].split.isUsable ? [0] : []
        var leafCount = 1
        while !open.isEmpty {
            let pick = nextOpen(open)
            let node = open.remove(at: pick)
            if parameters.maxLeaves > 0 && leafCount >= parameters.maxLeaves {
                if sparse != nil && nodes[node].histogram >= 0 { retained -= 1 }
                releaseHistogram(of: node)
                continue
            }
            applySplit(node)
            leafCount += 1
            for child in [nodes[node].left, nodes[node].right] where nodes[child].split.isUsable { open.append(child) }
        }
        for i in nodes.indices { releaseHistogram(of: i) }
        prune()
        return emit(eta: eta)
    }

    /// Calls `body(row)` for every training row (original numbering) in `leaf`.
    @inline(__always)
    func forEachRow(of leaf: GrownLeaf, _ body: (Int) -> Void) {
        let r = rows(of: leaf.buffer)
        @inline(__always) func row(_ j: Int) -> Int { r.map { Int($0[j]) } ?? j }
        if let f = leaf.filter, let sparse {
            for j in leaf.start..<(leaf.start + leaf.count) {
                let bin = sparse.bin(row: row(j), feature: f.feature)
                let isLeft = bin == Int(f.missingCode) ? f.defaultLeft : bin <= f.leftMaxBin
                if isLeft == f.wantLeft { body(row(j)) }
            }
        } else if let f = leaf.filter {
            let codes = codes(of: leaf.buffer).assumingMemoryBound(to: UInt8.self), stride = matrix!.stride
            for j in leaf.start..<(leaf.start + leaf.count) {
                let code = codes[j &* stride &+ f.feature]
                let isLeft = code == f.missingCode ? f.defaultLeft : Int(code) <= f.leftMaxBin
                if isLeft == f.wantLeft { body(row(j)) }
            }
        } else {
            for j in leaf.start..<(leaf.start + leaf.count) { body(row(j)) }
        }
    }

    // MARK: Expansion order

    private func nextOpen(_ open: [Int]) -> Int {
        var best = 0
        for i in 1..<open.count {
            let a = nodes[open[i]], b = nodes[open[best]]
            switch parameters.growPolicy {
            case .depthwise:
                if a.depth < b.depth || (a.depth == b.depth && open[i] < open[best]) { best = i }
            case .lossguide:
                if a.split.lossChange > b.split.lossChange || (a.split.lossChange == b.split.lossChange && open[i] < open[best]) { best = i }
            }
        }
        return best
    }

    /// Whether the node could be split at all under the depth and weight limits.
    func mayEverSplit(_ id: Int) -> Bool {
        let node = nodes[id]
        if parameters.maxDepth > 0 && node.depth >= parameters.maxDepth { return false }
        if parameters.maxLeaves == 1 { return false }
        return node.count >= 2 && node.h >= 2 * parameters.minChildWeight && node.h > 0
    }

    func releaseHistogram(of id: Int) {
        if nodes[id].histogram >= 0 { pool.release(nodes[id].histogram); nodes[id].histogram = -1 }
    }

    // MARK: Splitting

    private func applySplit(_ id: Int) {
        let node = nodes[id]
        let split = node.split
        // When both children are bound to stay leaves, their rows are not moved: a leaf then
        // names its parent's range and the side of the split (saves the deepest level's partition).
        let bothFinal = childrenStayLeaves(id)
        let target: Int8 = node.buffer == 0 ? 1 : 0
        let leftCount = bothFinal ? node.count : sparse != nil ? sparsePartition(node, into: target) : partition(node, into: target)
        var left = GrowNode(start: node.start, count: leftCount, g: split.leftG, h: split.leftH, depth: node.depth + 1, parent: id)
        var right = GrowNode(start: bothFinal ? node.start : node.start + leftCount, count: bothFinal ? node.count : node.count - leftCount,
                             g: split.rightG, h: split.rightH, depth: node.depth + 1, parent: id)
        if bothFinal {
            left.side = 1; right.side = 2
            left.buffer = node.buffer; right.buffer = node.buffer
        } else {
            left.buffer = target; right.buffer = target
        }
        left.lower = node.lower; left.upper = node.upper
        right.lower = node.lower; right.upper = node.upper
        let wl = rules.weight(left.g, left.h, lower: node.lower, upper: node.upper)
        let wr = rules.weight(right.g, right.h, lower: node.lower, upper: node.upper)
        let c = monotone[split.feature]
        if c != 0 {
            let mid = (wl + wr) / 2
            if c < 0 { left.lower = mid; right.upper = mid } else { left.upper = mid; right.lower = mid }
        }
        left.weight = wl
        right.weight = wr
        let leftId = nodes.count, rightId = leftId + 1
        nodes.append(left)
        nodes.append(right)
        nodes[id].left = leftId
        nodes[id].right = rightId
        if !interactionSets.isEmpty { addInteractionState(parent: id, feature: split.feature) }

        let needLeft = !bothFinal && mayEverSplit(leftId), needRight = !bothFinal && mayEverSplit(rightId)
        let parentHistogram = node.histogram
        nodes[id].histogram = -1
        if sparse != nil {
            sparseChildSplits(parent: id, parentHistogram: parentHistogram, left: leftId, right: rightId, need: needLeft || needRight,
                              leftCount: leftCount, target: target)
        } else if needLeft || needRight {
            let smaller = leftCount <= node.count - leftCount ? leftId : rightId
            let larger = smaller == leftId ? rightId : leftId
            let built = pool.acquire()
            let small = nodes[smaller]
            builder!.build(codes: bufferCodes[Int(target)], start: small.start, count: small.count,
                          gradients: bufferGradients[Int(target)], into: pool.pointer(built))
            HistogramBuilder.subtract(pool.pointer(built), from: pool.pointer(parentHistogram), slots: pool.slotCount)
            nodes[smaller].histogram = built
            nodes[larger].histogram = parentHistogram
            for child in [leftId, rightId] {
                if mayEverSplit(child) { findSplit(child) } else { releaseHistogram(of: child) }
            }
        } else {
            pool.release(parentHistogram)
        }
    }

    /// Whether both children of the node's split are bound to stay leaves (depth or leaf limit
    /// reached, or neither child has the hessian to be split again).
    func childrenStayLeaves(_ id: Int) -> Bool {
        let node = nodes[id], split = node.split
        let depthFinal = (parameters.maxDepth > 0 && node.depth + 1 >= parameters.maxDepth) || parameters.maxLeaves == 1
        let mcw = parameters.minChildWeight
        return depthFinal || (!(split.leftH >= 2 * mcw && split.leftH > 0) && !(split.rightH >= 2 * mcw && split.rightH > 0))
    }

    /// Rows from which a partition is split across threads.
    static let parallelPartitionThreshold = 65_536

    /// Copies a node's rows (records, row numbers, gradient pairs) from its buffer into buffer
    /// `target`, rows going left to the front of the node's range in their order, rows going right
    /// to the back in reverse order; returns the number going left.
    ///
    /// With several threads each takes one block of the range: a first pass counts every block's
    /// left rows, so the second knows where each block's rows go.
    private func partition(_ node: GrowNode, into target: Int8) -> Int {
        let split = node.split
        let start = node.start, count = node.count
        let workers = count >= Self.parallelPartitionThreshold ? min(parameters.threads, 8) : 1
        let stride = matrix!.stride
        let missing = UInt8(truncatingIfNeeded: cuts.binCount(split.feature))
        let source = codes(of: node.buffer), sourceRows = rows(of: node.buffer), sourceGradients = gradients(of: node.buffer)
        let out = bufferCodes[Int(target)], outRows = bufferRows[Int(target)], outGradients = bufferGradients[Int(target)]
        if workers == 1 {
            return Self.partitionBlock(lower: start, upper: start + count, leftStart: start, rightEnd: start + count, split: split,
                                       missing: missing, stride: stride, source: source, sourceRows: sourceRows,
                                       sourceGradients: sourceGradients, out: out, outRows: outRows, outGradients: outGradients)
        }
        var lefts = [Int](repeating: 0, count: workers)
        lefts.withUnsafeMutableBufferPointer { lp in
            let leftCounts = lp.baseAddress!
            ParallelRunner.forEach(count: workers, threads: workers) { w in
                let lower = start + count * w / workers, upper = start + count * (w + 1) / workers
                var n = 0
                for j in lower..<upper {
                    let code = source.load(fromByteOffset: j * stride + split.feature, as: UInt8.self)
                    let isLeft = code == missing ? split.defaultLeft : Int(code) <= split.leftMaxBin
                    n &+= Int(unsafeBitCast(isLeft, to: UInt8.self))
                }
                leftCounts[w] = n
            }
            ParallelRunner.forEach(count: workers, threads: workers) { w in
                let lower = start + count * w / workers, upper = start + count * (w + 1) / workers
                var leftsBefore = 0, rightsBefore = 0
                for v in 0..<w {
                    leftsBefore += leftCounts[v]
                    rightsBefore += count * (v + 1) / workers - count * v / workers - leftCounts[v]
                }
                _ = Self.partitionBlock(lower: lower, upper: upper, leftStart: start + leftsBefore, rightEnd: start + count - rightsBefore,
                                        split: split, missing: missing, stride: stride, source: source, sourceRows: sourceRows,
                                        sourceGradients: sourceGradients, out: out, outRows: outRows, outGradients: outGradients)
            }
        }
        return lefts.reduce(0, +)
    }

    /// Copies positions `lower ..< upper`: rows going left to `leftStart...` forward, rows going
    /// right to `..< rightEnd` backward. Returns the left count.
    ///
    /// Branch-free: the destination is selected, not branched to. A row's direction is data
    /// dependent; a branch on it would be mispredicted about half the time.
    @inline(__always)
    private static func partitionBlock(lower: Int, upper: Int, leftStart: Int, rightEnd: Int, split: SplitCandidate, missing: UInt8,
                                       stride: Int, source: UnsafeRawPointer, sourceRows: UnsafePointer<UInt32>?,
                                       sourceGradients: UnsafePointer<Float>, out: UnsafeMutableRawPointer,
                                       outRows: UnsafeMutablePointer<UInt32>, outGradients: UnsafeMutablePointer<Float>) -> Int {
        let words = stride / 8, feature = split.feature, leftMax = split.leftMaxBin, defaultLeft = split.defaultLeft
        var left = leftStart, right = rightEnd
        for j in lower..<upper {
            let record = source + j &* stride
            let code = record.load(fromByteOffset: feature, as: UInt8.self)
            let isLeft = code == missing ? defaultLeft : Int(code) <= leftMax
            let step = Int(unsafeBitCast(isLeft, to: UInt8.self))
            let to = isLeft ? left : right &- 1
            let target = out + to &* stride
            for w in 0..<words {
                target.storeBytes(of: record.load(fromByteOffset: 8 &* w, as: UInt64.self), toByteOffset: 8 &* w, as: UInt64.self)
            }
            outRows[to] = sourceRows.map { $0[j] } ?? UInt32(truncatingIfNeeded: j)
            outGradients[2 &* to] = sourceGradients[2 &* j]
            outGradients[2 &* to &+ 1] = sourceGradients[2 &* j &+ 1]
            left &+= step
            right &-= 1 &- step
        }
        return left - leftStart
    }

    /// Finds the node's best split over its candidate features (XGBoost's enumeration: value bins
    /// ascending with missing values sent right, then, when the node has missing values, bins
    /// descending with missing values sent left; ties keep the earlier candidate).
    private func findSplit(_ id: Int) {
        let node = nodes[id]
        nodes[id].split = SplitScan.best(histogram: pool.pointer(node.histogram), features: candidateFeatures(id)[...], cuts: cuts,
                                         slotOffsets: slotOffsets, missingSlot: true, g: node.g, h: node.h, lower: node.lower, upper: node.upper, rules: rules,
                                         monotone: monotone, minChildWeight: parameters.minChildWeight)
    }

    // MARK: Feature sampling and interaction constraints

    func candidateFeatures(_ id: Int) -> [Int] {
        let depth = nodes[id].depth
        var level: [Int]
        if let cached = levelFeatures[depth] {
            level = cached
        } else {
            level = sample(treeFeatures, fraction: parameters.colsampleByLevel)
            levelFeatures[depth] = level
        }
        var features = sample(level, fraction: parameters.colsampleByNode)
        if !interactionSets.isEmpty {
            let f = columnCount
            features = features.filter { allowed[id * f + $0] }
        }
        return features
    }

    /// Draws `max(1, ⌊fraction · count⌋)` of `features` without replacement, kept in ascending order.
    private func sample(_ features: [Int], fraction: Double) -> [Int] {
        if fraction >= 1 || features.count <= 1 { return features }
        let k = max(1, Int(fraction * Double(features.count)))
        var pool = features
        for i in 0..<k {
            let j = i + Int(generator.next() % UInt64(pool.count - i))
            pool.swapAt(i, j)
        }
        return pool[0..<k].sorted()
    }

    /// Children of a split on `feature` may use the features of every interaction set holding all
    /// features used on their path; when no set holds them all, only the path's features.
    private func addInteractionState(parent: Int, feature: Int) {
        let f = columnCount
        var path = Array(used[(parent * f)..<((parent + 1) * f)])
        path[feature] = true
        var mask = [Bool](repeating: false, count: f)
        var any = false
        for set in interactionSets where (0..<f).allSatisfy({ !path[$0] || set[$0] }) {
            any = true
            for i in 0..<f where set[i] { mask[i] = true }
        }
        if !any { mask = path }
        for _ in 0..<2 {
            used.append(contentsOf: path)
            allowed.append(contentsOf: mask)
        }
    }

    // MARK: Pruning and output

    /// Turns splits worth less than `gamma` whose children are both leaves into leaves, bottom-up.
    private func prune() {
        guard parameters.gamma > 0 else { return }
        for id in stride(from: nodes.count - 1, through: 0, by: -1) {
            let node = nodes[id]
            guard node.left >= 0 else { continue }
            if nodes[node.left].left < 0 && nodes[node.right].left < 0 && node.split.lossChange < parameters.gamma {
                nodes[id].left = -1
                nodes[id].right = -1
            }
        }
    }

    /// The grown tree in breadth-first node order, and its leaves.
    private func emit(eta: Double) -> (tree: RegressionTree, leaves: [GrownLeaf]) {
        var order = [0]
        var newId = [Int](repeating: -1, count: nodes.count)
        newId[0] = 0
        var head = 0
        while head < order.count {
            let node = nodes[order[head]]
            head += 1
            if node.left >= 0 {
                newId[node.left] = order.count; order.append(node.left)
                newId[node.right] = order.count; order.append(node.right)
            }
        }
        let m = order.count
        var left = [Int32](repeating: -1, count: m), right = [Int32](repeating: -1, count: m)
        var parents = [Int32](repeating: Int32.max, count: m), splitIndices = [Int32](repeating: 0, count: m)
        var conditions = [Float](repeating: 0, count: m), defaultLeft = [Bool](repeating: false, count: m)
        var baseWeights = [Float](repeating: 0, count: m), lossChanges = [Float](repeating: 0, count: m)
        var hessians = [Float](repeating: 0, count: m)
        var leaves: [GrownLeaf] = []
        for (k, old) in order.enumerated() {
            let node = nodes[old]
            if node.parent >= 0 { parents[k] = Int32(newId[node.parent]) }
            baseWeights[k] = Float(node.weight)
            hessians[k] = Float(node.h)
            if node.left >= 0 {
                left[k] = Int32(newId[node.left]); right[k] = Int32(newId[node.right])
                splitIndices[k] = Int32(node.split.feature)
                conditions[k] = cuts.threshold(feature: node.split.feature, leftMaxBin: node.split.leftMaxBin)
                defaultLeft[k] = node.split.defaultLeft
                lossChanges[k] = Float(node.split.lossChange)
            } else {
                // XGBoost stores the scaled value as a leaf's base weight too.
                conditions[k] = Float(node.weight * eta)
                baseWeights[k] = conditions[k]
                var filter: LeafFilter? = nil
                if node.side != 0 {
                    let parentSplit = nodes[node.parent].split
                    filter = LeafFilter(feature: parentSplit.feature, leftMaxBin: parentSplit.leftMaxBin, defaultLeft: parentSplit.defaultLeft,
                                        missingCode: UInt8(truncatingIfNeeded: cuts.binCount(parentSplit.feature)),
                                        wantLeft: node.side == 1)
                }
                leaves.append(GrownLeaf(node: k, start: node.start, count: node.count, buffer: node.buffer, filter: filter))
            }
        }
        let tree = RegressionTree(leftChildren: left, rightChildren: right, parents: parents, splitIndices: splitIndices,
                                  splitConditions: conditions, defaultLeft: defaultLeft, baseWeights: baseWeights,
                                  lossChanges: lossChanges, sumHessians: hessians)
        return (tree, leaves)
    }
}
