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

/// One node while a tree grows. Its training rows are `rows[start ..< start + count]`.
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
}

/// A leaf of a grown tree: its node in the emitted `RegressionTree` and its training rows.
struct GrownLeaf: Sendable {
    var node: Int
    var start: Int
    var count: Int
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
/// Rows are kept in one index array, partitioned in place (stably, so each node's rows stay in
/// ascending order and the histogram pass reads memory forward); a node owns a contiguous range.
/// After a split only the child with fewer rows is summed from its rows; the other child's
/// histogram is the parent's minus it, computed in the parent's buffer. Nodes are expanded in
/// the order of the grow policy (depth first-come for `depthwise`, largest loss change for
/// `lossguide`) until no usable split is left or `max_depth`/`max_leaves` stop it; then splits
/// worth less than `gamma` are pruned bottom-up.
final class TreeGrower {
    let matrix: BinnedMatrix
    let parameters: BoostingParameters
    let rules: SplitRules
    let pool: HistogramPool
    let builder: HistogramBuilder
    /// The original row at each position; a node owns positions `start ..< start + count`.
    /// Row records (`matrix.codes`) and `nodeGradients` are kept in this same order.
    private(set) var rows: [UInt32]
    private var rowScratch: [UInt32]
    /// Gradient pairs of the current tree in position order.
    private let nodeGradients: UnsafeMutablePointer<Float>
    private let gradientScratch: UnsafeMutablePointer<Float>
    /// Room for the records of rows going right while a node is partitioned.
    private let codeScratch: UnsafeMutableRawPointer
    private(set) var nodes: [GrowNode] = []
    private let monotone: [Int]
    private let interactionSets: [[Bool]]
    /// Per node × feature: features the node may split on under the interaction constraints.
    private var allowed: [Bool] = []
    /// Per node × feature: features split on along the path to the node.
    private var used: [Bool] = []
    private var treeFeatures: [Int] = []
    private var levelFeatures: [Int: [Int]] = [:]
    private var candidates: [Int] = []
    private var generator: SeededGenerator

    init(matrix: BinnedMatrix, parameters: BoostingParameters) {
        self.matrix = matrix
        self.parameters = parameters
        let f = matrix.columns
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
        pool = HistogramPool(slotCount: matrix.slotCount)
        builder = HistogramBuilder(matrix: matrix, threads: parameters.threads)
        rows = (0..<matrix.rows).map { UInt32($0) }
        rowScratch = [UInt32](repeating: 0, count: matrix.rows)
        nodeGradients = .allocate(capacity: max(1, 2 * matrix.rows))
        gradientScratch = .allocate(capacity: max(1, 2 * matrix.rows))
        codeScratch = .allocate(byteCount: max(8, matrix.rows * matrix.stride), alignment: 16)
        generator = SeededGenerator(seed: parameters.seed)
    }

    deinit {
        nodeGradients.deallocate()
        gradientScratch.deallocate()
        codeScratch.deallocate()
    }

    /// Grows one tree on `gradients` (interleaved `(g, h)` per row; rows left out of the sample
    /// carry zeros) and returns it with its leaves, whose row ranges index `rows`.
    ///
    /// - Parameter eta: the learning rate the leaf values are multiplied by.
    func grow(gradients: UnsafePointer<Float>, eta: Double) -> (tree: RegressionTree, leaves: [GrownLeaf]) {
        let n = matrix.rows, f = matrix.columns
        // Gradients into position order (rows stay where the previous tree's partition left them).
        rows.withUnsafeBufferPointer { r in
            for j in 0..<n {
                let i = Int(r[j])
                nodeGradients[2 * j] = gradients[2 * i]
                nodeGradients[2 * j + 1] = gradients[2 * i + 1]
            }
        }
        nodes.removeAll(keepingCapacity: true)
        pool.releaseAll()
        levelFeatures.removeAll(keepingCapacity: true)
        treeFeatures = sample(Array(0..<f), fraction: parameters.colsampleByTree)
        if !interactionSets.isEmpty {
            allowed.removeAll(keepingCapacity: true)
            used.removeAll(keepingCapacity: true)
            allowed.append(contentsOf: repeatElement(true, count: f))
            used.append(contentsOf: repeatElement(false, count: f))
        }

        var g = 0.0, h = 0.0
        for j in 0..<n { g += Double(nodeGradients[2 * j]); h += Double(nodeGradients[2 * j + 1]) }
        var root = GrowNode(start: 0, count: n, g: g, h: h, depth: 0, parent: -1)
        root.weight = rules.weight(g, h, lower: root.lower, upper: root.upper)
        nodes.append(root)
        if mayEverSplit(0) {
            let id = pool.acquire()
            nodes[0].histogram = id
            builder.build(start: 0, count: n, gradients: nodeGradients, into: pool.pointer(id))
            findSplit(0)
        }

        var open: [Int] = nodes[0].split.isUsable ? [0] : []
        var leafCount = 1
        while !open.isEmpty {
            let pick = nextOpen(open)
            let node = open.remove(at: pick)
            if parameters.maxLeaves > 0 && leafCount >= parameters.maxLeaves {
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
        rows.withUnsafeBufferPointer { r in
            if let f = leaf.filter {
                let codes = matrix.codes, stride = matrix.stride
                for j in leaf.start..<(leaf.start + leaf.count) {
                    let code = codes[j &* stride &+ f.feature]
                    let isLeft = code == f.missingCode ? f.defaultLeft : Int(code) <= f.leftMaxBin
                    if isLeft == f.wantLeft { body(Int(r[j])) }
                }
            } else {
                for j in leaf.start..<(leaf.start + leaf.count) { body(Int(r[j])) }
            }
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
    private func mayEverSplit(_ id: Int) -> Bool {
        let node = nodes[id]
        if parameters.maxDepth > 0 && node.depth >= parameters.maxDepth { return false }
        if parameters.maxLeaves == 1 { return false }
        return node.count >= 2 && node.h >= 2 * parameters.minChildWeight && node.h > 0
    }

    private func releaseHistogram(of id: Int) {
        if nodes[id].histogram >= 0 { pool.release(nodes[id].histogram); nodes[id].histogram = -1 }
    }

    // MARK: Splitting

    private func applySplit(_ id: Int) {
        let node = nodes[id]
        let split = node.split
        // When both children are bound to stay leaves, their rows are not moved: a leaf then
        // names its parent's range and the side of the split (saves the deepest level's partition).
        let depthFinal = (parameters.maxDepth > 0 && node.depth + 1 >= parameters.maxDepth) || parameters.maxLeaves == 1
        let mcw = parameters.minChildWeight
        let bothFinal = depthFinal || (!(split.leftH >= 2 * mcw && split.leftH > 0) && !(split.rightH >= 2 * mcw && split.rightH > 0))
        let leftCount = bothFinal ? node.count : partition(start: node.start, count: node.count, split: split)
        var left = GrowNode(start: node.start, count: leftCount, g: split.leftG, h: split.leftH, depth: node.depth + 1, parent: id)
        var right = GrowNode(start: bothFinal ? node.start : node.start + leftCount, count: bothFinal ? node.count : node.count - leftCount,
                             g: split.rightG, h: split.rightH, depth: node.depth + 1, parent: id)
        if bothFinal { left.side = 1; right.side = 2 }
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
        if needLeft || needRight {
            let smaller = leftCount <= node.count - leftCount ? leftId : rightId
            let larger = smaller == leftId ? rightId : leftId
            let built = pool.acquire()
            let small = nodes[smaller]
            builder.build(start: small.start, count: small.count, gradients: nodeGradients, into: pool.pointer(built))
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

    /// Rows from which a partition is split across threads.
    static let parallelPartitionThreshold = 65_536

    /// Stable in-place partition of a node's positions (row records, row numbers and gradient
    /// pairs move together); returns the number going left.
    ///
    /// Each thread partitions one block of the range: rows going left are compacted forward in
    /// place, rows going right are parked in the block's share of the scratch space. The left runs
    /// are then closed up behind each other and the right runs copied back after them.
    private func partition(start: Int, count: Int, split: SplitCandidate) -> Int {
        let workers = count >= Self.parallelPartitionThreshold ? min(parameters.threads, 8) : 1
        let stride = matrix.stride
        let codes = UnsafeMutableRawPointer(matrix.codes)
        let grads = nodeGradients, gradScratch = gradientScratch, codeScratch = codeScratch
        return rows.withUnsafeMutableBufferPointer { r in
            rowScratch.withUnsafeMutableBufferPointer { rs in
                let rowsBase = r.baseAddress!, scratchBase = rs.baseAddress!
                var lefts = [Int](repeating: 0, count: workers), rights = [Int](repeating: 0, count: workers)
                lefts.withUnsafeMutableBufferPointer { lp in
                    rights.withUnsafeMutableBufferPointer { rp in
                        let leftCounts = lp.baseAddress!, rightCounts = rp.baseAddress!
                        ParallelRunner.forEach(count: workers, threads: workers) { w in
                            let lower = start + count * w / workers, upper = start + count * (w + 1) / workers
                            let (l, rc) = Self.partitionBlock(lower: lower, upper: upper, scratchOffset: lower - start, split: split,
                                                              missing: UInt8(truncatingIfNeeded: self.matrix.cuts.binCount(split.feature)),
                                                              stride: stride, codes: codes, grads: grads, rows: rowsBase,
                                                              codeScratch: codeScratch, gradScratch: gradScratch, rowScratch: scratchBase)
                            leftCounts[w] = l
                            rightCounts[w] = rc
                        }
                    }
                }
                var position = start + lefts[0]
                for w in 1..<workers {
                    let lower = start + count * w / workers
                    (codes + position * stride).copyMemory(from: codes + lower * stride, byteCount: lefts[w] * stride)
                    (grads + 2 * position).update(from: grads + 2 * lower, count: 2 * lefts[w])
                    (rowsBase + position).update(from: rowsBase + lower, count: lefts[w])
                    position += lefts[w]
                }
                let leftTotal = position - start
                for w in 0..<workers {
                    let offset = count * w / workers
                    (codes + position * stride).copyMemory(from: codeScratch + offset * stride, byteCount: rights[w] * stride)
                    (grads + 2 * position).update(from: gradScratch + 2 * offset, count: 2 * rights[w])
                    (rowsBase + position).update(from: scratchBase + offset, count: rights[w])
                    position += rights[w]
                }
                return leftTotal
            }
        }
    }

    /// Partitions positions `lower ..< upper`: lefts compacted to `lower...`, rights to the scratch
    /// space from `scratchOffset`. Returns both counts.
    ///
    /// Branch-free: every record is written both to the next left slot (at or before its own
    /// position, so nothing unread is overwritten) and to the next scratch slot, and only the
    /// counter of its side advances. A row's direction is data dependent; a branch on it would be
    /// mispredicted about half the time.
    @inline(__always)
    private static func partitionBlock(lower: Int, upper: Int, scratchOffset: Int, split: SplitCandidate, missing: UInt8, stride: Int,
                                       codes: UnsafeMutableRawPointer, grads: UnsafeMutablePointer<Float>, rows: UnsafeMutablePointer<UInt32>,
                                       codeScratch: UnsafeMutableRawPointer, gradScratch: UnsafeMutablePointer<Float>,
                                       rowScratch: UnsafeMutablePointer<UInt32>) -> (Int, Int) {
        let words = stride / 8, feature = split.feature, leftMax = split.leftMaxBin, defaultLeft = split.defaultLeft
        var leftCount = 0, rightCount = 0
        for j in lower..<upper {
            let record = codes + j * stride
            let code = record.load(fromByteOffset: feature, as: UInt8.self)
            let isLeft = code == missing ? defaultLeft : Int(code) <= leftMax
            let step = Int(unsafeBitCast(isLeft, to: UInt8.self))
            let to = lower + leftCount, parked = scratchOffset + rightCount
            let row = rows[j], g = grads[2 * j], h = grads[2 * j + 1]
            let leftTarget = codes + to * stride, rightTarget = codeScratch + parked * stride
            for w in 0..<words {
                let word = record.load(fromByteOffset: 8 * w, as: UInt64.self)
                leftTarget.storeBytes(of: word, toByteOffset: 8 * w, as: UInt64.self)
                rightTarget.storeBytes(of: word, toByteOffset: 8 * w, as: UInt64.self)
            }
            rows[to] = row; rowScratch[parked] = row
            grads[2 * to] = g; grads[2 * to + 1] = h
            gradScratch[2 * parked] = g; gradScratch[2 * parked + 1] = h
            leftCount &+= step
            rightCount &+= 1 &- step
        }
        return (leftCount, rightCount)
    }

    /// Finds the node's best split over its candidate features (XGBoost's enumeration: value bins
    /// ascending with missing values sent right, then, when the node has missing values, bins
    /// descending with missing values sent left; ties keep the earlier candidate).
    private func findSplit(_ id: Int) {
        let node = nodes[id]
        let features = candidateFeatures(id)
        let histogram = pool.pointer(node.histogram)
        let cuts = matrix.cuts
        let parentGain = rules.gain(node.g, node.h, lower: node.lower, upper: node.upper)
        let mcw = parameters.minChildWeight
        var best = SplitCandidate()
        let offsets = matrix.slotOffsets
        for feature in features {
            let h = histogram + Int(offsets[feature])
            let bins = cuts.binCount(feature)
            let c = monotone[feature]
            var lg = 0.0, lh = 0.0
            for b in 0..<bins {
                lg += h[b].x; lh += h[b].y
                let rg = node.g - lg, rh = node.h - lh
                if lh >= mcw && rh >= mcw {
                    let change = rules.splitGain(leftG: lg, leftH: lh, rightG: rg, rightH: rh, lower: node.lower,
                                                 upper: node.upper, monotone: c) - parentGain
                    if change > best.lossChange {
                        best = SplitCandidate(lossChange: change, feature: feature, leftMaxBin: b, defaultLeft: false,
                                              leftG: lg, leftH: lh, rightG: rg, rightH: rh)
                    }
                }
            }
            let missing = h[bins]
            if missing.y > 0 || missing.x != 0 {
                var rg = 0.0, rh = 0.0
                for b in stride(from: bins - 1, through: 0, by: -1) {
                    rg += h[b].x; rh += h[b].y
                    let lg = node.g - rg, lh = node.h - rh
                    if lh >= mcw && rh >= mcw {
                        let change = rules.splitGain(leftG: lg, leftH: lh, rightG: rg, rightH: rh, lower: node.lower,
                                                     upper: node.upper, monotone: c) - parentGain
                        if change > best.lossChange {
                            best = SplitCandidate(lossChange: change, feature: feature, leftMaxBin: b - 1, defaultLeft: true,
                                                  leftG: lg, leftH: lh, rightG: rg, rightH: rh)
                        }
                    }
                }
            }
        }
        nodes[id].split = best
    }

    // MARK: Feature sampling and interaction constraints

    private func candidateFeatures(_ id: Int) -> [Int] {
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
            let f = matrix.columns
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
        let f = matrix.columns
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
                conditions[k] = matrix.cuts.threshold(feature: node.split.feature, leftMaxBin: node.split.leftMaxBin)
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
                                        missingCode: UInt8(truncatingIfNeeded: matrix.cuts.binCount(parentSplit.feature)),
                                        wantLeft: node.side == 1)
                }
                leaves.append(GrownLeaf(node: k, start: node.start, count: node.count, filter: filter))
            }
        }
        let tree = RegressionTree(leftChildren: left, rightChildren: right, parents: parents, splitIndices: splitIndices,
                                  splitConditions: conditions, defaultLeft: defaultLeft, baseWeights: baseWeights,
                                  lossChanges: lossChanges, sumHessians: hessians)
        return (tree, leaves)
    }
}
