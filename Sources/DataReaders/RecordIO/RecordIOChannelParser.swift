import MLCore

/// A run of whole records of one input.
private struct RecordChunk {
    let input: Int
    let start: Int
    let end: Int
}

/// Decodes the records of several inputs into one dense or CSR matrix, in parallel: plan chunks
/// of whole records by walking the headers, decode each chunk into its own buffers, then copy
/// the chunks into the final arrays (freeing each as it is copied).
struct RecordIOChannelParser {
    let inputs: [CSVInput]
    let options: RecordIOProtobufOptions
    let emptyMessage: String
    /// Largest target chunk size in bytes (smaller inputs get about four chunks per thread, at
    /// least 64 KiB each, or exactly this when a test sets it below 64 KiB).
    var chunkBytes = 4 << 20

    func parse<S: BinaryFloatingPoint & Sendable>(as _: S.Type, source: String) throws -> RecordIOProtobufData<S> {
        if S.self == Float.self { return try parseTyped(Float.self, source: source) as! RecordIOProtobufData<S> }
        if S.self == Double.self { return try parseTyped(Double.self, source: source) as! RecordIOProtobufData<S> }
        switch try parseTyped(Double.self, source: source) {
        case .dense(let d):
            return .dense(LabeledDataset(features: d.features.converted(to: S.self), labels: d.labels,
                                         weights: d.weights, source: d.source))
        case .sparse(let s):
            return .sparse(SparseLabeledDataset(features: s.features.converted(to: S.self), labels: s.labels,
                                                weights: s.weights, source: s.source))
        }
    }

    private func parseTyped<T: RecordTensorScalar>(_: T.Type, source: String) throws -> RecordIOProtobufData<T> {
        if let expected = options.expectedFeatureCount, expected < 1 || expected > Int(UInt32.max) {
            throw OptmlError.user("The expected feature count must be between 1 and \(UInt32.max), got \(expected).")
        }
        let threads = max(1, options.threads)
        let plan = try planChunks(threads: threads)
        let chunks = UnsafeMutableBufferPointer<RecordChunk>.allocate(capacity: plan.count)
        _ = chunks.initialize(from: plan)
        defer { chunks.deallocate() }
        let outputs = UnsafeMutableBufferPointer<RecordRowsOutput<T>>.allocate(capacity: chunks.count)
        outputs.initialize(repeating: RecordRowsOutput<T>())
        defer {
            for i in outputs.indices { outputs[i].deallocate() }
            outputs.deallocate()
        }
        let inputs = self.inputs
        let decoder = RecordDecoder<T>()
        ParallelChunks.run(tasks: chunks.count, workers: threads) { i, queue in
            let chunk = chunks[i]
            let input = inputs[chunk.input]
            var scanner = RecordIOScanner(base: input.text.base, count: chunk.end, name: input.name, offset: chunk.start)
            defer { scanner.deallocate() }
            // Upper bounds from the chunk's size (a record takes at least 16 bytes, a packed
            // Float32 value 4), so the buffers never grow by copying; pages left untouched cost
            // nothing.
            let bytes = chunk.end - chunk.start
            outputs[i].values.reserve(bytes / 4 + 1)
            let rows = bytes / 16 + 1
            outputs[i].labels.reserve(rows)
            outputs[i].rowEnds.reserve(rows)
            outputs[i].widths.reserve(rows)
            outputs[i].sparse.reserve(rows)
            outputs[i].offsets.reserve(rows)
            do {
                while let (payload, offset) = try scanner.next() {
                    try decoder.decode(payload, recordOffset: offset, name: input.name, into: &outputs[i])
                }
                input.text.releasePages(from: chunk.start, to: chunk.end)
            } catch let failure as RecordFailure {
                outputs[i].failure = failure
                queue.stop(after: i)
            } catch {
                outputs[i].failure = RecordFailure(recordOffset: scanner.offset, message: (error as? OptmlError)?.message ?? "\(error)")
                queue.stop(after: i)
            }
        }
        if let failure = outputs.first(where: { $0.failure != nil })?.failure {
            throw OptmlError.user(failure.message)
        }
        let rowCount = outputs.reduce(0) { $0 + $1.rows }
        guard rowCount > 0 else { throw OptmlError.user(emptyMessage) }

        let labeled = outputs.reduce(0) { $0 + $1.labeledRows }
        if labeled != 0 && labeled != rowCount {
            let firstHasLabel = !outputs.first(where: { $0.rows > 0 })!.labels[0].isNaN
            for i in outputs.indices {
                for r in 0..<outputs[i].rows where outputs[i].labels[r].isNaN == firstHasLabel {
                    let name = inputs[chunks[i].input].name
                    throw OptmlError.user("\(name): record at byte offset \(outputs[i].offsets[r]) "
                        + (firstHasLabel ? "has no label[\"values\"], but the channel's first record has one"
                                         : "has a label[\"values\"], but the channel's first record has none")
                        + ". Give every record a label or none.")
                }
            }
        }

        let sparseRows = outputs.reduce(0) { $0 + $1.sparseRows }
        var firstRow = [Int](repeating: 0, count: chunks.count + 1)
        var firstValue = [Int](repeating: 0, count: chunks.count + 1)
        for i in chunks.indices {
            firstRow[i + 1] = firstRow[i] + outputs[i].rows
            firstValue[i + 1] = firstValue[i] + outputs[i].values.count
        }
        let labels = uninitializedArray(Double.self, count: rowCount) { out in
            for i in chunks.indices where outputs[i].rows > 0 {
                (out + firstRow[i]).update(from: outputs[i].labels.base!, count: outputs[i].rows)
            }
        }
        if sparseRows == 0 {
            let width = try denseWidth(outputs, chunks: chunks)
            let values = uninitializedArray(T.self, count: rowCount * width) { out in
                ParallelChunks.run(tasks: chunks.count, workers: threads) { i, _ in
                    if outputs[i].values.count > 0 {
                        (out + firstValue[i]).update(from: outputs[i].values.base!, count: outputs[i].values.count)
                    }
                    outputs[i].values.deallocate()
                }
            }
            return .dense(LabeledDataset(features: DenseMatrix(rows: rowCount, columns: width, storage: values),
                                         labels: labels, source: source))
        }
        return .sparse(SparseLabeledDataset(
            features: try sparseMatrix(outputs, chunks: chunks, rowCount: rowCount),
            labels: labels, source: source))
    }

    /// The common length of dense rows; throws at the first row that differs.
    private func denseWidth<T>(_ outputs: UnsafeMutableBufferPointer<RecordRowsOutput<T>>,
                               chunks: UnsafeMutableBufferPointer<RecordChunk>) throws -> Int {
        let firstChunk = outputs.indices.first(where: { outputs[$0].rows > 0 })!
        let width = options.expectedFeatureCount ?? outputs[firstChunk].widths[0]
        for i in outputs.indices {
            for r in 0..<outputs[i].rows where outputs[i].widths[r] != width {
                let name = inputs[chunks[i].input].name
                let reference = options.expectedFeatureCount != nil
                    ? "the \(width) features expected"
                    : "the \(width) of the channel's first record (\(inputs[chunks[firstChunk].input].name), "
                        + "byte offset \(outputs[firstChunk].offsets[0]))"
                throw OptmlError.user("\(name): record at byte offset \(outputs[i].offsets[r]) has "
                    + "\(outputs[i].widths[r]) feature values, but dense records must all have the same length: "
                    + "\(reference).")
            }
        }
        return width
    }

    /// Builds the CSR matrix; dense rows store every column.
    private func sparseMatrix<T: RecordTensorScalar>(_ outputs: UnsafeMutableBufferPointer<RecordRowsOutput<T>>,
                                                     chunks: UnsafeMutableBufferPointer<RecordChunk>,
                                                     rowCount: Int) throws -> SparseMatrix<T> {
        var columns = 0
        for i in outputs.indices {
            for r in 0..<outputs[i].rows {
                let width = outputs[i].widths[r]
                if let expected = options.expectedFeatureCount, width > expected {
                    throw OptmlError.user("\(inputs[chunks[i].input].name): record at byte offset \(outputs[i].offsets[r]) "
                        + "has \(width) feature columns, more than the \(expected) features expected.")
                }
                columns = max(columns, width)
            }
        }
        columns = options.expectedFeatureCount ?? columns
        var offsets = [Int](repeating: 0, count: rowCount + 1)
        var indices: [UInt32] = []
        var values: [T] = []
        let total = outputs.reduce(0) { $0 + $1.values.count }
        indices.reserveCapacity(total)
        values.reserveCapacity(total)
        var row = 0
        for i in outputs.indices {
            var keyCursor = 0
            var valueStart = 0
            let out = outputs[i]
            for r in 0..<out.rows {
                let valueEnd = out.rowEnds[r]
                if out.sparse[r] == 1 {
                    for k in 0..<(valueEnd - valueStart) { indices.append(out.keys[keyCursor + k]) }
                    keyCursor += valueEnd - valueStart
                } else {
                    for k in 0..<(valueEnd - valueStart) { indices.append(UInt32(k)) }
                }
                values.append(contentsOf: UnsafeBufferPointer(start: out.values.base.map { $0 + valueStart }, count: valueEnd - valueStart))
                valueStart = valueEnd
                row += 1
                offsets[row] = values.count
            }
            outputs[i].values.deallocate()
            outputs[i].keys.deallocate()
        }
        return SparseMatrix(unchecked: rowCount, columns: columns, rowOffsets: offsets, columnIndices: indices, values: values)
    }

    /// Chunks of whole records of about `chunkBytes`, found by walking the headers (a multi-part
    /// record never straddles two chunks). Framing errors surface here.
    private func planChunks(threads: Int) throws -> [RecordChunk] {
        let total = inputs.reduce(0) { $0 + $1.text.count }
        let target = max(64 << 10, min(chunkBytes, total / (threads * 4)))
        var plan: [RecordChunk] = []
        for (index, input) in inputs.enumerated() {
            guard let base = input.text.base, input.text.count > 0 else { continue }
            var scanner = RecordIOScanner(base: base, count: input.text.count, name: input.name)
            defer { scanner.deallocate() }
            var chunkStart = 0
            while try scanner.next() != nil {
                if scanner.offset - chunkStart >= target {
                    plan.append(RecordChunk(input: index, start: chunkStart, end: scanner.offset))
                    chunkStart = scanner.offset
                }
            }
            if scanner.offset > chunkStart {
                plan.append(RecordChunk(input: index, start: chunkStart, end: min(scanner.offset, input.text.count)))
            }
        }
        return plan
    }
}
