/// Gradient histograms of tree nodes, preallocated and reused from tree to tree.
///
/// One histogram holds, per slot (feature bin, see `BinnedMatrix.slotOffsets`), the sums of the
/// gradients and hessians of the node's rows as `SIMD2<Double>`: gradients are stored as Float32,
/// but sums over up to millions of rows are accumulated in double precision (accumulate wide,
/// store narrow). Histograms are allocated once when the pool first needs them and never freed
/// while training runs, so growing a node allocates nothing.
final class HistogramPool {
    let slotCount: Int
    private var blocks: [UnsafeMutablePointer<SIMD2<Double>>] = []
    private var free: [Int] = []

    init(slotCount: Int) {
        self.slotCount = slotCount
    }

    deinit {
        for block in blocks { block.deallocate() }
    }

    /// A histogram id no node holds; its contents are undefined.
    func acquire() -> Int {
        if let id = free.popLast() { return id }
        let block = UnsafeMutablePointer<SIMD2<Double>>.allocate(capacity: max(slotCount, 1))
        blocks.append(block)
        return blocks.count - 1
    }

    /// Returns a histogram to the pool.
    func release(_ id: Int) { free.append(id) }

    /// Releases every histogram (between trees).
    func releaseAll() { free = Array((0..<blocks.count).reversed()) }

    @inline(__always) func pointer(_ id: Int) -> UnsafeMutablePointer<SIMD2<Double>> { blocks[id] }
}
