import Foundation
import MLCore

/// Prediction from sparse rows (libsvm, sparse RecordIO-protobuf): an absent entry is a missing
/// value, as in XGBoost, and goes the default way at every split.
extension CompiledForest {
    /// Predictions (the objective's transform, `objective.predictionWidth` values per row) of the
    /// rows of a CSR matrix.
    ///
    /// Rows are scattered, a block at a time, into a small dense buffer of NaNs (at most ~1 MB,
    /// so very wide data costs no more memory than narrow data) and walked as dense rows.
    ///
    /// - Throws: `OptmlError.user` naming the first row (1-based) with a feature index the
    ///   model does not have.
    public func predict(_ x: SparseMatrix<Float>, threads: Int = 0) throws -> [Float] {
        try predictSparse(x, threads: threads)
    }

    public func predict(_ x: SparseMatrix<Double>, threads: Int = 0) throws -> [Float] {
        try predictSparse(x, threads: threads)
    }

    func predictSparse<S: BinaryFloatingPoint & Sendable>(_ x: SparseMatrix<S>, threads: Int) throws -> [Float] {
        let width = objective.predictionWidth
        let fc = featureCount
        if let k = x.columnIndices.firstIndex(where: { Int($0) >= fc }) {
            let row = x.rowOffsets.lastIndex(where: { $0 <= k })! + 1
            throw OptmlError.user("Row \(row) has feature index \(x.columnIndices[k]) but the model has \(fc) features (indices 0 to \(fc - 1)).")
        }
        var output = [Float](repeating: 0, count: x.rows * width)
        if x.rows == 0 { return output }
        let blockRows = max(1, min(Self.blockRows, 262_144 / max(1, fc)))
        let blocks = (x.rows + blockRows - 1) / blockRows
        let cores = threads > 0 ? threads : ProcessInfo.processInfo.activeProcessorCount
        let workers = max(1, min(cores, blocks, x.rows * stepsPerRow / 500_000))
        output.withUnsafeMutableBufferPointer { out in
            x.rowOffsets.withUnsafeBufferPointer { offsets in
                x.columnIndices.withUnsafeBufferPointer { columns in
                    x.values.withUnsafeBufferPointer { values in
                        let shared = SparseBuffers(offsets: offsets, columns: columns, values: values, output: out)
                        let chunk = { (c: Int, chunks: Int) in
                            let lo = blocks * c / chunks, hi = blocks * (c + 1) / chunks
                            guard lo < hi else { return }
                            let dense = UnsafeMutableBufferPointer<Float>.allocate(capacity: blockRows * fc)
                            defer { dense.deallocate() }
                            dense.initialize(repeating: .nan)
                            for b in lo..<hi {
                                let first = b * blockRows
                                let count = min(blockRows, x.rows - first)
                                for r in 0..<count {
                                    let row = first + r
                                    for k in shared.offsets[row]..<shared.offsets[row + 1] {
                                        dense[r * fc + Int(shared.columns[k])] = Float(shared.values[k])
                                    }
                                }
                                let slice = UnsafeMutableBufferPointer(rebasing: shared.output[(first * width)..<((first + count) * width)])
                                predictBlocks(0..<1, UnsafeBufferPointer(dense), rows: count, output: slice, width: width, transform: true)
                                for r in 0..<count {
                                    let row = first + r
                                    for k in shared.offsets[row]..<shared.offsets[row + 1] {
                                        dense[r * fc + Int(shared.columns[k])] = .nan
                                    }
                                }
                            }
                        }
                        if workers == 1 {
                            chunk(0, 1)
                        } else {
                            // Each chunk has its own dense buffer and writes its own rows.
                            let chunks = workers * 4
                            let box = SparseChunk(body: chunk)
                            DispatchQueue.concurrentPerform(iterations: chunks) { c in box.body(c, chunks) }
                        }
                    }
                }
            }
        }
        return output
    }
}

/// The CSR arrays and the output of one sparse prediction, shared by workers that write disjoint rows.
struct SparseBuffers<S: BinaryFloatingPoint>: @unchecked Sendable {
    let offsets: UnsafeBufferPointer<Int>
    let columns: UnsafeBufferPointer<UInt32>
    let values: UnsafeBufferPointer<S>
    let output: UnsafeMutableBufferPointer<Float>
}

/// The per-chunk work of a sparse prediction, callable from concurrentPerform's workers.
struct SparseChunk: @unchecked Sendable {
    let body: (Int, Int) -> Void
}
