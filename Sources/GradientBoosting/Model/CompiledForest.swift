import Foundation
import MLCore

/// A `TreeEnsemble` laid out for fast batch prediction.
///
/// Every used tree (up to `bestIteration`) is renumbered breadth-first into one node numbering
/// where the two children of a node are adjacent, so a step is `child + (0 or 1)` with no
/// branch on the data; the nodes are stored as parallel arrays (`NodeTables`). Leaves point at themselves, so all rows of a block walk a tree for exactly its
/// depth in lock step: the walks of different rows are independent and the processor overlaps
/// their memory loads. Blocks of rows are spread over threads for large batches.
///
/// Each block of 64 rows is first copied feature-major (for up to 1024 features) and rounded to
/// `float32`, so the eight rows walked together share one base register; blocks without missing
/// values walk a second copy of the trees in natural child order (one comparison per step, no
/// sign flip), blocks with some walk the missing-aware layout.
///
/// Margins are accumulated in `float32` starting from the base margin, tree by tree in model
/// order, and features are rounded to `float32` before comparison: the arithmetic XGBoost does, so
/// predictions agree with XGBoost's to the last bit or nearly (on a 1M-row
/// binary:logistic benchmark every prediction was bit-identical). Build once per model (O(nodes))
/// and share: prediction is thread-safe and allocates only one small scratch buffer per thread.
public struct CompiledForest: Sendable {
    /// One node, arranged so that a step is one comparison whose "true" always means "first child".
    ///
    /// `!(x >= t)` is true when x < t and also when x is NaN (unordered), so it sends missing
    /// values to the first child. A default-left node keeps its children in order and compares the
    /// value with its threshold. A default-right node stores its children swapped and compares the
    /// negated value with the negated threshold's predecessor: `!(−v >= −t⁻)` is true exactly when
    /// v ≥ t or v is missing, the right child's rows. The negation is a sign flip by `aux`.
    struct Node {
        /// `t` (default left), `−nextDown(t)` (default right), or NaN at a leaf (every value "first").
        var threshold: Float
        /// Byte offset of the feature's value from a row's base in the block layout:
        /// `feature × featureScale` (0 at a leaf).
        var feature: UInt32
        /// Index of the first child (the second follows it); a leaf's own index.
        var child: Int32
        /// Sign mask XORed into the value (0 or 0x8000_0000) at internal nodes; the leaf output
        /// (already scaled by the learning rate) as float bits at a leaf.
        var aux: UInt32

        var leafValue: Float { Float(bitPattern: aux) }
    }

    /// The trees in the missing-aware layout, as the walk reads them (see `NodeTables`).
    let tables: NodeTables
    /// The same trees laid out for rows without missing values: children in natural order
    /// (left, then right), thresholds as they are, no sign flip, so a step is one load, one
    /// comparison and an add. Blocks of rows without NaN walk these.
    let plainTables: NodeTables
    /// Index of each used tree's root in `nodes`.
    let roots: [Int32]
    /// Depth (edges on the longest root-to-leaf path) of each used tree.
    let depths: [Int32]
    /// Output group of each used tree.
    let groups: [Int32]
    /// Tree steps one row takes through all used trees (the sum of the depths).
    let stepsPerRow: Int
    /// The model's objective (for the output transform and widths).
    public let objective: Objective
    /// Features each row must have.
    public let featureCount: Int
    /// The margin every row starts from, the same in every output group.
    let baseMargin: Float
    /// Whether blocks are copied feature-major (`blockRows` Float values per feature) before the
    /// walk: then the eight rows walked together sit 4 bytes apart and one base register serves
    /// them all. Models with many features walk the rows where they are instead.
    let transposesBlocks: Bool
    /// Bytes between the values of consecutive features of a row in the walked layout
    /// (`blockRows × 4` transposed, 4 row-major); node feature fields are pre-multiplied by it.
    let featureScale: Int
    /// Up to this many features, blocks are transposed (a block is then at most 256 KB).
    static let transposeFeatureLimit = 1024

    /// Compiles the trees prediction uses (all, or up to and including `bestIteration`).
    ///
    /// - Throws: `OptmlError.user` when `baseScore` is outside the objective's domain (for
    ///   example 0 for `binary:logistic`), or a tree is not a tree over `featureCount` features.
    public init(_ ensemble: TreeEnsemble) throws {
        objective = ensemble.objective
        featureCount = ensemble.featureCount
        baseMargin = try ensemble.objective.baseMargin(fromBaseScore: ensemble.baseScore)
        let used = ensemble.usedTreeCount
        transposesBlocks = ensemble.featureCount <= Self.transposeFeatureLimit
        featureScale = transposesBlocks ? Self.blockRows * 4 : 4
        guard ensemble.featureCount * featureScale < Int(Int32.max) else {
            throw OptmlError.user("The model has \(ensemble.featureCount) features; prediction supports up to \(Int(Int32.max) / 4 - 1).")
        }
        let (nodes, roots, depths) = try Self.layOut(ensemble, used: used, natural: false, featureScale: featureScale)
        let plain = try Self.layOut(ensemble, used: used, natural: true, featureScale: featureScale)
        precondition(plain.roots == roots && plain.depths == depths, "both layouts walk the same trees")
        self.tables = NodeTables(nodes)
        self.plainTables = NodeTables(plain.nodes)
        self.roots = roots
        self.depths = depths
        self.groups = Array(ensemble.treeGroups[0..<used])
        self.stepsPerRow = depths.reduce(0) { $0 + Int($1) }
    }

    /// Numbers the used trees breadth-first into one node array (see `Node`). `natural` keeps
    /// every node's children in (left, right) order with plain thresholds, for rows without
    /// missing values; otherwise default-right nodes are swapped and sign-flipped.
    private static func layOut(_ ensemble: TreeEnsemble, used: Int, natural: Bool, featureScale: Int) throws
        -> (nodes: [Node], roots: [Int32], depths: [Int32])
    {
        var nodes: [Node] = []
        nodes.reserveCapacity(ensemble.trees[0..<used].reduce(0) { $0 + $1.nodeCount })
        var roots: [Int32] = [], depths: [Int32] = []
        var queue: [(old: Int, depth: Int32)] = []
        for t in 0..<used {
            let tree = ensemble.trees[t]
            guard tree.nodeCount > 0 else { throw OptmlError.user("Tree \(t) of the model has no nodes; the model is corrupt.") }
            let root = nodes.count
            roots.append(Int32(root))
            // Breadth-first: slot `root + k` holds the k-th node in BFS order; a node's children
            // are enqueued together, so they get adjacent slots.
            queue.removeAll(keepingCapacity: true)
            queue.append((0, 0))
            var head = 0
            var depth: Int32 = 0
            while head < queue.count {
                // Trees from the codec were checked to be trees; guard against any other source.
                guard queue.count <= tree.nodeCount else {
                    throw OptmlError.user("Tree \(t) of the model is not a tree (a node is reached twice); the model is corrupt.")
                }
                let (old, d) = queue[head]
                let slot = root + head
                head += 1
                depth = max(depth, d)
                if tree.isLeaf(old) {
                    nodes.append(Node(threshold: .nan, feature: 0, child: Int32(slot),
                                      aux: tree.splitConditions[old].bitPattern))
                } else {
                    let firstChild = root + queue.count
                    let left = Int(tree.leftChildren[old]), right = Int(tree.rightChildren[old])
                    guard left >= 0, left < tree.nodeCount, right >= 0, right < tree.nodeCount,
                          tree.splitIndices[old] >= 0, Int(tree.splitIndices[old]) < ensemble.featureCount else {
                        throw OptmlError.user("Tree \(t) node \(old) of the model points outside the tree or at feature \(tree.splitIndices[old]) of \(ensemble.featureCount); the model is corrupt.")
                    }
                    let threshold = tree.splitConditions[old]
                    if natural {
                        queue.append((left, d + 1))
                        queue.append((right, d + 1))
                        nodes.append(Node(threshold: threshold, feature: UInt32(Int(tree.splitIndices[old]) * featureScale), child: Int32(firstChild), aux: 0))
                    } else if tree.defaultLeft[old] {
                        queue.append((left, d + 1))
                        queue.append((right, d + 1))
                        nodes.append(Node(threshold: threshold, feature: UInt32(Int(tree.splitIndices[old]) * featureScale), child: Int32(firstChild), aux: 0))
                    } else {
                        queue.append((right, d + 1))
                        queue.append((left, d + 1))
                        nodes.append(Node(threshold: -threshold.nextDown, feature: UInt32(Int(tree.splitIndices[old]) * featureScale),
                                          child: Int32(firstChild), aux: 0x8000_0000))
                    }
                }
            }
            depths.append(depth)
        }
        return (nodes, roots, depths)
    }

    /// Margins per row: `objective.outputGroups` values.
    public var marginWidth: Int { objective.outputGroups }

    /// Trees used.
    public var treeCount: Int { roots.count }

    // MARK: Public entry points (concrete types, so the generic kernel is specialised in-module).

    /// Computes raw margins (base margin + leaf sums, before the objective's transform).
    ///
    /// - Parameters:
    ///   - features: `rows × featureCount` values, row-major; NaN marks a missing value.
    ///   - margins: `rows × marginWidth` slots to fill.
    ///   - threads: worker threads (0: all cores); small batches use one.
    public func predictMargins(features: UnsafeBufferPointer<Float>, rows: Int, into margins: UnsafeMutableBufferPointer<Float>, threads: Int = 0) {
        run(features, rows: rows, output: margins, transform: false, threads: threads)
    }

    public func predictMargins(features: UnsafeBufferPointer<Double>, rows: Int, into margins: UnsafeMutableBufferPointer<Float>, threads: Int = 0) {
        run(features, rows: rows, output: margins, transform: false, threads: threads)
    }

    public func predictMargins(features: UnsafeBufferPointer<Double>, rows: Int, into margins: UnsafeMutableBufferPointer<Double>, threads: Int = 0) {
        run(features, rows: rows, output: margins, transform: false, threads: threads)
    }

    /// Computes predictions: the objective's transform of the margins (`objective.predictionWidth`
    /// values per row: probabilities, class indices, counts, …).
    ///
    /// - Parameters:
    ///   - features: `rows × featureCount` values, row-major; NaN marks a missing value.
    ///   - predictions: `rows × objective.predictionWidth` slots to fill.
    ///   - threads: worker threads (0: all cores); small batches use one.
    public func predict(features: UnsafeBufferPointer<Float>, rows: Int, into predictions: UnsafeMutableBufferPointer<Float>, threads: Int = 0) {
        run(features, rows: rows, output: predictions, transform: true, threads: threads)
    }

    public func predict(features: UnsafeBufferPointer<Double>, rows: Int, into predictions: UnsafeMutableBufferPointer<Float>, threads: Int = 0) {
        run(features, rows: rows, output: predictions, transform: true, threads: threads)
    }

    public func predict(features: UnsafeBufferPointer<Double>, rows: Int, into predictions: UnsafeMutableBufferPointer<Double>, threads: Int = 0) {
        run(features, rows: rows, output: predictions, transform: true, threads: threads)
    }

    /// Predictions for `x` (which must have `featureCount` columns), row-major.
    public func predict(_ x: DenseMatrix<Float>, threads: Int = 0) -> [Float] {
        precondition(x.columns == featureCount, "expected \(featureCount) feature columns, got \(x.columns)")
        var out = [Float](repeating: 0, count: x.rows * objective.predictionWidth)
        x.storage.withUnsafeBufferPointer { f in
            out.withUnsafeMutableBufferPointer { o in predict(features: f, rows: x.rows, into: o, threads: threads) }
        }
        return out
    }

    // MARK: Kernel

    /// Rows per block: each tree's nodes are loaded once per block (and stay in L1 while its rows,
    /// eight at a time, walk it); the block's features and margins stay in L1 too.
    static let blockRows = 64

    func run<F: BinaryFloatingPoint & SendableMetatype, O: BinaryFloatingPoint & SendableMetatype>(
        _ features: UnsafeBufferPointer<F>, rows: Int, output: UnsafeMutableBufferPointer<O>, transform: Bool, threads: Int
    ) {
        let width = transform ? objective.predictionWidth : marginWidth
        precondition(rows >= 0 && features.count >= rows * featureCount, "features hold fewer than rows × featureCount values")
        precondition(output.count >= rows * width, "output holds fewer than rows × \(width) values")
        if rows == 0 { return }
        let blocks = (rows + Self.blockRows - 1) / Self.blockRows
        let cores = threads > 0 ? threads : ProcessInfo.processInfo.activeProcessorCount
        // Tree steps in the batch (about a nanosecond each); a worker needs ~0.5 ms of them to
        // pay for waking it.
        let work = rows * stepsPerRow
        let workers = max(1, min(cores, blocks, work / 500_000))
        if workers == 1 {
            predictBlocks(0..<blocks, features, rows: rows, output: output, width: width, transform: transform)
            return
        }
        // Contiguous ranges of blocks per worker (each writes its own rows: no sharing).
        // The buffers are not Sendable; sharing them is sound because the chunks write disjoint
        // rows and concurrentPerform returns only after every chunk has finished.
        let chunks = workers * 4
        let shared = PredictionBuffers(features: features, output: output)
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let lo = blocks * c / chunks, hi = blocks * (c + 1) / chunks
            if lo < hi { predictBlocks(lo..<hi, shared.features, rows: rows, output: shared.output, width: width, transform: transform) }
        }
    }

    func predictBlocks<F: BinaryFloatingPoint, O: BinaryFloatingPoint>(
        _ blockRange: Range<Int>, _ features: UnsafeBufferPointer<F>, rows: Int,
        output: UnsafeMutableBufferPointer<O>, width: Int, transform: Bool
    ) {
        let groupCount = marginWidth
        let block = Self.blockRows
        // Scratch: margins per row of the block, one transformed row.
        let margins = UnsafeMutablePointer<Float>.allocate(capacity: block * groupCount)
        let transformed = UnsafeMutablePointer<Float>.allocate(capacity: max(1, objective.predictionWidth))
        defer { margins.deallocate(); transformed.deallocate() }
        let fc = featureCount
        let base = features.baseAddress!
        // The walked copy of a block: feature-major when `transposesBlocks`, else row-major and
        // only for features that are not Float. Values are rounded to Float here (the rounding
        // the comparison needs), so a tree step does no conversion, and checked for NaN: blocks
        // without missing values walk the simpler natural layout.
        let copy = transposesBlocks || F.self != Float.self ? UnsafeMutablePointer<Float>.allocate(capacity: block * fc) : nil
        defer { copy?.deallocate() }
        tables.withPointers { node in
        plainTables.withPointers { plainNode in
            for b in blockRange {
                let first = b * block
                let count = min(block, rows - first)
                let source = base + first * fc
                let rowBase: UnsafeRawPointer
                var missing = false
                if transposesBlocks, let copy {
                    for r in 0..<count {
                        let row = source + r * fc
                        for f in 0..<fc {
                            let v = Float(row[f])
                            copy[f &* block &+ r] = v
                            missing = missing || v.isNaN
                        }
                    }
                    rowBase = UnsafeRawPointer(copy)
                } else if let copy {
                    for k in 0..<(count * fc) {
                        let v = Float(source[k])
                        copy[k] = v
                        missing = missing || v.isNaN
                    }
                    rowBase = UnsafeRawPointer(copy)
                } else {
                    rowBase = UnsafeRawPointer(source)
                    let values = rowBase.assumingMemoryBound(to: Float.self)
                    for k in 0..<(count * fc) { missing = missing || values[k].isNaN }
                }
                for i in 0..<(count * groupCount) { margins[i] = baseMargin }
                switch (missing, transposesBlocks) {
                case (true, true): walk(MissingAwareStep.self, FeatureMajor.self, node, rowBase, count: count, margins: margins)
                case (false, true): walk(PlainStep.self, FeatureMajor.self, plainNode, rowBase, count: count, margins: margins)
                case (true, false): walk(MissingAwareStep.self, RowMajor.self, node, rowBase, count: count, margins: margins)
                case (false, false): walk(PlainStep.self, RowMajor.self, plainNode, rowBase, count: count, margins: margins)
                }
                let out = output.baseAddress! + first * width
                if transform {
                    for r in 0..<count {
                        objective.transform(margins: margins + r * groupCount, into: transformed)
                        for k in 0..<width { out[r * width + k] = O(transformed[k]) }
                    }
                } else {
                    for i in 0..<(count * groupCount) { out[i] = O(margins[i]) }
                }
            }
        }
        }
    }

    /// Adds every used tree's leaf to the margins of `count` rows (a block), walking `node`
    /// with `Step` over rows laid out as `Layout` says.
    @inline(__always)
    func walk<Step: TreeStep, Layout: BlockLayout>(_: Step.Type, _: Layout.Type, _ node: NodePointers,
                                                   _ rowBase: UnsafeRawPointer, count: Int, margins: UnsafeMutablePointer<Float>) {
        let groupCount = marginWidth
        // Bytes from one row's values to the next: a constant 4 feature-major, so the eight rows
        // below share one base register and differ by an immediate displacement.
        let rowBytes = Layout.rowBytes(featureCount: featureCount)
        for t in 0..<roots.count {
            let root = Int(roots[t]), depth = depths[t], g = Int(groups[t])
            // Eight rows at a time with their node indices in registers: eight independent
            // walks in flight hide the load latency of each step.
            var r = 0
            while r + 8 <= count {
                let p = rowBase + r &* rowBytes
                var i0 = root, i1 = root, i2 = root, i3 = root, i4 = root, i5 = root, i6 = root, i7 = root
                for _ in 0..<depth {
                    i0 = Step.step(node, i0, p); i1 = Step.step(node, i1, p + rowBytes)
                    i2 = Step.step(node, i2, p + 2 &* rowBytes); i3 = Step.step(node, i3, p + 3 &* rowBytes)
                    i4 = Step.step(node, i4, p + 4 &* rowBytes); i5 = Step.step(node, i5, p + 5 &* rowBytes)
                    i6 = Step.step(node, i6, p + 6 &* rowBytes); i7 = Step.step(node, i7, p + 7 &* rowBytes)
                }
                let m = margins + (r &* groupCount &+ g)
                m[0] += node.leaves[i0]; m[groupCount] += node.leaves[i1]
                m[2 &* groupCount] += node.leaves[i2]; m[3 &* groupCount] += node.leaves[i3]
                m[4 &* groupCount] += node.leaves[i4]; m[5 &* groupCount] += node.leaves[i5]
                m[6 &* groupCount] += node.leaves[i6]; m[7 &* groupCount] += node.leaves[i7]
                r += 8
            }
            while r < count {
                let p = rowBase + r &* rowBytes
                var i = root
                for _ in 0..<depth { i = Step.step(node, i, p) }
                margins[r &* groupCount &+ g] += node.leaves[i]
                r += 1
            }
        }
    }
}

/// Where the values of the rows of a block sit: row `r`'s feature `f` is at
/// `base + r · rowBytes + f · featureScale` (the node's `feature` field holds `f · featureScale`).
protocol BlockLayout {
    static func rowBytes(featureCount: Int) -> Int
}

/// Feature-major: a block's values of one feature are contiguous (`CompiledForest.blockRows`
/// of them), so consecutive rows are 4 bytes apart.
enum FeatureMajor: BlockLayout {
    @inline(__always) static func rowBytes(featureCount: Int) -> Int { 4 }
}

/// Row-major, as the caller's matrix is.
enum RowMajor: BlockLayout {
    @inline(__always) static func rowBytes(featureCount: Int) -> Int { featureCount &* 4 }
}

/// One step down a tree: the child a row goes to from node `i` (a leaf returns itself).
protocol TreeStep {
    static func step(_ node: NodePointers, _ i: Int, _ row: UnsafeRawPointer) -> Int
}

/// The step of the missing-aware layout (`CompiledForest.tables`).
///
/// No branch on the data (random data would mispredict half of them): a sign flip, one
/// unordered comparison and an add (see `Node`).
enum MissingAwareStep: TreeStep {
    @inline(__always)
    static func step(_ node: NodePointers, _ i: Int, _ row: UnsafeRawPointer) -> Int {
        let split = node.splits[i]
        let sign = split.feature & 0x8000_0000
        let v = Float(bitPattern: row.load(fromByteOffset: Int(split.feature & 0x7FFF_FFFF), as: UInt32.self) ^ sign)
        // The Bool's bits, not `cond ? 1 : 0`: a select may be turned back into a branch by the
        // code generator, a zero extension may not.
        let second = unsafeBitCast(v >= split.threshold, to: UInt8.self)
        return Int(node.children[i]) &+ Int(second)
    }
}

/// The step of the natural layout (`CompiledForest.plainTables`), for rows without missing
/// values: `x >= t` goes to the second (right) child; a leaf's NaN threshold keeps it in place.
enum PlainStep: TreeStep {
    @inline(__always)
    static func step(_ node: NodePointers, _ i: Int, _ row: UnsafeRawPointer) -> Int {
        let split = node.splits[i]
        let second = unsafeBitCast(row.load(fromByteOffset: Int(split.feature), as: Float.self) >= split.threshold, to: UInt8.self)
        return Int(node.children[i]) &+ Int(second)
    }
}

/// A node layout as the walk reads it, in three arrays indexed by node: the 8-byte split
/// (threshold, feature offset with the sign flip of a default-right node in its top bit), the
/// first child, and the leaf value. Each is addressed by `base + index × 8` or `× 4`, which the
/// processor does in the load itself, so a step needs no index arithmetic.
struct NodeTables: Sendable {
    struct Split {
        var threshold: Float
        var feature: UInt32
    }

    let splits: [Split]
    let children: [Int32]
    let leaves: [Float]

    init(_ nodes: [CompiledForest.Node]) {
        var splits: [Split] = [], children: [Int32] = [], leaves: [Float] = []
        splits.reserveCapacity(nodes.count)
        children.reserveCapacity(nodes.count)
        leaves.reserveCapacity(nodes.count)
        for (i, n) in nodes.enumerated() {
            let leaf = Int(n.child) == i
            splits.append(Split(threshold: n.threshold, feature: leaf ? 0 : n.feature | (n.aux & 0x8000_0000)))
            children.append(n.child)
            leaves.append(leaf ? n.leafValue : 0)
        }
        self.splits = splits
        self.children = children
        self.leaves = leaves
    }

    func withPointers<R>(_ body: (NodePointers) -> R) -> R {
        splits.withUnsafeBufferPointer { s in
            children.withUnsafeBufferPointer { c in
                leaves.withUnsafeBufferPointer { l in
                    body(NodePointers(splits: s.baseAddress!, children: c.baseAddress!, leaves: l.baseAddress!))
                }
            }
        }
    }
}

/// Where a walk reads a `NodeTables`.
struct NodePointers {
    let splits: UnsafePointer<NodeTables.Split>
    let children: UnsafePointer<Int32>
    let leaves: UnsafePointer<Float>
}

extension TreeEnsemble {
    /// Raw margins of `rows` rows (see `CompiledForest.predictMargins`); compiles the trees first,
    /// so repeated calls should hold a `CompiledForest` instead.
    public func predictMargins(features: UnsafeBufferPointer<Float>, rows: Int, into margins: UnsafeMutableBufferPointer<Float>, threads: Int = 0) throws {
        try CompiledForest(self).predictMargins(features: features, rows: rows, into: margins, threads: threads)
    }

    public func predictMargins(features: UnsafeBufferPointer<Double>, rows: Int, into margins: UnsafeMutableBufferPointer<Double>, threads: Int = 0) throws {
        try CompiledForest(self).predictMargins(features: features, rows: rows, into: margins, threads: threads)
    }

    /// Predictions of `rows` rows with the objective's transform (see `CompiledForest.predict`);
    /// compiles the trees first, so repeated calls should hold a `CompiledForest` instead.
    public func predict(features: UnsafeBufferPointer<Float>, rows: Int, into predictions: UnsafeMutableBufferPointer<Float>, threads: Int = 0) throws {
        try CompiledForest(self).predict(features: features, rows: rows, into: predictions, threads: threads)
    }

    public func predict(features: UnsafeBufferPointer<Double>, rows: Int, into predictions: UnsafeMutableBufferPointer<Double>, threads: Int = 0) throws {
        try CompiledForest(self).predict(features: features, rows: rows, into: predictions, threads: threads)
    }
}

/// The input and output of one prediction call, handed to worker threads that touch disjoint rows.
struct PredictionBuffers<F: BinaryFloatingPoint, O: BinaryFloatingPoint>: @unchecked Sendable {
    let features: UnsafeBufferPointer<F>
    let output: UnsafeMutableBufferPointer<O>
}
