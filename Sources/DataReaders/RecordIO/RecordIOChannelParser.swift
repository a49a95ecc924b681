import MLCore

/// A run of whole records of one input.
private struct RecordChunk {
    let input: Int
    let start: Int
    let end: Int
    /// Records in the run (a multi-part record counts once).
    let records: Int
    /// The run was found by walking the headers; otherwise it is cut at multiples of the first
    /// record's size and holds only if walking it lands exactly on `end` after `records` records.
    let walked: Bool
}

/// The dense path did not finish: a chunk cut at a guessed boundary did not hold (`framing`), or
/// a record is not a dense row of the channel's width, fails, or the labels are mixed.
private struct NotDense: Error {
    var framing = false
}

/// Decodes the records of several inputs into one dense or CSR matrix, in parallel.
///
/// The inputs are cut into chunks of whole records with known record counts, so every chunk
/// knows its first row. When every input's size is a multiple of its first record's size (the
/// SDK's dense files: fixed-width Float32 rows and labels), the cuts are made at multiples of
/// that size without reading the data (`uniformChunks`); each chunk's own walk then proves its
/// cut. Otherwise one serial pass walks the headers (`planChunks`), which also reports framing
/// errors. Then:
/// - **Dense path** (`parseDense`): the final matrix and labels are allocated once, and every
///   chunk decodes its records straight into its rows (`RecordDecoder.decodeDenseRow` for the
///   SDK's dense layout, the general decoder record by record otherwise). No per-chunk buffers,
///   no copy: file to matrix touches each output page once.
/// - **General path**: when a record is sparse, of another width, fails to decode, or the
///   labels are mixed, the dense attempt is dropped and the channel is decoded again chunk by
///   chunk (walked) into per-chunk buffers, then copied into the final arrays (dense or CSR).
///   Every error comes from the header walk or this path, so messages and their order do not
///   depend on the dense attempt.
struct RecordIOChannelParser {
    let inputs: [CSVInput]
    let options: RecordIOProtobufOptions
    let emptyMessage: String
    /// Largest target chunk size in bytes (smaller inputs get about four chunks per thread, at
    /// least 64 KiB each, or exactly this when a test sets it below 64 KiB).
    var chunkBytes = 4 << 20
    /// The byte offset of the (single) input in its file, for messages: a block of a file read in
    /// blocks (`RecordIOBlockReader`).
    var byteOrigin = 0

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
        let origin = byteOrigin
        if let expected = options.expectedFeatureCount, expected < 1 || expected > Int(UInt32.max) {
            throw OptmlError.user("The expected feature count must be between 1 and \(UInt32.max), got \(expected).")
        }
        let threads = max(1, options.threads)
        var denseMayFit = true
        if let uniform = uniformChunks(threads: threads) {
            do {
                return .dense(try parseDense(T.self, plan: uniform, threads: threads, source: source))
            } catch {
                // A guessed cut that did not hold says nothing about the records: try again on
                // walked chunks. Any other reason holds whatever the cuts.
                denseMayFit = (error as? NotDense)?.framing ?? false
            }
        }
        let plan = try planChunks(threads: threads)
        if denseMayFit, let dense = try? parseDense(T.self, plan: plan, threads: threads, source: source) {
            return .dense(dense)
        }
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
            var scanner = RecordIOScanner(base: input.text.base, count: chunk.end, name: input.name, offset: chunk.start, origin: origin)
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
                outputs[i].failure = RecordFailure(recordOffset: origin + scanner.offset, message: (error as? OptmlError)?.message ?? "\(error)")
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

    /// Decodes every record straight into its row of the final matrix, or throws `NotDense`
    /// (leaving the reporting to the general path) when any record is not a dense row of the
    /// channel's width, a record fails, or some records have labels and others none.
    ///
    /// Mapped inputs hand back their pages chunk by chunk (the general path can read them again
    /// from the page cache); heap inputs (inflated gzip) are kept whole until the end.
    private func parseDense<T: RecordTensorScalar>(_: T.Type, plan: [RecordChunk], threads: Int,
                                                   source: String) throws -> LabeledDataset<T> {
        let origin = byteOrigin
        let chunks = UnsafeMutableBufferPointer<RecordChunk>.allocate(capacity: plan.count)
        _ = chunks.initialize(from: plan)
        defer { chunks.deallocate() }
        let firstRow = UnsafeMutableBufferPointer<Int>.allocate(capacity: chunks.count + 1)
        defer { firstRow.deallocate() }
        firstRow[0] = 0
        for i in chunks.indices { firstRow[i + 1] = firstRow[i] + chunks[i].records }
        let rowCount = firstRow[chunks.count]
        let decoder = RecordDecoder<T>()
        let width = try firstRecordWidth(decoder, chunks: chunks)
        let (cells, overflow) = rowCount.multipliedReportingOverflow(by: width)
        guard rowCount > 0, width > 0, !overflow else { throw NotDense() }
        // Per chunk: its labelled records; -1 when it met a record the dense path does not take,
        // -2 when its cut did not hold.
        let labeledRows = UnsafeMutableBufferPointer<Int>.allocate(capacity: chunks.count)
        labeledRows.initialize(repeating: 0)
        defer { labeledRows.deallocate() }
        let inputs = self.inputs
        var values: [T] = []
        let labels = try uninitializedArray(Double.self, count: rowCount) { labels in
            values = try uninitializedArray(T.self, count: cells) { matrix in
                ParallelChunks.run(tasks: chunks.count, workers: threads) { i, queue in
                    let chunk = chunks[i]
                    let input = inputs[chunk.input]
                    var scanner = RecordIOScanner(base: input.text.base, count: chunk.end, name: input.name, offset: chunk.start, origin: origin)
                    var scratch = RecordRowsOutput<T>()
                    defer {
                        scanner.deallocate()
                        scratch.deallocate()
                    }
                    let rowEnd = firstRow[i + 1]
                    var row = firstRow[i]
                    var labeled = 0
                    do {
                        while true {
                            let next: (payload: UnsafeRawBufferPointer, offset: Int)?
                            do { next = try scanner.next() } catch { throw NotDense(framing: true) }
                            guard let (payload, offset) = next else { break }
                            guard row < rowEnd else { throw NotDense(framing: true) }
                            let target = matrix + row * width
                            switch decoder.decodeDenseRow(payload, width: width, into: target) {
                            case .labeled(let label):
                                labels[row] = label
                                labeled += 1
                            case .unlabeled:
                                labels[row] = .nan
                            case .other:
                                // Another layout (Float64 or Int32 features, unpacked values, extra
                                // fields): the general decoder, then the row if it is dense and as wide.
                                scratch.removeAll()
                                try decoder.decode(payload, recordOffset: offset, name: input.name, into: &scratch)
                                guard scratch.sparseRows == 0, scratch.widths[0] == width else { throw NotDense() }
                                target.initialize(from: scratch.values.base!, count: width)
                                labels[row] = scratch.labels[0]
                                labeled += scratch.labeledRows
                            }
                            row += 1
                        }
                        guard row == rowEnd, chunk.walked || scanner.offset == chunk.end else { throw NotDense(framing: true) }
                        if input.text.isMapped { input.text.releasePages(from: chunk.start, to: chunk.end) }
                        labeledRows[i] = labeled
                    } catch {
                        labeledRows[i] = (error as? NotDense)?.framing == true ? -2 : -1
                        queue.stop(after: -1)
                    }
                }
                if labeledRows.contains(-2) { throw NotDense(framing: true) }
                if labeledRows.contains(-1) { throw NotDense() }
            }
        }
        let labeled = labeledRows.reduce(0, +)
        guard labeled == 0 || labeled == rowCount else { throw NotDense() }
        return LabeledDataset(features: DenseMatrix(rows: rowCount, columns: width, storage: values),
                              labels: labels, source: source)
    }

    /// The row width of a dense channel: the expected feature count, else the value count of the
    /// first record. Throws `NotDense` when the first record is sparse or fails to decode.
    private func firstRecordWidth<T: RecordTensorScalar>(_ decoder: RecordDecoder<T>,
                                                        chunks: UnsafeMutableBufferPointer<RecordChunk>) throws -> Int {
        let origin = byteOrigin
        guard let chunk = chunks.first(where: { $0.records > 0 }) else { throw NotDense() }
        let input = inputs[chunk.input]
        var scanner = RecordIOScanner(base: input.text.base, count: chunk.end, name: input.name, offset: chunk.start, origin: origin)
        var first = RecordRowsOutput<T>()
        defer {
            scanner.deallocate()
            first.deallocate()
        }
        do {
            guard let (payload, offset) = try scanner.next() else { throw NotDense() }
            try decoder.decode(payload, recordOffset: offset, name: input.name, into: &first)
        } catch {
            throw NotDense()
        }
        guard first.sparseRows == 0 else { throw NotDense() }
        return options.expectedFeatureCount ?? first.widths[0]
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
    /// record never straddles two chunks), with their record counts. Framing errors surface here.
    private func planChunks(threads: Int) throws -> [RecordChunk] {
        let origin = byteOrigin
        let target = targetChunkBytes(threads: threads)
        var plan: [RecordChunk] = []
        for (index, input) in inputs.enumerated() {
            guard let base = input.text.base, input.text.count > 0 else { continue }
            var scanner = RecordIOScanner(base: base, count: input.text.count, name: input.name, origin: origin)
            defer { scanner.deallocate() }
            var chunkStart = 0
            var records = 0
            while try scanner.next() != nil {
                records += 1
                if scanner.offset - chunkStart >= target {
                    plan.append(RecordChunk(input: index, start: chunkStart, end: scanner.offset, records: records, walked: true))
                    chunkStart = scanner.offset
                    records = 0
                }
            }
            if scanner.offset > chunkStart {
                plan.append(RecordChunk(input: index, start: chunkStart, end: min(scanner.offset, input.text.count),
                                        records: records, walked: true))
            }
        }
        return plan
    }

    /// Chunks cut at multiples of each input's first record size, without walking the headers,
    /// when every input looks like records of one size: its first header is a whole record whose
    /// size (header, payload, padding) divides the input's size. Nil otherwise.
    ///
    /// The cuts are a guess. `parseDense` walks every chunk and requires it to land exactly on
    /// its end after its count of records; chunk by chunk from offset 0 that proves every cut a
    /// record boundary, and the whole framing what a walk of the headers would have found.
    private func uniformChunks(threads: Int) -> [RecordChunk]? {
        let target = targetChunkBytes(threads: threads)
        var plan: [RecordChunk] = []
        for (index, input) in inputs.enumerated() {
            guard let base = input.text.base, input.text.count > 0 else { continue }
            let count = input.text.count
            guard count >= 8 else { return nil }
            let raw = UnsafeRawPointer(base)
            let word = UInt32(littleEndian: (raw + 4).loadUnaligned(as: UInt32.self))
            guard UInt32(littleEndian: raw.loadUnaligned(as: UInt32.self)) == RecordIOFraming.magic, word >> 29 == 0 else {
                return nil
            }
            let length = Int(word & 0x1FFF_FFFF)
            let size = 8 + length + RecordIOFraming.padding(length)
            guard count % size == 0 else { return nil }
            let records = count / size
            let perChunk = max(1, target / size)
            var first = 0
            while first < records {
                let n = min(perChunk, records - first)
                plan.append(RecordChunk(input: index, start: first * size, end: (first + n) * size, records: n, walked: false))
                first += n
            }
        }
        return plan
    }

    /// The chunk size for the inputs on `threads` threads.
    private func targetChunkBytes(threads: Int) -> Int {
        if chunkBytes < 64 << 10 { return max(1, chunkBytes) }
        let total = inputs.reduce(0) { $0 + $1.text.count }
        return max(64 << 10, min(chunkBytes, total / (threads * 4)))
    }
}
