import MLCore

/// A channel's rows delivered block by block, for training on channels larger than memory.
///
/// Each call of `forEachBlock` reads the rows again from the start, in the same order and with
/// the same values (a file-backed source parses its files again; it never keeps the matrix).
public protocol RowBlockSource: Sendable {
    /// Calls `body(firstRow, block)` for every block in channel order; `firstRow` is the block's
    /// first row in the whole channel. `body` may change the block in place: it is dropped after
    /// the call. Throws what reading throws, and what `body` throws.
    func forEachBlock(_ body: (Int, inout LabeledDataset<Double>) throws -> Void) throws
}

/// Rows already in memory, served as copies of blocks of `blockRows` rows: for tests comparing
/// streaming training with in-memory training, and for a small channel that trains alongside a
/// streamed one.
public struct InMemoryBlockSource: RowBlockSource {
    public let dataset: LabeledDataset<Double>
    public let blockRows: Int

    public init(_ dataset: LabeledDataset<Double>, blockRows: Int = 65_536) {
        self.dataset = dataset
        self.blockRows = max(1, blockRows)
    }

    public func forEachBlock(_ body: (Int, inout LabeledDataset<Double>) throws -> Void) throws {
        let n = dataset.count, d = dataset.featureCount
        var start = 0
        while start < n {
            let m = min(blockRows, n - start)
            let x = Array(dataset.features.storage[(start * d) ..< ((start + m) * d)])
            var block = LabeledDataset(features: DenseMatrix(rows: m, columns: d, storage: x),
                                       labels: Array(dataset.labels[start ..< start + m]),
                                       weights: dataset.weights.map { Array($0[start ..< start + m]) }, source: dataset.source)
            try body(start, &block)
            start += m
        }
    }
}
