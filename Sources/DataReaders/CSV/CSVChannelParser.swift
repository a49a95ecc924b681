import MLCore
#if canImport(Glibc)
import Glibc
#endif

/// One input of a channel: its text and the name messages give it.
struct CSVInput {
    let text: TextBuffer
    let name: String

    /// The text starts after a UTF-8 byte order mark, if there is one.
    var dataStart: Int {
        guard let base = text.base, text.count >= 3 else { return 0 }
        return base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF ? 3 : 0
    }
}

/// A run of whole lines of one input, parsed by one worker.
struct CSVChunk {
    let input: Int
    let start: Int
    let end: Int
    var newlines = 0
    var rows = 0
    /// 1-based line number of the chunk's first line in its input.
    var firstLine = 0
    /// Row index of the chunk's first row in the whole channel.
    var firstRow = 0
}

/// Where the expected width came from, for width messages.
struct CSVWidthReference {
    let input: Int
    let line: Int
}

/// Reads the rows of several inputs into one dataset, in parallel.
///
/// 1. Split every input into chunks of whole lines (about `threads × 4` in all, each between
///    `chunkBytes` bounds). 2. Count the newlines and rows of each chunk in parallel. 3. Prefix
///    sums give each chunk its first line number and its first output row. 4. The first row of
///    the channel fixes the width (unless `expectedFeatureCount` does). 5. Parse the chunks in
///    parallel, each straight into its rows of the final arrays. The earliest failing chunk's
///    first failure is reported, so errors are the same as a sequential parse would give.
struct CSVChannelParser {
    let inputs: [CSVInput]
    let options: CSVOptions
    /// Thrown when the inputs hold no rows at all.
    let emptyMessage: String
    /// Chunk size bounds in bytes; the defaults suit files, tests shrink them to force many chunks.
    var chunkBytes: ClosedRange<Int> = (256 << 10)...(8 << 20)
    /// Line number of the inputs' first line: above 1 when an input is a later piece of a file
    /// (`CSVBlockReader`), so messages keep naming the line in the whole file.
    var firstLine = 1

    func parse<S: BinaryFloatingPoint & Sendable>(as _: S.Type, source: String) throws -> LabeledDataset<S> {
        let threads = max(1, options.threads)
        let chunks = planChunks(threads: threads)
        defer { chunks.deallocate() }

        countRows(chunks, threads: threads)
        var rowCount = 0
        var firstRowOfInput = [Int](repeating: -1, count: inputs.count)
        var nextLine = [Int](repeating: firstLine, count: inputs.count)
        for i in chunks.indices {
            let input = chunks[i].input
            chunks[i].firstLine = nextLine[input]
            chunks[i].firstRow = rowCount
            nextLine[input] += chunks[i].newlines
            if firstRowOfInput[input] < 0 && chunks[i].rows > 0 { firstRowOfInput[input] = rowCount }
            rowCount += chunks[i].rows
        }
        guard rowCount > 0, let firstInput = firstRowOfInput.firstIndex(where: { $0 >= 0 }) else {
            throw OptmlError.user(emptyMessage)
        }
        let (layout, reference) = try decideLayout(firstInput: firstInput)
        let featureCount = layout.featureCount

        let failures = UnsafeMutableBufferPointer<CSVRowFailure?>.allocate(capacity: chunks.count)
        failures.initialize(repeating: nil)
        defer { failures.deallocate() }

        var labels: [Double] = []
        var weights: [Double]?
        let features = try uninitializedArray(S.self, count: rowCount * featureCount) { featureStorage in
            labels = try uninitializedArray(Double.self, count: rowCount) { labelStorage in
                if layout.hasWeight {
                    weights = try uninitializedArray(Double.self, count: rowCount) { weightStorage in
                        try parseChunks(chunks, layout: layout, threads: threads, failures: failures,
                                        labels: labelStorage, weights: weightStorage, features: featureStorage,
                                        reference: reference, firstRowOfInput: firstRowOfInput)
                    }
                } else {
                    try parseChunks(chunks, layout: layout, threads: threads, failures: failures,
                                    labels: labelStorage, weights: nil, features: featureStorage,
                                    reference: reference, firstRowOfInput: firstRowOfInput)
                }
            }
        }
        return LabeledDataset(
            features: DenseMatrix(rows: rowCount, columns: featureCount, storage: features),
            labels: labels, weights: weights, source: source)
    }

    // MARK: - Passes

    private func planChunks(threads: Int) -> UnsafeMutableBufferPointer<CSVChunk> {
        let total = inputs.reduce(0) { $0 + $1.text.count - $1.dataStart }
        let target = min(chunkBytes.upperBound, max(chunkBytes.lowerBound, total / (threads * 4)))
        var plan: [CSVChunk] = []
        for (index, input) in inputs.enumerated() {
            guard let base = input.text.base, input.text.count > input.dataStart else { continue }
            let splits = lineAlignedSplits(base, start: input.dataStart, end: input.text.count, target: target)
            for k in 0..<(splits.count - 1) {
                plan.append(CSVChunk(input: index, start: splits[k], end: splits[k + 1]))
            }
        }
        let chunks = UnsafeMutableBufferPointer<CSVChunk>.allocate(capacity: plan.count)
        _ = chunks.initialize(from: plan)
        return chunks
    }

    private func countRows(_ chunks: UnsafeMutableBufferPointer<CSVChunk>, threads: Int) {
        let inputs = self.inputs
        ParallelChunks.run(tasks: chunks.count, workers: threads) { i, _ in
            let chunk = chunks[i]
            let text = inputs[chunk.input].text
            guard let base = text.base else { return }
            let (newlines, rows) = countLines(base + chunk.start, base + chunk.end)
            chunks[i].newlines = newlines
            chunks[i].rows = rows
            // A mapped page comes back from the page cache when the parse pass reads it again;
            // dropping it now keeps the resident set to a few chunks instead of the whole file.
            if text.isMapped { text.releasePages(from: chunk.start, to: chunk.end) }
        }
    }

    private func parseChunks<S: BinaryFloatingPoint>(
        _ chunks: UnsafeMutableBufferPointer<CSVChunk>, layout: CSVLayout, threads: Int,
        failures: UnsafeMutableBufferPointer<CSVRowFailure?>,
        labels: UnsafeMutablePointer<Double>, weights: UnsafeMutablePointer<Double>?,
        features: UnsafeMutablePointer<S>, reference: CSVWidthReference?, firstRowOfInput: [Int]
    ) throws {
        let tables = DecimalTables.shared
        let inputs = self.inputs
        let featureCount = layout.featureCount
        let featureFormat: any DecimalConvertible.Type
        if S.self == Float.self {
            featureFormat = Float.self
            let parser = CSVChunkParser<Float>(layout: layout, tables: tables)
            let out = UnsafeMutableRawPointer(features).assumingMemoryBound(to: Float.self)
            ParallelChunks.run(tasks: chunks.count, workers: threads) { i, queue in
                let chunk = chunks[i]
                failures[i] = parser.parse(
                    base: inputs[chunk.input].text.base!, start: chunk.start, end: chunk.end,
                    firstLine: chunk.firstLine, firstRow: chunk.firstRow,
                    labels: labels + chunk.firstRow, weights: weights.map { $0 + chunk.firstRow },
                    features: out + chunk.firstRow * featureCount)
                finish(i, chunk, failures, queue)
            }
        } else if S.self == Double.self {
            featureFormat = Double.self
            let parser = CSVChunkParser<Double>(layout: layout, tables: tables)
            let out = UnsafeMutableRawPointer(features).assumingMemoryBound(to: Double.self)
            ParallelChunks.run(tasks: chunks.count, workers: threads) { i, queue in
                let chunk = chunks[i]
                failures[i] = parser.parse(
                    base: inputs[chunk.input].text.base!, start: chunk.start, end: chunk.end,
                    firstLine: chunk.firstLine, firstRow: chunk.firstRow,
                    labels: labels + chunk.firstRow, weights: weights.map { $0 + chunk.firstRow },
                    features: out + chunk.firstRow * featureCount)
                finish(i, chunk, failures, queue)
            }
        } else {
            // Other formats: parse as Double into a chunk-sized buffer, then convert (rounding a
            // second time; values beyond S's range become infinite).
            featureFormat = Double.self
            let parser = CSVChunkParser<Double>(layout: layout, tables: tables)
            ParallelChunks.run(tasks: chunks.count, workers: threads) { i, queue in
                let chunk = chunks[i]
                let count = chunk.rows * featureCount
                let scratch = UnsafeMutablePointer<Double>.allocate(capacity: max(count, 1))
                defer { scratch.deallocate() }
                failures[i] = parser.parse(
                    base: inputs[chunk.input].text.base!, start: chunk.start, end: chunk.end,
                    firstLine: chunk.firstLine, firstRow: chunk.firstRow,
                    labels: labels + chunk.firstRow, weights: weights.map { $0 + chunk.firstRow },
                    features: scratch)
                if failures[i] == nil {
                    let out = features + chunk.firstRow * featureCount
                    for k in 0..<count { (out + k).initialize(to: S(scratch[k])) }
                }
                finish(i, chunk, failures, queue)
            }
        }
        if let i = failures.firstIndex(where: { $0 != nil }), let failure = failures[i] {
            let report = CSVFailureReport(
                inputs: inputs, layout: layout, reference: reference,
                // The header hint is for a file's first row, not a later piece's.
                firstRowOfInput: firstLine == 1 ? firstRowOfInput : [],
                expectedFeatureCount: options.expectedFeatureCount)
            throw OptmlError.user(report.message(for: failure, input: chunks[i].input, featureFormat: featureFormat))
        }
    }

    private func finish(_ i: Int, _ chunk: CSVChunk, _ failures: UnsafeMutableBufferPointer<CSVRowFailure?>,
                        _ queue: ParallelChunks) {
        if failures[i] != nil {
            queue.stop(after: i)
        } else {
            inputs[chunk.input].text.releasePages(from: chunk.start, to: chunk.end)
        }
    }

    // MARK: - Width

    /// The layout fixed by `expectedFeatureCount`, or by the first row of the channel.
    private func decideLayout(firstInput: Int) throws -> (CSVLayout, CSVWidthReference?) {
        let input = inputs[firstInput]
        let base = input.text.base!
        let end = base + input.text.count
        var p = base + input.dataStart
        var line = firstLine
        while p < end, let next = blankLineEnd(p, end) {
            if next[-1] == UInt8(ascii: "\n") { line += 1 }
            p = next
        }
        let columns = countFields(p, end)
        let report = CSVFailureReport(inputs: inputs, layout: nil, reference: nil, firstRowOfInput: [],
                                      expectedFeatureCount: options.expectedFeatureCount)
        if columns == 1, let delimiter = suspectedDelimiter(p, end) {
            throw OptmlError.user(report.delimiterMessage(input: firstInput, line: line, lineOffset: p - base, delimiter: delimiter))
        }
        if let expected = options.expectedFeatureCount {
            guard expected >= 1 else {
                throw OptmlError.user("The expected feature count must be at least 1, got \(expected).")
            }
            return (CSVLayout(hasLabel: options.hasLabel, hasWeight: options.hasWeight, featureCount: expected), nil)
        }
        let leading = (options.hasLabel ? 1 : 0) + (options.hasWeight ? 1 : 0)
        guard columns > leading else {
            throw OptmlError.user(report.tooNarrowMessage(
                input: firstInput, line: line, lineOffset: p - base, columns: columns,
                hasLabel: options.hasLabel, hasWeight: options.hasWeight))
        }
        let layout = CSVLayout(hasLabel: options.hasLabel, hasWeight: options.hasWeight, featureCount: columns - leading)
        return (layout, CSVWidthReference(input: firstInput, line: line))
    }
}

/// An array of `count` elements that `fill` initialises in full through the pointer (or throws).
func uninitializedArray<T>(_: T.Type, count: Int, _ fill: (UnsafeMutablePointer<T>) throws -> Void) rethrows -> [T] {
    try [T](unsafeUninitializedCapacity: count) { buffer, initialized in
        initialized = 0
        if let base = buffer.baseAddress {
            adviseHugePages(UnsafeMutableRawPointer(base), bytes: count * MemoryLayout<T>.stride)
            try fill(base)
        } else {
            let placeholder = UnsafeMutablePointer<T>.allocate(capacity: 1)
            defer { placeholder.deallocate() }
            try fill(placeholder)
        }
        initialized = count
    }
}
