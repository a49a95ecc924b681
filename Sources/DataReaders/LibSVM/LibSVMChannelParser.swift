import MLCore

/// One chunk of whole lines of one input.
private struct LibSVMChunk {
    let input: Int
    let start: Int
    let end: Int
}

/// Reads the lines of several inputs into one CSR matrix, in parallel.
///
/// 1. Split every input into chunks of whole lines. 2. Parse the chunks in parallel, each into
/// its own growable buffers (the entry count of a chunk is not known before parsing it). 3. Prefix
/// sums place every chunk's rows and entries. 4. Copy the chunks into the final arrays in
/// parallel, freeing each chunk's buffers as soon as it is copied, so the peak is about one copy
/// of the data. The earliest failing chunk's failure is reported: the same error a sequential
/// parse gives.
struct LibSVMChannelParser {
    let inputs: [CSVInput]
    let options: LibSVMOptions
    let emptyMessage: String
    var chunkBytes: ClosedRange<Int> = (256 << 10)...(8 << 20)
    /// The line number of the inputs' first line in their files (a block of a file read in blocks).
    var firstLine = 1
    /// Inputs without rows give an empty matrix instead of `emptyMessage` (a block of comment lines).
    var allowsEmpty = false

    func parse<S: BinaryFloatingPoint & Sendable>(as _: S.Type, source: String) throws -> LibSVMData<S> {
        if S.self == Float.self {
            return try parseTyped(Float.self, source: source) as! LibSVMData<S>
        }
        if S.self == Double.self {
            return try parseTyped(Double.self, source: source) as! LibSVMData<S>
        }
        let data = try parseTyped(Double.self, source: source)
        let dataset = data.dataset
        return LibSVMData(
            dataset: SparseLabeledDataset(features: dataset.features.converted(to: S.self), labels: dataset.labels,
                                          weights: dataset.weights, source: dataset.source),
            queryIDs: data.queryIDs)
    }

    private func parseTyped<T: DecimalConvertible & BitwiseCopyable & Sendable>(
        _: T.Type, source: String
    ) throws -> LibSVMData<T> {
        if let expected = options.expectedFeatureCount, expected < 1 || expected > Int(UInt32.max) {
            throw OptmlError.user("The expected feature count must be between 1 and \(UInt32.max), got \(expected).")
        }
        let report = LibSVMFailureReport(inputs: inputs, expectedFeatureCount: options.expectedFeatureCount)
        for i in inputs.indices {
            if let message = report.binaryMismatch(input: i) { throw OptmlError.user(message) }
        }
        let threads = max(1, options.threads)
        let chunks = planChunks(threads: threads)
        defer { chunks.deallocate() }
        let outputs = UnsafeMutableBufferPointer<LibSVMChunkOutput<T>>.allocate(capacity: chunks.count)
        outputs.initialize(repeating: LibSVMChunkOutput<T>())
        defer {
            for i in outputs.indices { outputs[i].deallocate() }
            outputs.deallocate()
        }
        let limit = UInt64(options.expectedFeatureCount ?? Int(UInt32.max))
        let parser = LibSVMChunkParser<T>(tables: DecimalTables.shared, indexLimit: limit)
        let inputs = self.inputs
        ParallelChunks.run(tasks: chunks.count, workers: threads) { i, queue in
            let chunk = chunks[i]
            let text = inputs[chunk.input].text
            parser.parse(base: text.base!, start: chunk.start, end: chunk.end, into: &outputs[i])
            if outputs[i].failure != nil {
                queue.stop(after: i)
            } else {
                text.releasePages(from: chunk.start, to: chunk.end)
            }
        }

        // Absolute line numbers: a chunk's first line is one more than the newlines before it.
        var firstLine = [Int](repeating: 1, count: chunks.count)
        var nextLine = [Int](repeating: self.firstLine, count: inputs.count)
        for i in chunks.indices {
            firstLine[i] = nextLine[chunks[i].input]
            nextLine[chunks[i].input] += outputs[i].newlines
        }
        if let i = outputs.indices.first(where: { outputs[$0].failure != nil }), var failure = outputs[i].failure {
            failure.line += firstLine[i]
            throw OptmlError.user(report.message(for: failure, input: chunks[i].input, featureFormat: T.self))
        }

        let rowCount = outputs.reduce(0) { $0 + $1.rows }
        if rowCount == 0 && allowsEmpty {
            return LibSVMData(dataset: SparseLabeledDataset(features: SparseMatrix(columns: options.expectedFeatureCount ?? 0), labels: [],
                                                            source: source), queryIDs: nil)
        }
        guard rowCount > 0 else { throw OptmlError.user(emptyMessage) }
        let weighted = try consistency(
            outputs, chunks: chunks, firstLine: firstLine, report: report,
            with: { ($0.weightedRows, $0.firstWeighted) }, without: { $0.firstUnweighted }, kind: .inconsistentWeight)
        let queried = try consistency(
            outputs, chunks: chunks, firstLine: firstLine, report: report,
            with: { ($0.queryRows, $0.firstWithQuery) }, without: { $0.firstWithoutQuery }, kind: .inconsistentQueryID)

        let largest = outputs.reduce(-1) { max($0, $1.largestIndex) }
        let columns = options.expectedFeatureCount ?? (largest + 1)
        var firstRow = [Int](repeating: 0, count: chunks.count + 1)
        var firstEntry = [Int](repeating: 0, count: chunks.count + 1)
        for i in chunks.indices {
            firstRow[i + 1] = firstRow[i] + outputs[i].rows
            firstEntry[i + 1] = firstEntry[i] + outputs[i].columns.count
        }
        let entryCount = firstEntry[chunks.count]

        var labels: [Double] = []
        var weights: [Double]?
        var queryIDs: [UInt64]?
        var offsets: [Int] = []
        var columnIndices: [UInt32] = []
        let values = uninitializedArray(T.self, count: entryCount) { valueOut in
            columnIndices = uninitializedArray(UInt32.self, count: entryCount) { columnOut in
                offsets = uninitializedArray(Int.self, count: rowCount + 1) { offsetOut in
                    labels = uninitializedArray(Double.self, count: rowCount) { labelOut in
                        offsetOut[0] = 0
                        ParallelChunks.run(tasks: chunks.count, workers: threads) { i, _ in
                            let chunk = outputs[i]
                            let row0 = firstRow[i], entry0 = firstEntry[i]
                            if chunk.rows > 0 {
                                (labelOut + row0).update(from: chunk.labels.base!, count: chunk.rows)
                                for r in 0..<chunk.rows { offsetOut[row0 + r + 1] = entry0 + chunk.rowEnds[r] }
                            }
                            if chunk.columns.count > 0 {
                                (columnOut + entry0).update(from: chunk.columns.base!, count: chunk.columns.count)
                                (valueOut + entry0).update(from: chunk.values.base!, count: chunk.values.count)
                            }
                            outputs[i].columns.deallocate()
                            outputs[i].values.deallocate()
                        }
                    }
                }
            }
        }
        if weighted {
            weights = uninitializedArray(Double.self, count: rowCount) { out in
                for i in chunks.indices where outputs[i].rows > 0 {
                    (out + firstRow[i]).update(from: outputs[i].weights.base!, count: outputs[i].rows)
                }
            }
        }
        if queried {
            queryIDs = uninitializedArray(UInt64.self, count: rowCount) { out in
                for i in chunks.indices where outputs[i].rows > 0 {
                    (out + firstRow[i]).update(from: outputs[i].queryIDs.base!, count: outputs[i].rows)
                }
            }
        }
        let matrix = SparseMatrix(unchecked: rowCount, columns: columns, rowOffsets: offsets,
                                  columnIndices: columnIndices, values: values)
        return LibSVMData(
            dataset: SparseLabeledDataset(features: matrix, labels: labels, weights: weights, source: source),
            queryIDs: queryIDs)
    }

    /// Whether every row has the optional field (true), none has (false); throws at the first
    /// row that breaks the rule the channel's first row set.
    private func consistency<T>(
        _ outputs: UnsafeMutableBufferPointer<LibSVMChunkOutput<T>>, chunks: UnsafeMutableBufferPointer<LibSVMChunk>,
        firstLine: [Int], report: LibSVMFailureReport,
        with: (LibSVMChunkOutput<T>) -> (Int, (line: Int, offset: Int)?),
        without: (LibSVMChunkOutput<T>) -> (line: Int, offset: Int)?, kind: LibSVMFailure.Kind
    ) throws -> Bool {
        let total = outputs.reduce(0) { $0 + with($1).0 }
        let rows = outputs.reduce(0) { $0 + $1.rows }
        if total == 0 { return false }
        if total == rows { return true }
        // The first row of the channel sets the rule; report the first row that breaks it.
        guard let first = outputs.indices.first(where: { outputs[$0].rows > 0 }) else { return false }
        let firstHas = with(outputs[first]).1.map { has in
            without(outputs[first]).map { has.line < $0.line } ?? true
        } ?? false
        for i in outputs.indices where outputs[i].rows > 0 {
            let breaking = firstHas ? without(outputs[i]) : with(outputs[i]).1
            if let breaking {
                let failure = LibSVMFailure(kind: kind, line: firstLine[i] + breaking.line, lineOffset: breaking.offset,
                                            tokenOffset: breaking.offset, index: firstHas ? 1 : 0)
                throw OptmlError.user(report.message(for: failure, input: chunks[i].input, featureFormat: Double.self))
            }
        }
        return false
    }

    private func planChunks(threads: Int) -> UnsafeMutableBufferPointer<LibSVMChunk> {
        let total = inputs.reduce(0) { $0 + $1.text.count - $1.dataStart }
        let target = min(chunkBytes.upperBound, max(chunkBytes.lowerBound, total / (threads * 4)))
        var plan: [LibSVMChunk] = []
        for (index, input) in inputs.enumerated() {
            guard let base = input.text.base, input.text.count > input.dataStart else { continue }
            let splits = lineAlignedSplits(base, start: input.dataStart, end: input.text.count, target: target)
            for k in 0..<(splits.count - 1) {
                plan.append(LibSVMChunk(input: index, start: splits[k], end: splits[k + 1]))
            }
        }
        let chunks = UnsafeMutableBufferPointer<LibSVMChunk>.allocate(capacity: plan.count)
        _ = chunks.initialize(from: plan)
        return chunks
    }
}
